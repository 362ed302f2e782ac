/**
 * The agent's own HTTP connection pool. Requests share keep-alive
 * connections like any client, but the pool belongs to the agent alone, so
 * stopping the agent closes its sockets at once. With the global pool an idle
 * socket would outlive the agent, and a control plane stopping in the same
 * process (as under `aurora up`) would wait for it to time out.
 */
import { Agent, fetch as undiciFetch } from 'undici';

/** What the pool's TLS connections trust (the cluster CA) and present (the node's client certificate). */
export interface PoolTls {
  ca: string | string[];
  cert?: string | undefined;
  key?: string | undefined;
}

/** A `fetch` bound to a private pool, and the means to close that pool. */
export interface AgentFetch {
  fetch: typeof fetch;
  /**
   * Uses `tls` for new connections from now on: a renewed certificate must be
   * presented in a new handshake, so the old pool is closed once its requests end.
   */
  setTls(tls: PoolTls): void;
  /** Aborts what is in flight and closes every connection of the pool. */
  close(): Promise<void>;
}

function pool(tls: PoolTls | undefined): Agent {
  return new Agent({
    connections: 4,
    ...(tls ? { connect: { ca: tls.ca, ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}) } } : {}),
  });
}

/** Creates a pooled `fetch` whose requests are also aborted by `signal` or after `timeoutMs`. */
export function createAgentFetch(signal: AbortSignal, timeoutMs: number): AgentFetch {
  let dispatcher = pool(undefined);
  const pooled = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  return {
    // undici's Response is the same WHATWG Response the global type describes.
    fetch: pooled as unknown as typeof fetch,
    setTls(tls) {
      const old = dispatcher;
      dispatcher = pool(tls);
      void old.close().catch(() => undefined);
    },
    close: () => dispatcher.destroy(),
  };
}
