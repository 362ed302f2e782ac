import { PolicySetView, Problem } from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../platform/clock.js';
import type { Principal } from '../platform/http/auth.js';
import type { Controller } from '../platform/leadership/index.js';
import type { Store } from '../platform/store/index.js';
import { AuditLog, type CheckpointPolicy } from './audit/audit-log.js';
import { AuditSigner } from './audit/keys.js';
import { requestRecorder } from './audit/recorder.js';
import { registerAuditRoutes } from './audit/routes.js';
import { Authorizer } from './authz/authorizer.js';
import { PolicyEngine } from './authz/engine.js';
import { FALLBACK_DOCUMENTS } from './authz/policies.js';
import { CEDAR_SCHEMA } from './authz/schema.js';
import { registerComplianceRoutes } from './compliance/routes.js';
import { FailureWindow } from './identity/failure-window.js';
import { ensureFirstAdmin } from './identity/first-admin.js';
import { Identity, type IdentityPolicy } from './identity/identity.js';
import { registerIdentityRoutes } from './identity/routes.js';
import { openSessionKey } from './identity/session-key.js';
import { UserRepo } from './identity/user-repo.js';
import { ClusterCa } from './pki/cluster-ca.js';
import { registerPkiRoutes } from './pki/routes.js';
import { PolicyCatalog } from './policies/catalog.js';
import { PolicyRepo } from './policies/policy-repo.js';
import { registerPolicyRoutes } from './policies/routes.js';
import { registerPrivacyRoutes } from './privacy/routes.js';
import { ApiTokenRepo } from './tokens/api-token-repo.js';
import { registerApiTokenRoutes } from './tokens/routes.js';

export { AuditLog, type AuditRecord, type CheckpointPolicy } from './audit/audit-log.js';
export {
  type AuditCheckpoint,
  type AuditRow,
  type AuditVerification,
  readPublicKey,
  verifyChain,
} from './audit/chain.js';
export { auditDecisionLog } from './audit/decision-log.js';
export { AuditSigner, KeyFileError } from './audit/keys.js';
export { actorOf } from './audit/recorder.js';
export { Authorizer, type DecideInput, type RequestDecision } from './authz/authorizer.js';
export { type AuthzDecision, type AuthzOutcome, PolicyEngine, PolicyValidationError } from './authz/engine.js';
export type { NodeAttributes, PlaybookIdentity } from './authz/entities.js';
export { SHIPPED_DOCUMENTS, SHIPPED_POLICIES } from './authz/policies.js';
export { ROUTE_ACTIONS } from './authz/route-actions.js';
export { FIRST_ADMIN_NAME } from './identity/first-admin.js';
export { Identity, type IdentityPolicy } from './identity/identity.js';
export { PolicyCatalog } from './policies/catalog.js';

/** Governance: who may do what (Cedar), and the API tokens of service accounts. */
export interface Governance {
  /** The cluster CA: signs the server's certificate and nodes' client certificates. */
  ca: ClusterCa;
  authorizer: Authorizer;
  /** The stored policy set: versions, changes, and reloading when another replica changed it. */
  policies: PolicyCatalog;
  apiTokens: ApiTokenRepo;
  audit: AuditLog;
  /** Users, logins, sessions and event-stream tickets. */
  identity: Identity;
  /** The first admin user's name and generated password, only on the start that created it; show it once. */
  firstAdmin: { name: string; password: string } | undefined;
  /** Signs a checkpoint when entries have waited auditCheckpointIntervalMs (leader only). */
  checkpointer: Controller;
  /** The onSend half of the HTTP layer: records requests in the audit chain. */
  recordRequest: ReturnType<typeof requestRecorder>;
  /** Resolves an API token by its hash to a principal (for the auth hook). */
  serviceByTokenHash(tokenHash: string): Promise<Principal | undefined>;
  registerRoutes(app: FastifyInstance): Promise<void>;
}

/**
 * Builds governance over the store: the shipped policy set in force, API
 * tokens from the store, and the audit chain signed with the key that the
 * key file decrypts.
 */
export async function createGovernance(deps: {
  store: Store;
  clock: Clock;
  keyFile: string;
  /** Whether the server speaks HTTPS (shown by GET /v1/cluster/ca). */
  tls: boolean;
  checkpoints: CheckpointPolicy;
  identity: IdentityPolicy & { authFailuresPerIp: number; authFailureWindowMs: number };
  /** How long a replica trusts its loaded policy set before checking the store for changes (default 1 s). */
  policyCheckEveryMs?: number;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}): Promise<Governance> {
  const apiTokens = new ApiTokenRepo(deps.store.db);
  const signer = await AuditSigner.open(deps.store, deps.keyFile);
  // Dated by the wall clock: TLS peers check certificates against their own clocks, not the injectable one.
  const ca = await ClusterCa.open(deps.store, deps.keyFile, Date.now());
  const audit = new AuditLog(deps.store.db, signer, deps.clock, deps.checkpoints);
  const users = new UserRepo(deps.store.db);
  const failures = new FailureWindow(deps.identity.authFailuresPerIp, deps.identity.authFailureWindowMs, () =>
    deps.clock.now(),
  );
  const identity = new Identity(
    users,
    await openSessionKey(deps.store, deps.keyFile),
    deps.clock,
    audit,
    deps.identity,
    failures,
  );
  const firstAdmin = await ensureFirstAdmin(deps.store, users, deps.clock.now());
  // The fallback decides nothing: the catalog loads the stored set before the first request.
  const authorizer = new Authorizer(PolicyEngine.compileDocuments(FALLBACK_DOCUMENTS), (name) =>
    deps.store.nodes.attributesByName(name),
  );
  const policyRepo = new PolicyRepo(deps.store.db);
  const policies = new PolicyCatalog(policyRepo, authorizer, audit, deps.clock, {
    checkEveryMs: deps.policyCheckEveryMs ?? 1_000,
    ...(deps.log ? { log: deps.log } : {}),
  });
  await policies.start();
  return {
    ca,
    authorizer,
    policies,
    apiTokens,
    audit,
    identity,
    firstAdmin,
    recordRequest: requestRecorder(audit),
    checkpointer: {
      name: 'audit-checkpoints',
      intervalMs: Math.min(60_000, deps.checkpoints.everyMs),
      runOnce: () => audit.checkpointIfDue(),
    },
    async serviceByTokenHash(tokenHash) {
      const row = await apiTokens.usable(tokenHash, deps.clock.now());
      return row ? { kind: 'service', id: row.id, name: row.name, roles: row.roles, teams: row.teams } : undefined;
    },
    async registerRoutes(app) {
      await registerApiTokenRoutes(app, { tokens: apiTokens, clock: deps.clock });
      await registerIdentityRoutes(app, { identity, clock: deps.clock });
      await registerAuditRoutes(app, audit);
      registerPkiRoutes(app, ca, deps.tls);
      await registerPolicyRoutes(app, { repo: policyRepo, catalog: policies, authorizer });
      await registerPrivacyRoutes(app, deps.store.db, () => deps.clock.now());
      await registerComplianceRoutes(app, {
        db: deps.store.db,
        audit,
        catalog: policies,
        tls: deps.tls,
        loginLockout: { maxFailures: deps.identity.loginMaxFailures, lockoutMs: deps.identity.loginLockoutMs },
        policyIds: () => authorizer.engine.policies.map((p) => p.id),
        now: () => deps.clock.now(),
      });
      app.get(
        '/v1/authz/policies',
        {
          schema: {
            summary: 'The Cedar schema and the policies in force',
            tags: ['governance'],
            security: [{ admin: [] }],
            response: { 200: PolicySetView, 401: Problem, 403: Problem },
          },
        },
        async () => ({ schema: CEDAR_SCHEMA, policies: [...authorizer.engine.policies] }),
      );
    },
  };
}
