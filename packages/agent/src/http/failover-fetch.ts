/**
 * Failover between control plane replicas. The API client speaks to the first server's URL;
 * this `fetch` sends each request to the replica that answered last instead, and when that one
 * cannot be reached (connection refused or reset, a timeout) or a proxy in front of it says it is
 * gone (502, 503, 504), tries the next, in the order configured, before giving up. Requests are safe
 * to send twice: heartbeats carry batch ids the store keeps once, and action results their action's id.
 */

import { baseUrl } from './base-url.js';

/** Statuses that mean "this replica is not serving", from a proxy or the replica itself. */
const UNAVAILABLE = new Set([502, 503, 504]);

export interface FailoverFetch {
  fetch: typeof fetch;
  /** The base URL requests go to now. */
  current(): string;
  /** Adds replicas learned later (from the join answer) after the configured ones; invalid or known URLs are skipped. */
  add(urls: readonly string[]): void;
  /** Every replica in the order they are tried from the first. */
  servers(): readonly string[];
}

export interface FailoverOptions {
  /** Aborted when the agent stops: a request cut short by it is not a replica failing. */
  signal: AbortSignal;
  /** Told when requests move to another replica, and why. */
  onSwitch?: (from: string, to: string, reason: string) => void;
}

function reasonOf(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.name ?? e.message ?? String(error);
}

/** `servers[0]` is the base URL the API client was given; every server is a base URL without a trailing slash. */
export function createFailoverFetch(
  configured: readonly string[],
  inner: typeof fetch,
  options: FailoverOptions,
): FailoverFetch {
  const servers = [...configured];
  const primary = servers[0];
  if (primary === undefined) throw new Error('failover needs at least one server');
  const scheme = new URL(primary).protocol;
  let current = 0;
  const failover = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    // Only requests for the control plane fail over; anything else goes where it was sent.
    if (servers.length === 1 || !url.startsWith(primary)) return inner(input, init);
    const path = url.slice(primary.length);
    let lastError: unknown;
    for (let attempt = 0; attempt < servers.length; attempt++) {
      const index = (current + attempt) % servers.length;
      const next = servers[(index + 1) % servers.length]!;
      const last = attempt === servers.length - 1;
      let reason: string;
      try {
        const response = await inner(`${servers[index]}${path}`, init);
        if (!UNAVAILABLE.has(response.status) || last) {
          current = index;
          return response;
        }
        // The body is not needed; release the connection.
        await response.body?.cancel().catch(() => undefined);
        reason = `status ${response.status}`;
      } catch (error) {
        if (options.signal.aborted || last) throw error;
        lastError = error;
        reason = reasonOf(error);
      }
      options.onSwitch?.(servers[index]!, next, reason);
    }
    throw lastError;
  };
  return {
    fetch: failover as typeof fetch,
    current: () => servers[current]!,
    servers: () => [...servers],
    add(urls) {
      for (const raw of urls) {
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          continue;
        }
        // Same scheme only: the agent's TLS set-up (or plain HTTP on loopback) is the primary's.
        const base = baseUrl(raw);
        if (url.protocol === scheme && !servers.includes(base)) servers.push(base);
      }
    },
  };
}
