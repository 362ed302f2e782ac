import { randomUUID } from 'node:crypto';
import {
  ChangePasswordRequest,
  CreateUserRequest,
  EventTicket,
  LoginRequest,
  Me,
  Problem,
  RefreshRequest,
  SessionTokens,
  UpdateUserRequest,
  User,
  UserList,
} from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/http/auth.js';
import { AuroraError } from '../../platform/http/errors.js';
import type { Identity, IssuedSession } from './identity.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { UserRow } from './user-repo.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 429: Problem };
const security = [{ admin: [] }];
/** The refresh token's cookie: sent back only to the session routes, never readable by scripts. */
export const REFRESH_COOKIE = 'aurora_refresh';
const COOKIE_PATH = '/v1/sessions';

const iso = (ms: number) => new Date(ms).toISOString();

export function toUser(row: UserRow) {
  return {
    id: row.id,
    name: row.name,
    roles: row.roles,
    teams: row.teams,
    disabled: row.disabled,
    lockedUntil: row.lockedUntil === null ? null : iso(row.lockedUntil),
    createdAt: iso(row.createdAt),
  };
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeMs: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${REFRESH_COOKIE}=${value}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}${secure}`,
  );
}

function sessionAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  issued: IssuedSession,
  refreshIn: 'cookie' | 'body',
  now: number,
) {
  if (refreshIn === 'cookie') setRefreshCookie(request, reply, issued.refreshToken, issued.sessionExpiresAt - now);
  // Tokens must never be cached by a browser or a proxy.
  reply.header('cache-control', 'no-store');
  return {
    tokenType: 'Bearer' as const,
    accessToken: issued.accessToken,
    expiresAt: iso(issued.expiresAt),
    ...(refreshIn === 'body' ? { refreshToken: issued.refreshToken } : {}),
    user: toUser(issued.user),
  };
}

function meOf(principal: Principal) {
  switch (principal.kind) {
    case 'admin':
      return { kind: 'admin' as const, id: 'admin', name: 'admin', roles: ['admin'], teams: [] };
    case 'user':
    case 'service':
      return {
        kind: principal.kind,
        id: principal.id,
        name: principal.name,
        roles: [...principal.roles],
        teams: [...principal.teams],
      };
    case 'node':
      return { kind: 'node' as const, id: principal.nodeId, name: principal.name, roles: ['agent'], teams: [] };
    case 'anonymous':
      throw new AuroraError('AURORA_UNAUTHENTICATED', 'no credentials were sent');
  }
}

/** Login sessions, the caller's own account, users (admin) and event-stream tickets. */
export async function registerIdentityRoutes(
  app: FastifyInstance,
  deps: { identity: Identity; clock: Clock },
): Promise<void> {
  const { identity, clock } = deps;
  const users = identity.users;

  app.post(
    '/v1/sessions',
    {
      // Public: the handler checks the password and records every outcome in the audit chain itself.
      config: { auth: 'public', auditedByHandler: true },
      schema: {
        summary: 'Log in with a user name and password: a short-lived access token and a refresh token',
        tags: ['identity'],
        body: LoginRequest,
        response: { 200: SessionTokens, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as LoginRequest;
      const issued = await identity.login(body.name, body.password, { ip: request.ip, requestId: String(request.id) });
      return sessionAnswer(request, reply, issued, body.refreshIn ?? 'cookie', clock.now());
    },
  );

  app.post(
    '/v1/sessions/refresh',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Trade the refresh token (cookie or body) for a new access token; the refresh token is replaced',
        tags: ['identity'],
        body: RefreshRequest,
        response: { 200: SessionTokens, ...errors },
      },
    },
    async (request, reply) => {
      const fromBody = (request.body as RefreshRequest).refreshToken;
      const token = fromBody ?? cookieOf(request, REFRESH_COOKIE);
      if (!token) {
        throw new AuroraError(
          'AURORA_UNAUTHENTICATED',
          `send the refresh token in the "${REFRESH_COOKIE}" cookie or the body field "refreshToken"`,
        );
      }
      const issued = await identity.refresh(token);
      // The refresh token proved who is calling: the audit entry names that user, not an anonymous caller.
      request.principal = {
        kind: 'user',
        id: issued.user.id,
        name: issued.user.name,
        roles: issued.user.roles,
        teams: issued.user.teams,
        sessionId: issued.sessionId,
      };
      return sessionAnswer(request, reply, issued, fromBody ? 'body' : 'cookie', clock.now());
    },
  );

  app.delete(
    '/v1/sessions',
    {
      schema: {
        summary: "Log out: end the caller's session (and the one of the refresh cookie, if sent)",
        tags: ['identity'],
        security,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      if (request.principal.kind === 'user') await identity.endSession(request.principal.sessionId);
      const cookie = cookieOf(request, REFRESH_COOKIE);
      if (cookie) await identity.endSessionByRefresh(cookie);
      setRefreshCookie(request, reply, '', 0);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/me',
    {
      schema: {
        summary: 'Who the caller is: kind, name, roles and teams',
        tags: ['identity'],
        security,
        response: { 200: Me, ...errors },
      },
    },
    async (request) => meOf(request.principal),
  );

  app.put(
    '/v1/me/password',
    {
      schema: {
        summary: "Change the caller's own password; its other sessions end",
        tags: ['identity'],
        security,
        body: ChangePasswordRequest,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal.kind !== 'user') {
        throw new AuroraError('AURORA_NOT_A_USER', 'only a user logged in with POST /v1/sessions has a password');
      }
      const body = request.body as ChangePasswordRequest;
      const user = await users.byId(principal.id);
      if (!user) throw new AuroraError('AURORA_USER_NOT_FOUND', 'the user of this session no longer exists');
      if (!(await verifyPassword(body.currentPassword, user.passwordHash))) {
        throw new AuroraError(
          'AURORA_VALIDATION_FAILED',
          'currentPassword: is not the current password',
          'currentPassword',
        );
      }
      const now = clock.now();
      await users.update(user.id, { passwordHash: await hashPassword(body.newPassword), passwordChangedAt: now });
      await users.revokeSessionsOf(user.id, now, principal.sessionId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/events/tickets',
    {
      schema: {
        summary: 'A single-use ticket that opens GET /v1/events?ticket=... within 30 s (EventSource sends no headers)',
        tags: ['events'],
        security,
        response: { 201: EventTicket, ...errors },
      },
    },
    async (request, reply) => {
      const issued = await identity.issueTicket(request.principal);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ticket: issued.ticket, expiresAt: iso(issued.expiresAt) });
    },
  );

  app.get(
    '/v1/users',
    {
      schema: {
        summary: 'List users',
        tags: ['identity'],
        security,
        response: { 200: UserList, ...errors },
      },
    },
    async () => ({ items: (await users.list()).map(toUser) }),
  );

  app.post(
    '/v1/users',
    {
      schema: {
        summary: 'Create a user with a password, roles and teams',
        tags: ['identity'],
        security,
        body: CreateUserRequest,
        response: { 201: User, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as CreateUserRequest;
      const now = clock.now();
      const created = await users.create({
        id: randomUUID(),
        name: body.name,
        passwordHash: await hashPassword(body.password),
        roles: [...new Set(body.roles)],
        teams: [...new Set(body.teams ?? [])],
        passwordChangedAt: now,
        createdAt: now,
      });
      if (!created) throw new AuroraError('AURORA_USER_NAME_TAKEN', `a user named "${body.name}" exists already`);
      return reply.code(201).send(toUser(created));
    },
  );

  const idParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
  const notFound = (id: string) =>
    new AuroraError('AURORA_USER_NOT_FOUND', `no user with id "${id}"; list them with GET /v1/users`);

  app.patch(
    '/v1/users/:id',
    {
      schema: {
        summary: "Change a user's roles, teams, password or disabled flag; a new password also unlocks it",
        tags: ['identity'],
        security,
        params: idParams,
        body: UpdateUserRequest,
        response: { 200: User, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body as UpdateUserRequest;
      const now = clock.now();
      const patch: Parameters<typeof users.update>[1] = {};
      if (body.roles) patch.roles = [...new Set(body.roles)];
      if (body.teams) patch.teams = [...new Set(body.teams)];
      if (body.disabled !== undefined) patch.disabled = body.disabled;
      if (body.password !== undefined) {
        Object.assign(patch, {
          passwordHash: await hashPassword(body.password),
          passwordChangedAt: now,
          failedLogins: 0,
          lockedUntil: null,
        });
      }
      const updated = Object.keys(patch).length > 0 ? await users.update(id, patch) : await users.byId(id);
      if (!updated) throw notFound(id);
      // A new password or a disabled account ends every session at once.
      if (body.password !== undefined || body.disabled) await users.revokeSessionsOf(id, now);
      return toUser(updated);
    },
  );

  app.delete(
    '/v1/users/:id',
    {
      schema: {
        summary: 'Delete a user; its sessions end at once',
        tags: ['identity'],
        security,
        params: idParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await users.delete(id))) throw notFound(id);
      return reply.code(204).send();
    },
  );
}
