/**
 * A user's login kept usable: the access token (15 minutes by default) is
 * refreshed shortly before it expires, with the refresh token either held
 * here (scripts) or in the browser's httpOnly cookie (the console).
 */
import { AuroraClient } from './client.js';
import type { LoginOptions } from './governance-client.js';
import type { SessionTokens, User } from './identity.js';

export interface LoginSessionOptions {
  baseUrl: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * `body` (default) keeps the refresh token in this object; `cookie` leaves it in the browser's
   * cookie jar, out of reach of scripts, and each refresh sends the cookie.
   */
  refreshIn?: LoginOptions['refreshIn'];
  /** Refresh this long before the access token expires (default 60 s; at most half its lifetime). */
  refreshMarginMs?: number;
  /** This machine's clock in ms (default `Date.now`); injectable for tests. */
  now?: () => number;
  /**
   * Runs each refresh, e.g. under a lock shared by a browser's tabs (`navigator.locks`), so two
   * tabs do not spend the same refresh cookie at once. Default: runs it directly.
   */
  serialize?: <T>(refresh: () => Promise<T>) => Promise<T>;
}

/**
 * The access token's lifetime. Read from the token's own `iat` and `exp` when it is a JWT, so a
 * browser whose clock differs from the server's still refreshes in time; else from `expiresAt`.
 */
export function accessTokenLifetimeMs(tokens: Pick<SessionTokens, 'accessToken' | 'expiresAt'>, now: number): number {
  const payload = tokens.accessToken.split('.')[1];
  if (payload) {
    try {
      const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as {
        iat?: unknown;
        exp?: unknown;
      };
      if (typeof claims.iat === 'number' && typeof claims.exp === 'number' && claims.exp > claims.iat) {
        return (claims.exp - claims.iat) * 1000;
      }
    } catch {
      // not a JWT we can read: fall back to expiresAt
    }
  }
  return Math.max(0, Date.parse(tokens.expiresAt) - now);
}

/**
 * A logged-in user. `client` sends the current access token and refreshes it first when it is due,
 * so long-running scripts and the console never send an expired one.
 *
 * @example
 * const session = await LoginSession.login({ baseUrl: 'http://127.0.0.1:7070' }, 'admin', password);
 * const { items } = await session.client.listNodes();
 * await session.logout();
 */
export class LoginSession {
  /** Sends this session's access token, refreshed when due. */
  readonly client: AuroraClient;
  readonly #anonymous: AuroraClient;
  readonly #options: LoginSessionOptions;
  readonly #now: () => number;
  #tokens: SessionTokens;
  #refreshToken: string | undefined;
  #expiresAt = 0;
  #refreshAt = 0;
  #inFlight: Promise<SessionTokens> | undefined;
  #ended = false;

  private constructor(anonymous: AuroraClient, options: LoginSessionOptions, tokens: SessionTokens) {
    this.#anonymous = anonymous;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#tokens = tokens;
    this.#accept(tokens);
    this.client = new AuroraClient({
      baseUrl: options.baseUrl,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      token: () => this.freshAccessToken(),
    });
  }

  static #anonymousClient(options: LoginSessionOptions): AuroraClient {
    return new AuroraClient({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  }

  /** Logs in with a user name and password. */
  static async login(options: LoginSessionOptions, name: string, password: string): Promise<LoginSession> {
    const anonymous = LoginSession.#anonymousClient(options);
    const tokens = await anonymous.login(name, password, { refreshIn: options.refreshIn ?? 'body' });
    return new LoginSession(anonymous, options, tokens);
  }

  /**
   * Picks up an existing session with its refresh token, or, in a browser with `refreshIn: 'cookie'`,
   * with the refresh cookie of an earlier login (a reload, another tab). Rejects when there is none.
   */
  static async resume(options: LoginSessionOptions, refreshToken?: string): Promise<LoginSession> {
    const anonymous = LoginSession.#anonymousClient(options);
    const tokens = await anonymous.refreshSession(refreshToken);
    return new LoginSession(anonymous, options, tokens);
  }

  /** The logged-in user as of the last login or refresh. */
  get user(): User {
    return this.#tokens.user;
  }
  /** The current access token, as it is; {@link freshAccessToken} refreshes it first when due. */
  get accessToken(): string {
    return this.#tokens.accessToken;
  }
  /** When the access token expires, on this machine's clock. */
  get expiresAt(): number {
    return this.#expiresAt;
  }
  /** When the access token should be refreshed, on this machine's clock. */
  get refreshAt(): number {
    return this.#refreshAt;
  }
  /** The refresh token when it is held here (`refreshIn: 'body'`). */
  get refreshToken(): string | undefined {
    return this.#refreshToken;
  }
  /** True after {@link logout}. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The access token, refreshed first when its refresh time has come. */
  async freshAccessToken(): Promise<string> {
    if (!this.#ended && this.#now() >= this.#refreshAt) await this.refresh();
    return this.#tokens.accessToken;
  }

  /**
   * Trades the refresh token for new tokens now. Concurrent calls share one request, since the
   * server replaces the refresh token on every use and a second use of the old one is refused.
   */
  refresh(): Promise<SessionTokens> {
    if (this.#ended) return Promise.reject(new Error('this session was logged out; log in again'));
    this.#inFlight ??= (async () => {
      try {
        const run = () => this.#anonymous.refreshSession(this.#refreshToken);
        const tokens = await (this.#options.serialize ? this.#options.serialize(run) : run());
        this.#accept(tokens);
        return tokens;
      } finally {
        this.#inFlight = undefined;
      }
    })();
    return this.#inFlight;
  }

  /** Logs out: the server ends the session (and clears the refresh cookie); this object stops refreshing. */
  async logout(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#anonymous.request('DELETE', '/v1/sessions', undefined, this.#tokens.accessToken);
  }

  #accept(tokens: SessionTokens): void {
    const now = this.#now();
    const lifetime = accessTokenLifetimeMs(tokens, now);
    const margin = Math.min(this.#options.refreshMarginMs ?? 60_000, lifetime / 2);
    this.#tokens = tokens;
    if (tokens.refreshToken !== undefined) this.#refreshToken = tokens.refreshToken;
    this.#expiresAt = now + lifetime;
    this.#refreshAt = now + lifetime - margin;
  }
}
