import { PersonalDataExport, Problem } from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import { asc, eq, like } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../../platform/http/errors.js';
import type { Db } from '../../platform/store/index.js';
import { auditLog, runApprovals, userSessions, users } from '../../platform/store/schema.js';
import { toUser } from '../identity/routes.js';
import { approverKey } from '../identity/user-repo.js';

/** Audit entries returned per export at most; a subject with more is told to page GET /v1/audit. */
const MAX_AUDIT_ENTRIES = 10_000;

export const ERASURE_NOTE =
  'DELETE /v1/users/ID erases the user: its row (name, password hash, roles, teams) and its sessions, ' +
  'and its name on approval decisions becomes "erased user ID" (the decisions stay, as runs were gated on them). ' +
  'The audit trail names people only by this id, a random pseudonym, so its entries stay and still verify ' +
  'but no longer lead to a person; the source addresses they record are kept for the security of the service ' +
  '(GDPR recital 49).';

const iso = (ms: number) => new Date(ms).toISOString();

/** GDPR: export of one user's personal data; erasure is DELETE /v1/users/:id (identity). */
export async function registerPrivacyRoutes(app: FastifyInstance, db: Db, now: () => number): Promise<void> {
  app.get(
    '/v1/users/:id/personal-data',
    {
      schema: {
        summary: 'Export everything held about a user: profile, sessions and the audit entries naming its pseudonym',
        tags: ['identity'],
        security: [{ admin: [] }],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: PersonalDataExport, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const [user] = await db.select().from(users).where(eq(users.id, id));
      if (!user) {
        throw new AuroraError(
          'AURORA_USER_NOT_FOUND',
          `no user with id "${id}" (an erased user has nothing left to export); list them with GET /v1/users`,
        );
      }
      const sessions = await db.select().from(userSessions).where(eq(userSessions.userId, id));
      // Ids are random UUIDs, so the quoted id appears in an entry only where it names this user.
      const entries = await db
        .select({ seq: auditLog.seq, entry: auditLog.entry })
        .from(auditLog)
        .where(like(auditLog.entry, `%${JSON.stringify(id).replace(/[\\%_]/g, (c) => `\\${c}`)}%`))
        .orderBy(asc(auditLog.seq))
        .limit(MAX_AUDIT_ENTRIES);
      const decisions = await db
        .select()
        .from(runApprovals)
        .where(eq(runApprovals.approver, approverKey(id)))
        .orderBy(asc(runApprovals.decidedAt), asc(runApprovals.seq));
      return {
        subject: id,
        exportedAt: iso(now()),
        user: toUser(user),
        passwordChangedAt: iso(user.passwordChangedAt),
        sessions: sessions.map((s) => ({
          id: s.id,
          createdAt: iso(s.createdAt),
          expiresAt: iso(s.expiresAt),
          revokedAt: s.revokedAt === null ? null : iso(s.revokedAt),
        })),
        auditEntries: entries.map((e) => ({ seq: Number(e.seq), entry: e.entry })),
        approvals: decisions.map((d) => ({
          run: d.runId,
          level: d.level,
          decision: d.decision,
          reason: d.reason,
          decidedAt: iso(d.decidedAt),
        })),
        erasure: ERASURE_NOTE,
      };
    },
  );
}
