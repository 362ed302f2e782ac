import { randomBytes, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../platform/clock.js';
import { hashSecret, type Principal } from '../../platform/http/auth.js';
import { AuroraError } from '../../platform/http/errors.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { FailureWindow } from './failure-window.js';
import { decoyHash, verifyPassword } from './passwords.js';
import type { UserRepo, UserRow } from './user-repo.js';

/** How long logins last and when they lock. */
export interface IdentityPolicy {
  /** Consecutive failed logins of one user that lock it. */
  loginMaxFailures: number;
  loginLockoutMs: number;
  accessTokenTtlMs: number;
  /** Lifetime of a login session (its refresh token). */
  sessionTtlMs: number;
}

/** A ticket opens the event stream within this long of being issued. */
export const TICKET_TTL_MS = 30_000;
const REFRESH_PREFIX = 'aurora-refresh.';
const TICKET_PREFIX = 'aurora-ticket.';
const ISSUER = 'aurora';
const AUDIENCE = 'aurora-api';

/** What a login or a refresh hands out. */
export interface IssuedSession {
  accessToken: string;
  expiresAt: number;
  refreshToken: string;
  sessionExpiresAt: number;
  /** The login session; a refresh continues it. */
  sessionId: string;
  user: UserRow;
}

/** Where a login came from, for the audit chain. */
export interface LoginOrigin {
  ip: string;
  requestId: string;
}

export function userPrincipal(user: UserRow, sessionId: string): Principal {
  return { kind: 'user', id: user.id, name: user.name, roles: user.roles, teams: user.teams, sessionId };
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Logins, sessions and event-stream tickets. Access tokens are HS256 JWTs
 * naming their session; every request re-reads the session and the user, so
 * a logout, a revoked session, a disabled user or a role change applies at once.
 */
export class Identity {
  constructor(
    readonly users: UserRepo,
    private readonly key: Uint8Array,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly policy: IdentityPolicy,
    /** Failed authentications per source address, shared with the auth hook. */
    readonly failures: FailureWindow,
  ) {}

  /**
   * Checks a name and password. Every outcome is appended to the audit chain
   * before the answer: success, wrong name or password, locked user, throttled address.
   */
  async login(name: string, password: string, origin: LoginOrigin): Promise<IssuedSession> {
    const now = this.clock.now();
    const record = (outcome: string, user?: UserRow) =>
      this.audit.append({
        kind: 'login',
        outcome,
        // A user is named by its id (a pseudonym, see actorOf); a name that matches no user is kept,
        // as there is nobody to erase and it shows what a guesser tried.
        ...(user ? { userId: user.id } : { name }),
        sourceIp: origin.ip,
        requestId: origin.requestId,
      });
    const wait = this.failures.retryAfterMs(origin.ip);
    if (wait !== undefined) {
      await record('throttled');
      throw new AuroraError(
        'AURORA_TOO_MANY_FAILURES',
        `too many failed logins from ${origin.ip}; try again in ${seconds(wait)} s`,
        undefined,
        seconds(wait),
      );
    }
    const user = await this.users.byName(name);
    if (user?.lockedUntil && user.lockedUntil > now) {
      await record('locked', user);
      throw this.#locked(user.lockedUntil - now);
    }
    // An unknown name costs the same scrypt as a wrong password, so timing does not tell names apart.
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !matches || user.disabled) {
      this.failures.failed(origin.ip);
      const lockedUntil = user
        ? await this.users.recordFailure(user.id, now, this.policy.loginMaxFailures, this.policy.loginLockoutMs)
        : null;
      await record(lockedUntil ? 'failed-and-locked' : 'failed', user);
      if (lockedUntil) throw this.#locked(lockedUntil - now);
      throw new AuroraError('AURORA_LOGIN_FAILED', 'the user name or password is wrong');
    }
    await this.users.recordSuccess(user.id);
    const sessionId = randomUUID();
    const refreshToken = `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
    const sessionExpiresAt = now + this.policy.sessionTtlMs;
    await this.users.createSession({
      id: sessionId,
      userId: user.id,
      refreshHash: hashSecret(refreshToken),
      expiresAt: sessionExpiresAt,
      revokedAt: null,
      createdAt: now,
    });
    await record('success', user);
    return { ...(await this.#accessToken(user, sessionId, now)), refreshToken, sessionExpiresAt, sessionId, user };
  }

  /** Trades a refresh token for a new access token and a new refresh token; the old one stops working. */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const now = this.clock.now();
    const next = `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
    const found = refreshToken.startsWith(REFRESH_PREFIX)
      ? await this.users.rotateRefresh(hashSecret(refreshToken), hashSecret(next), now)
      : undefined;
    if (!found || found.user.disabled) {
      throw new AuroraError(
        'AURORA_TOKEN_INVALID',
        'the refresh token is unknown, used, expired or revoked; log in again with POST /v1/sessions',
      );
    }
    return {
      ...(await this.#accessToken(found.user, found.session.id, now)),
      refreshToken: next,
      sessionExpiresAt: found.session.expiresAt,
      sessionId: found.session.id,
      user: found.user,
    };
  }

  /** Ends a session (logout); its access and refresh tokens stop working at once. */
  async endSession(sessionId: string): Promise<void> {
    await this.users.revokeSession(sessionId, this.clock.now());
  }

  /** The session a refresh token belongs to, without using it (logout by cookie). */
  async endSessionByRefresh(refreshToken: string): Promise<void> {
    const now = this.clock.now();
    const found = await this.users.rotateRefresh(hashSecret(refreshToken), hashSecret(randomUUID()), now);
    if (found) await this.users.revokeSession(found.session.id, now);
  }

  /** The auth hook's half: a user's principal from an access token; throws 401 otherwise. */
  async principalOf(accessToken: string): Promise<Principal> {
    let sessionId: unknown;
    let subject: string | undefined;
    try {
      const { payload } = await jwtVerify(accessToken, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['exp', 'sub', 'sid'],
      });
      sessionId = payload.sid;
      subject = payload.sub;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new AuroraError(
          'AURORA_TOKEN_EXPIRED',
          'the access token expired; get a new one with POST /v1/sessions/refresh',
        );
      }
      throw new AuroraError('AURORA_TOKEN_INVALID', 'the access token is not one this server signed');
    }
    const found =
      typeof sessionId === 'string' ? await this.users.usableSession(sessionId, this.clock.now()) : undefined;
    if (!found || found.user.id !== subject || found.user.disabled) {
      throw new AuroraError('AURORA_TOKEN_INVALID', 'the session of this access token ended; log in again');
    }
    return userPrincipal(found.user, found.session.id);
  }

  /** A single-use ticket that opens the event stream for `principal`, valid for {@link TICKET_TTL_MS}. */
  async issueTicket(principal: Principal): Promise<{ ticket: string; expiresAt: number }> {
    const now = this.clock.now();
    const ticket = `${TICKET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = now + TICKET_TTL_MS;
    await this.users.createTicket(hashSecret(ticket), { ...principal }, expiresAt, now);
    return { ticket, expiresAt };
  }

  async takeTicket(ticket: string): Promise<Principal | undefined> {
    if (!ticket.startsWith(TICKET_PREFIX) || ticket.length > 256) return undefined;
    const principal = await this.users.consumeTicket(hashSecret(ticket), this.clock.now());
    return principal as Principal | undefined;
  }

  async #accessToken(user: UserRow, sessionId: string, now: number) {
    const expiresAt = now + this.policy.accessTokenTtlMs;
    const accessToken = await new SignJWT({ sid: sessionId, name: user.name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.key);
    return { accessToken, expiresAt };
  }

  #locked(remainingMs: number): AuroraError {
    return new AuroraError(
      'AURORA_ACCOUNT_LOCKED',
      `too many failed logins for this user; it is locked for ${seconds(remainingMs)} s more (an admin can reset its password to unlock it)`,
      undefined,
      seconds(remainingMs),
    );
  }
}
