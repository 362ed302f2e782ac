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
});
export const PolicySetView = Type.Object({ schema: Type.String(), policies: Type.Array(PolicySummary) });
export type PolicySetView = Static<typeof PolicySetView>;
