/**
 * The transport under every client method: one request, JSON in and out,
 * problem documents turned into {@link AuroraApiError}. Built on the platform
 * `fetch`, so it runs in Node.js and browsers alike.
 */
import type { Problem } from './contract.js';

/**
 * The bearer token a client sends: a fixed string (admin token, API token, node credential), or a
 * function asked before every request, e.g. {@link LoginSession}'s, which refreshes an access token
 * that is about to expire.
 */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface AuroraClientOptions {
  baseUrl: string;
  token?: TokenSource | undefined;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Thrown for every non-2xx answer; carries the server's problem document. */
export class AuroraApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | undefined;
  /** How long the server asked the client to wait (its Retry-After header), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(status: number, problem: Problem | undefined, fallback: string, retryAfterMs?: number) {
    super(problem ? `${problem.title}${problem.detail ? `: ${problem.detail}` : ''} (${problem.code})` : fallback);
    this.name = 'AuroraApiError';
    this.status = status;
    this.code = problem?.code ?? 'AURORA_HTTP_ERROR';
    this.problem = problem;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * A Retry-After header (RFC 9110: delay seconds, or an HTTP date) as milliseconds from `nowMs`;
 * undefined when absent or unreadable, 0 for a date already past.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only a full date counts: Date.parse would also read bare numbers with signs or fractions.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** `?a=1&b=2` for the defined fields of a query, or nothing. */
export function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** What every client shares: where the server is, how to reach it and which token to send. */
export class BaseClient {
  readonly baseUrl: string;
  readonly #token: TokenSource | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: AuroraClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The fetch this client uses, for helpers that speak to the same server (e.g. {@link LoginSession}). */
  get fetch(): typeof fetch {
    return this.#fetch;
  }

  /**
   * Sends one request and decodes JSON, turning problem documents into {@link AuroraApiError}.
   * `token` overrides the client's own; `null` sends none (logins, which must not ask a session
   * for a token while it is being refreshed).
   */
  async request<T>(method: string, path: string, body?: unknown, token?: string | null): Promise<T> {
    const bearer = token === null ? undefined : (token ?? (await this.#currentToken()));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.#fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let problem: Problem | undefined;
      try {
        problem = JSON.parse(text) as Problem;
      } catch {
        problem = undefined;
      }
      throw new AuroraApiError(
        res.status,
        problem,
        `HTTP ${res.status} from ${method} ${path}`,
        parseRetryAfter(res.headers.get('retry-after'), Date.now()),
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async #currentToken(): Promise<string | undefined> {
    const source = this.#token;
    return typeof source === 'function' ? await source() : source;
  }
}
