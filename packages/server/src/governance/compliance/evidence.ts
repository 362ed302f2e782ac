import { and, count, desc, gt, isNull, like, sql } from 'drizzle-orm';
import type { Db } from '../../platform/store/index.js';
import {
  alertRules,
  anomalies,
  apiTokens,
  auditLog,
  detectionState,
  policyVersions,
  users,
} from '../../platform/store/schema.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditVerification } from '../audit/chain.js';
import { ROUTE_ACTIONS } from '../authz/route-actions.js';
import type { PolicyCatalog } from '../policies/catalog.js';

/** Audit entries scanned for names of people (the most recent ones). */
const NAME_SCAN = 5_000;
const DAY = 86_400_000;

/** What the running system shows, collected once per report; each control reads what it needs. */
export interface Evidence {
  at: number;
  tls: boolean;
  loginLockout: { maxFailures: number; lockoutMs: number };
  policies: {
    generation: number;
    documents: string[];
    policyIds: string[];
    fallback: string[] | null;
    changes: number;
    changesAudited: number;
  };
  routes: { total: number; public: string[]; mapped: number; failClosed: string[] };
  users: { total: number; disabled: number; admins: number; roles: Record<string, number> };
  apiTokens: { active: number; expiringWithin90Days: number; longestDaysLeft: number | null };
  audit: AuditVerification;
  auditFacts: { failedAuthentications: number; logins: number; entriesNamingUsers: number; scanned: number };
  monitoring: { seriesWatched: number; anomaliesLast7Days: number; alertRules: number };
  personalData: { exportRoute: boolean; eraseRoute: boolean };
}

export interface EvidenceSources {
  db: Db;
  audit: AuditLog;
  catalog: PolicyCatalog;
  tls: boolean;
  loginLockout: { maxFailures: number; lockoutMs: number };
  /** The routes the server serves ("METHOD url") and which of them need no bearer token. */
  routes(): { key: string; public: boolean }[];
  /** Ids of the Cedar policies in force. */
  policyIds(): string[];
  now(): number;
}

const num = (v: unknown) => Number(v ?? 0);

export async function collectEvidence(s: EvidenceSources): Promise<Evidence> {
  const at = s.now();
  const { db } = s;
  const active = await db
    .select({ id: policyVersions.id, text: policyVersions.text })
    .from(policyVersions)
    .where(
      sql`${policyVersions.version} = (select max(p.version) from policy_versions p where p.id = ${policyVersions.id})`,
    );
  const [changes] = await db.select({ n: count() }).from(policyVersions).where(sql`${policyVersions.change} <> 'seed'`);
  const [changesAudited] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(like(auditLog.entry, '%"kind":"policy.changed"%'));

  const routes = s.routes();
  const guarded = routes.filter((r) => !r.public);
  const failClosed = guarded.map((r) => r.key).filter((k) => !(k in ROUTE_ACTIONS) && !k.startsWith('HEAD '));

  const userRows = await db.select({ roles: users.roles, disabled: users.disabled }).from(users);
  const roles: Record<string, number> = {};
  for (const u of userRows) for (const r of u.roles) roles[r] = (roles[r] ?? 0) + 1;

  const tokens = await db
    .select({ expiresAt: apiTokens.expiresAt })
    .from(apiTokens)
    .where(and(isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, at)));
  const longest = tokens.length > 0 ? Math.max(...tokens.map((t) => t.expiresAt)) : null;

  const [failed] = await db.select({ n: count() }).from(auditLog).where(like(auditLog.entry, '%"kind":"auth.failed"%'));
  const [logins] = await db.select({ n: count() }).from(auditLog).where(like(auditLog.entry, '%"kind":"login"%'));
  const recent = await db.select({ entry: auditLog.entry }).from(auditLog).orderBy(desc(auditLog.seq)).limit(NAME_SCAN);
  const namingUsers = recent.filter((r) => {
    const e = JSON.parse(r.entry) as {
      kind?: string;
      actor?: { kind?: string; name?: unknown };
      userId?: unknown;
      name?: unknown;
    };
    return (
      (e.actor?.kind === 'user' && e.actor.name !== undefined) ||
      (e.kind === 'login' && e.userId !== undefined && e.name !== undefined)
    );
  }).length;

  const [series] = await db.select({ n: count() }).from(detectionState);
  const [recentAnomalies] = await db
    .select({ n: count() })
    .from(anomalies)
    .where(gt(anomalies.at, at - 7 * DAY));
  const [rules] = await db.select({ n: count() }).from(alertRules);
  const keys = new Set(routes.map((r) => r.key));

  return {
    at,
    tls: s.tls,
    loginLockout: s.loginLockout,
    policies: {
      generation: s.catalog.generation,
      documents: active.filter((r) => r.text !== null).map((r) => r.id),
      policyIds: s.policyIds(),
      fallback: s.catalog.fallbackReason ?? null,
      changes: num(changes?.n),
      changesAudited: num(changesAudited?.n),
    },
    routes: {
      total: routes.length,
      public: routes.filter((r) => r.public).map((r) => r.key),
      mapped: guarded.length - failClosed.length,
      failClosed,
    },
    users: {
      total: userRows.length,
      disabled: userRows.filter((u) => u.disabled).length,
      admins: roles.admin ?? 0,
      roles,
    },
    apiTokens: {
      active: tokens.length,
      expiringWithin90Days: tokens.filter((t) => t.expiresAt - at <= 90 * DAY).length,
      longestDaysLeft: longest === null ? null : Math.ceil((longest - at) / DAY),
    },
    audit: await s.audit.verify(),
    auditFacts: {
      failedAuthentications: num(failed?.n),
      logins: num(logins?.n),
      entriesNamingUsers: namingUsers,
      scanned: recent.length,
    },
    monitoring: {
      seriesWatched: num(series?.n),
      anomaliesLast7Days: num(recentAnomalies?.n),
      alertRules: num(rules?.n),
    },
    personalData: {
      exportRoute: keys.has('GET /v1/users/:id/personal-data'),
      eraseRoute: keys.has('DELETE /v1/users/:id'),
    },
  };
}
