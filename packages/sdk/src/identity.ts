/**
 * The wire contract of identity: users, login sessions (short-lived access
 * tokens with a refresh token) and single-use event-stream tickets.
 */
import { type Static, Type } from '@sinclair/typebox';
import { RoleName } from './governance.js';

export const UserName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$', description: 'login name' });
const Password = Type.String({ minLength: 12, maxLength: 1024, description: 'at least 12 characters' });
const Team = Type.String({ minLength: 1, maxLength: 64 });

export const LoginRequest = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  refreshIn: Type.Optional(
    Type.Union([Type.Literal('cookie'), Type.Literal('body')], {
      description:
        'where the refresh token goes: an httpOnly cookie (default, for browsers) or the answer (for scripts)',
    }),
  ),
});
export type LoginRequest = Static<typeof LoginRequest>;

export const RefreshRequest = Type.Object({
  refreshToken: Type.Optional(
    Type.String({ minLength: 1, maxLength: 256, description: 'omit when the refresh token is in the cookie' }),
  ),
});
export type RefreshRequest = Static<typeof RefreshRequest>;

export const User = Type.Object({
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  teams: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type User = Static<typeof User>;

export const UserList = Type.Object({ items: Type.Array(User) });

/** Everything Aurora holds about one user (GDPR Art. 15 and 20), in one document. */
export const PersonalDataExport = Type.Object({
  subject: Type.String({ description: "the user's id, also its pseudonym in the audit trail" }),
  exportedAt: Type.String({ format: 'date-time' }),
  user: User,
  passwordChangedAt: Type.String({ format: 'date-time' }),
  sessions: Type.Array(
    Type.Object({
      id: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
      expiresAt: Type.String({ format: 'date-time' }),
      revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
  ),
  auditEntries: Type.Array(
    Type.Object({ seq: Type.Integer(), entry: Type.String({ description: 'canonical JSON, as chained' }) }),
    { description: 'audit entries naming the user by its pseudonym' },
  ),
  approvals: Type.Array(
    Type.Object({
      run: Type.String(),
      level: Type.Integer(),
      decision: Type.String(),
      reason: Type.String(),
      decidedAt: Type.String({ format: 'date-time' }),
    }),
    { description: "the user's decisions on playbook runs' approvals, oldest first" },
  ),
  erasure: Type.String({ description: 'how to erase it, and what stays' }),
});
export type PersonalDataExport = Static<typeof PersonalDataExport>;
export type UserList = Static<typeof UserList>;

/** A login: the access token to send as a bearer token until `expiresAt`, then refresh. */
export const SessionTokens = Type.Object({
  tokenType: Type.Literal('Bearer'),
  accessToken: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  refreshToken: Type.Optional(Type.String({ description: 'only when the login asked for refreshIn: body' })),
  user: User,
});
export type SessionTokens = Static<typeof SessionTokens>;

export const CreateUserRequest = Type.Object({
  name: UserName,
  password: Password,
  roles: Type.Array(RoleName, { minItems: 1, maxItems: 8 }),
  teams: Type.Optional(Type.Array(Team, { maxItems: 32 })),
});
export type CreateUserRequest = Static<typeof CreateUserRequest>;

export const UpdateUserRequest = Type.Object({
  roles: Type.Optional(Type.Array(RoleName, { minItems: 1, maxItems: 8 })),
  teams: Type.Optional(Type.Array(Team, { maxItems: 32 })),
  disabled: Type.Optional(Type.Boolean({ description: 'a disabled user cannot log in; its sessions end' })),
  password: Type.Optional(Password),
});
export type UpdateUserRequest = Static<typeof UpdateUserRequest>;

export const ChangePasswordRequest = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  newPassword: Password,
});
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

/** Who the caller is, as the server authenticated it. */
export const Me = Type.Object({
  kind: Type.Union([Type.Literal('admin'), Type.Literal('user'), Type.Literal('service'), Type.Literal('node')]),
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  teams: Type.Array(Type.String()),
});
export type Me = Static<typeof Me>;

export const EventTicket = Type.Object({
  ticket: Type.String({ description: 'pass as GET /v1/events?ticket=...; it opens one stream' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type EventTicket = Static<typeof EventTicket>;
