import type { AuroraEvent, Service } from '@aurora/sdk';
import type { ServiceView } from './options.js';

export interface WatchOptions {
  /** Base URL of the control plane. */
  readonly server: string;
  readonly token: string;
  readonly service: string;
  /** Called with every new view; the proxy applies it with `update`. */
  onView(view: ServiceView): void;
  /** Called when the control plane cannot be reached; the proxy keeps routing on its last view meanwhile. */
  onError?(error: Error): void;
  /**
   * The fetch used for the control plane (default the global one); pass one that trusts the
   * cluster CA to follow an https:// server whose certificate the system's roots do not cover.
   */
  readonly fetch?: typeof fetch;
  /** Longest wait between reconnection attempts (default 5 s; attempts start at 250 ms and double). */
  readonly maxRetryMs?: number;
}

export interface ServiceWatch {
  /** Resolves once the first view has been applied. */
  readonly synced: Promise<void>;
  /** Whether the event stream is connected now. */
  connected(): boolean;
  stop(): void;
}

/** The routing view of a service as the API returns it: backends without an address yet are left out. */
export function serviceToView(service: Service): ServiceView {
  return {
    name: service.name,
    backends: service.backends
      .filter((b) => b.address !== null)
      .map((b) => ({
        id: b.id,
        host: b.address!,
        port: b.port,
        weight: b.effectiveWeight,
        ...(b.zone !== null ? { zone: b.zone } : {}),
      })),
  };
}

/**
 * Events after which a service's resolved view may differ: its own changes, any node's, and a node's anomaly alert
 * firing or resolving (the control plane lowers such a node's weight).
 */
export function concerns(event: AuroraEvent, service: string): boolean {
  if (event.type === 'service.changed' || event.type === 'service.deleted') return event.name === service;
  if (event.type === 'alert.changed') return event.source === 'anomaly' && event.node !== null;
  return event.type === 'node.state_changed' || event.type === 'node.deleted' || event.type === 'node.joined';
}

/**
 * Keeps a proxy's view of one service current: reads it, then follows `GET /v1/events` and reads it again after every
 * event that concerns it. When the control plane is away nothing changes: the last view stays in force and the
 * watch reconnects with backoff, reading the service afresh since events may have been missed.
 */
export function watchService(options: WatchOptions): ServiceWatch {
  const abort = new AbortController();
  const base = options.server.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${options.token}` };
  const fetch = options.fetch ?? globalThis.fetch;
  let live = false;
  let resolveSynced!: () => void;
  const synced = new Promise<void>((resolve) => {
    resolveSynced = resolve;
  });

  const refresh = async (): Promise<void> => {
    const res = await fetch(`${base}/v1/services/${encodeURIComponent(options.service)}`, {
      headers,
      signal: abort.signal,
    });
    if (res.status === 404) {
      await res.body?.cancel();
      options.onView({ name: options.service, backends: [] });
    } else if (!res.ok) {
      const text = await res.text();
      throw new Error(`GET /v1/services/${options.service} answered ${res.status}: ${text.slice(0, 200)}`);
    } else options.onView(serviceToView((await res.json()) as Service));
    resolveSynced();
  };

  const follow = async (): Promise<void> => {
    const res = await fetch(`${base}/v1/events`, { headers, signal: abort.signal });
    if (!res.ok || !res.body) throw new Error(`GET /v1/events answered ${res.status}`);
    // Read the service only once the stream is open, so no change falls between the read and the subscription.
    await refresh();
    live = true;
    const decoder = new TextDecoder();
    let buffer = '';
    let pending: Promise<void> = Promise.resolve();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const data = frame
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        if (!data) continue;
        let event: AuroraEvent;
        try {
          event = JSON.parse(data) as AuroraEvent;
        } catch {
          continue;
        }
        if (concerns(event, options.service)) pending = pending.then(refresh);
      }
    }
    await pending;
    throw new Error('the event stream ended');
  };

  void (async () => {
    let delay = 250;
    while (!abort.signal.aborted) {
      try {
        await follow();
      } catch (error) {
        if (live) delay = 250;
        live = false;
        if (abort.signal.aborted) return;
        options.onError?.(error instanceof Error ? error : new Error(String(error)));
      }
      await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random() / 2)));
      delay = Math.min(delay * 2, options.maxRetryMs ?? 5_000);
    }
  })();

  return {
    synced,
    connected: () => live,
    stop: () => abort.abort(),
  };
}
