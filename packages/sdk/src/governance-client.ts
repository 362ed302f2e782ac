/**
 * The client's governance calls: login sessions, the caller's own account,
 * event-stream tickets, users, API tokens and the audit trail.
 */
import type {
  ApiTokenList,
  AuditCheckpointList,
  AuditEntryPage,
  AuditPageQuery,
  AuditVerification,
  AuditVerifyQuery,
  CreateApiTokenRequest,
  CreatedApiToken,
} from './governance.js';
import { BaseClient, queryString } from './http.js';
import type {
  CreateUserRequest,
  EventTicket,
  Me,
  SessionTokens,
  UpdateUserRequest,
  User,
  UserList,
} from './identity.js';

export interface LoginOptions {
  /**
   * Where the refresh token goes: `cookie` (default) leaves it in an httpOnly cookie, which a
   * browser keeps and sends back; `body` returns it in the answer, for scripts.
   */
  refreshIn?: 'cookie' | 'body';
}

const id = encodeURIComponent;

export class GovernanceClient extends BaseClient {
  /**
   * Logs in with a user name and password: a short-lived access token (send it as the bearer
   * token until `expiresAt`) and a refresh token. {@link LoginSession} keeps both fresh.
   *
   * @example
   * const tokens = await new AuroraClient({ baseUrl }).login('admin', password, { refreshIn: 'body' });
   * const me = await new AuroraClient({ baseUrl, token: tokens.accessToken }).me();
   */
  login(name: string, password: string, options: LoginOptions = {}): Promise<SessionTokens> {
    return this.request('POST', '/v1/sessions', { name, password, ...options }, null);
  }
  /**
   * Trades a refresh token for a new access token and refresh token; the one sent stops working.
   * Without `refreshToken` the browser's cookie is sent instead.
   */
  refreshSession(refreshToken?: string): Promise<SessionTokens> {
    return this.request('POST', '/v1/sessions/refresh', refreshToken ? { refreshToken } : {}, null);
  }
  /** Logs out: the caller's session ends, its access and refresh tokens stop working at once. */
  logout(): Promise<void> {
    return this.request('DELETE', '/v1/sessions');
  }
  /** Who the server takes the caller to be: kind (admin, user, service, node), name, roles, teams. */
  me(): Promise<Me> {
    return this.request('GET', '/v1/me');
  }
  /** Changes the logged-in user's own password; the user's other sessions end. */
  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.request('PUT', '/v1/me/password', { currentPassword, newPassword });
  }
  /**
   * A single-use ticket that opens `GET /v1/events?ticket=...` within 30 s, for readers that cannot
   * send headers (a browser's EventSource). {@link eventStreamUrl} builds the URL.
   */
  createEventTicket(): Promise<EventTicket> {
    return this.request('POST', '/v1/events/tickets', {});
  }
  /** The event stream's URL for a ticket from {@link createEventTicket}. */
  eventStreamUrl(ticket: string): string {
    return `${this.baseUrl}/v1/events?ticket=${encodeURIComponent(ticket)}`;
  }

  /** Users, with their roles, teams, disabled flag and lockout. */
  listUsers(): Promise<UserList> {
    return this.request('GET', '/v1/users');
  }
  /**
   * Creates a user who logs in with `name` and `password` (at least 12 characters).
   *
   * @example
   * await aurora.createUser({ name: 'kim', password: 'a long password', roles: ['operator'], teams: ['blue'] });
   */
  createUser(body: CreateUserRequest): Promise<User> {
    return this.request('POST', '/v1/users', body);
  }
  /**
   * Changes roles, teams, the disabled flag or the password; a new password also unlocks a user
   * locked by failed logins, and a new password or disabling ends the user's sessions.
   */
  updateUser(userId: string, body: UpdateUserRequest): Promise<User> {
    return this.request('PATCH', `/v1/users/${id(userId)}`, body);
  }
  /** Deletes a user; its sessions end at once. */
  deleteUser(userId: string): Promise<void> {
    return this.request('DELETE', `/v1/users/${id(userId)}`);
  }

  /** API tokens of service accounts, revoked and expired ones included (never their secrets). */
  listApiTokens(): Promise<ApiTokenList> {
    return this.request('GET', '/v1/api-tokens');
  }
  /**
   * Creates an API token with roles and teams; `token` in the answer is the secret, shown only now.
   *
   * @example
   * const { token } = await aurora.createApiToken({ name: 'ci', roles: ['viewer'], ttlSeconds: 86_400 });
   */
  createApiToken(body: CreateApiTokenRequest): Promise<CreatedApiToken> {
    return this.request('POST', '/v1/api-tokens', body);
  }
  /** Revokes an API token; it stops working at once. */
  revokeApiToken(tokenId: string): Promise<void> {
    return this.request('DELETE', `/v1/api-tokens/${id(tokenId)}`);
  }

  /**
   * One page of audit entries in chain order; pass `next` as `after` for the following page.
   *
   * @example
   * const first = await aurora.auditEntries({ limit: 100 });
   * const entries = first.items.map((i) => JSON.parse(i.entry));
   */
  auditEntries(query: AuditPageQuery = {}): Promise<AuditEntryPage> {
    return this.request('GET', `/v1/audit${queryString(query)}`);
  }
  /** The signed checkpoints and the public key that signs them (pin it somewhere else). */
  auditCheckpoints(): Promise<AuditCheckpointList> {
    return this.request('GET', '/v1/audit/checkpoints');
  }
  /**
   * Recomputes the chain and every checkpoint signature on the server: `intact`, or the first
   * broken entry and why. Pass a pinned `publicKey` (PEM) to check against it instead of the server's.
   */
  verifyAudit(query: AuditVerifyQuery = {}): Promise<AuditVerification> {
    return this.request('GET', `/v1/audit/verify${queryString(query)}`);
  }
}
