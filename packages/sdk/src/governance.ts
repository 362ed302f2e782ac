/**
 * The wire contract of governance: API tokens, policies, authorisation
 * decisions and the audit trail.
 */
import { type Static, Type } from '@sinclair/typebox';

/** A role the shipped policies know. Stored policies may grant further roles by name. */
export const RoleName = Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$', description: 'admin, operator, viewer, ...' });

export const CreateApiTokenRequest = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  roles: Type.Array(RoleName, { minItems: 1, maxItems: 8 }),
  teams: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 })),
  ttlSeconds: Type.Optional(
    Type.Integer({ minimum: 60, maximum: 31_536_000, description: 'lifetime; omitted means 90 days' }),
  ),
});
export type CreateApiTokenRequest = Static<typeof CreateApiTokenRequest>;

export const ApiToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  teams: Type.Array(Type.String()),
  expiresAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type ApiToken = Static<typeof ApiToken>;

/** The secret is returned once, at creation; only its hash is stored. */
export const CreatedApiToken = Type.Intersect([ApiToken, Type.Object({ token: Type.String() })]);
export type CreatedApiToken = Static<typeof CreatedApiToken>;

export const ApiTokenList = Type.Object({ items: Type.Array(ApiToken) });
export type ApiTokenList = Static<typeof ApiTokenList>;

/** One policy of the set in force. */
export const PolicySummary = Type.Object({
  id: Type.String(),
  effect: Type.Union([Type.Literal('permit'), Type.Literal('forbid')]),
  approval: Type.Boolean({ description: 'a deny by this policy alone is needs-approval' }),
  text: Type.String(),
  document: Type.Optional(Type.String({ description: 'the stored policy document it comes from' })),
});
export const PolicySetView = Type.Object({ schema: Type.String(), policies: Type.Array(PolicySummary) });
export type PolicySetView = Static<typeof PolicySetView>;

/** A stored policy document's id: lower-case letters, digits and dashes. */
export const PolicyId = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
  description: 'lower-case letters, digits and dashes, up to 63',
});

export const PutPolicy = Type.Object({
  text: Type.String({ minLength: 1, maxLength: 65_536, description: 'one or more Cedar policies' }),
});
export type PutPolicy = Static<typeof PutPolicy>;

export const RollbackPolicy = Type.Object({
  version: Type.Integer({ minimum: 1, description: 'the version whose text becomes the newest version' }),
});
export type RollbackPolicy = Static<typeof RollbackPolicy>;

export const PolicyChange = Type.Union([
  Type.Literal('seed'),
  Type.Literal('put'),
  Type.Literal('rollback'),
  Type.Literal('delete'),
]);
export type PolicyChange = Static<typeof PolicyChange>;

const policyVersionFields = {
  id: Type.String(),
  version: Type.Integer(),
  change: PolicyChange,
  fromVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'the version a rollback restored' }),
  author: Type.Record(Type.String(), Type.String(), { description: 'who made it, as the audit trail names them' }),
  createdAt: Type.String({ format: 'date-time' }),
};

/** One version of a stored policy document; a deletion is a version without text. */
export const PolicyVersion = Type.Object({
  ...policyVersionFields,
  text: Type.Union([Type.String(), Type.Null()], { description: 'null for a deletion' }),
});
export type PolicyVersion = Static<typeof PolicyVersion>;

/** A policy document in force: its latest version and the policies Cedar parsed from it. */
export const StoredPolicy = Type.Object({
  ...policyVersionFields,
  text: Type.String(),
  policies: Type.Array(PolicySummary),
});
export type StoredPolicy = Static<typeof StoredPolicy>;

export const StoredPolicyList = Type.Object({
  items: Type.Array(StoredPolicy),
  generation: Type.Integer({ description: 'grows with every change of any policy document' }),
  fallback: Type.Optional(
    Type.Array(Type.String(), {
      description:
        "Cedar's messages when the stored set does not compile; only the admin and self policies are then in force",
    }),
  ),
});
export type StoredPolicyList = Static<typeof StoredPolicyList>;

export const PolicyVersionList = Type.Object({ items: Type.Array(PolicyVersion) });
export type PolicyVersionList = Static<typeof PolicyVersionList>;

export const PolicyDiffQuery = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'older version (0: empty text); default to - 1' })),
  to: Type.Optional(Type.Integer({ minimum: 1, description: 'newer version; default the latest' })),
});
export type PolicyDiffQuery = Static<typeof PolicyDiffQuery>;

export const PolicyDiff = Type.Object({
  id: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  diff: Type.String({ description: 'a line diff: "  " kept, "- " removed, "+ " added, one line each' }),
});
export type PolicyDiff = Static<typeof PolicyDiff>;

/** One audit entry as stored: its canonical JSON text (verify it byte for byte) and its chained hash. */
export const AuditEntry = Type.Object({
  seq: Type.Integer(),
  entry: Type.String({ description: 'canonical JSON (RFC 8785) of the entry' }),
  hash: Type.String({ description: 'SHA-256 hex of the previous hash, a newline and entry' }),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditEntryPage = Type.Object({
  items: Type.Array(AuditEntry),
  next: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as `after` for the next page' }),
});
export type AuditEntryPage = Static<typeof AuditEntryPage>;

export const AuditPageQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'entries after this seq (default 0)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
});
export type AuditPageQuery = Static<typeof AuditPageQuery>;

export const AuditCheckpoint = Type.Object({
  seq: Type.Integer(),
  hash: Type.String(),
  at: Type.Integer({ description: 'ms since epoch' }),
  keyId: Type.String(),
  signature: Type.String({ description: 'Ed25519 over the canonical JSON of {at, hash, keyId, seq}, base64' }),
});
export type AuditCheckpoint = Static<typeof AuditCheckpoint>;

export const AuditCheckpointList = Type.Object({
  items: Type.Array(AuditCheckpoint),
  keyId: Type.String(),
  publicKey: Type.String({ description: 'the Ed25519 public key (PEM) that signs checkpoints; pin it elsewhere' }),
});
export type AuditCheckpointList = Static<typeof AuditCheckpointList>;

export const AuditVerification = Type.Object({
  intact: Type.Boolean(),
  entries: Type.Integer(),
  checkpoints: Type.Integer(),
  lastSeq: Type.Integer(),
  unsignedTail: Type.Integer({ description: 'entries after the last checkpoint, chained but not yet signed' }),
  firstBroken: Type.Union([Type.Object({ seq: Type.Integer(), reason: Type.String() }), Type.Null()]),
  keyId: Type.String(),
});
export type AuditVerification = Static<typeof AuditVerification>;

export const AuditVerifyQuery = Type.Object({
  publicKey: Type.Optional(
    Type.String({ maxLength: 4096, description: 'verify against this pinned key (PEM or base64 SPKI) instead' }),
  ),
});
export type AuditVerifyQuery = Static<typeof AuditVerifyQuery>;

export const ComplianceFramework = Type.Union([Type.Literal('soc2'), Type.Literal('iso27001'), Type.Literal('gdpr')]);
export type ComplianceFramework = Static<typeof ComplianceFramework>;

export const ComplianceReportQuery = Type.Object({ framework: ComplianceFramework });
export type ComplianceReportQuery = Static<typeof ComplianceReportQuery>;

/** One control, judged from evidence collected from the running system when the report was made. */
export const ComplianceControl = Type.Object({
  id: Type.String({ description: 'e.g. CC6.1, A.8.15, Art. 17' }),
  title: Type.String(),
  status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('unknown')]),
  reason: Type.String(),
  evidence: Type.Record(Type.String(), Type.Unknown()),
});
export type ComplianceControl = Static<typeof ComplianceControl>;

export const ComplianceReport = Type.Object({
  framework: ComplianceFramework,
  generatedAt: Type.String({ format: 'date-time' }),
  summary: Type.Object({ pass: Type.Integer(), fail: Type.Integer(), unknown: Type.Integer() }),
  controls: Type.Array(ComplianceControl),
});
export type ComplianceReport = Static<typeof ComplianceReport>;
