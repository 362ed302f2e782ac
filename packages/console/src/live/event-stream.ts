/**
 * Reads Aurora's event stream (`GET /v1/events?ticket=...`) with `fetch`. Each
 * connection asks for a fresh single-use ticket (`POST /v1/events/tickets`),
 * so no token ever appears in a URL that ends up in logs, and a stream opened
 * before an access token was refreshed reconnects with the new one.
 * Reconnects with a capped backoff; gives up only when the server rejects the
 * credentials.
 */
import type { AuroraEvent } from '@aurora/sdk';
import { createSseParser } from './sse-parser.js';

/** Where the stream is: the console shows it as a small status light. */
export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'unauthorized' | 'closed';

/** What {@link openEventStream} needs. */
export interface EventStreamOptions {
  /** Origin of the API, e.g. `''` for the same origin or `http://127.0.0.1:7070`. */
  baseUrl: string;
  /**
   * A new single-use ticket for each connection (the SDK's `createEventTicket`). A rejection
   * carrying `status` 401 or 403 means the credentials are no longer accepted.
   */
  ticket: () => Promise<string>;
  onEvent: (event: AuroraEvent) => void;
  /** Called on every status change; `open` means a (re)connection succeeded, so callers can resynchronise. */
  onStatus?: (status: StreamStatus, detail?: string) => void;
  fetch?: typeof fetch;
  /** First retry delay; doubles up to `maxRetryMs`. Defaults 1 s and 15 s. */
  retryMs?: number;
  maxRetryMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function toAuroraEvent(type: string, data: string): AuroraEvent | undefined {
  try {
    const body = JSON.parse(data) as Record<string, unknown>;
    return { ...body, type } as AuroraEvent;
  } catch {
    return undefined; // a malformed frame is skipped rather than ending the stream
  }
}

function refused(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return status === 401 || status === 403;
}

async function readOnce(options: EventStreamOptions, signal: AbortSignal): Promise<'unauthorized' | 'ended'> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let ticket: string;
  try {
    ticket = await options.ticket();
  } catch (error) {
    if (refused(error)) return 'unauthorized';
    throw error;
  }
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/events?ticket=${encodeURIComponent(ticket)}`;
  const res = await doFetch(url, { headers: { accept: 'text/event-stream' }, signal });
  if (res.status === 401 || res.status === 403) return 'unauthorized';
  if (!res.ok || !res.body) throw new Error(`event stream answered HTTP ${res.status}`);
  options.onStatus?.('open');
  const feed = createSseParser((e) => {
    const event = toAuroraEvent(e.event, e.data);
    if (event) options.onEvent(event);
  });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return 'ended';
    feed(value);
  }
}

/**
 * Opens the stream and keeps it open until the returned function is called.
 *
 * @example
 * const close = openEventStream({ baseUrl: '', ticket: async () => (await client.createEventTicket()).ticket, onEvent: (e) => dispatch({ type: 'event', event: e }) });
 * // later
 * close();
 */
export function openEventStream(options: EventStreamOptions): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const firstRetry = options.retryMs ?? 1_000;
  const maxRetry = options.maxRetryMs ?? 15_000;

  const run = async () => {
    let delay = firstRetry;
    options.onStatus?.('connecting');
    while (!signal.aborted) {
      let detail: string;
      try {
        const outcome = await readOnce(options, signal);
        if (outcome === 'unauthorized') {
          options.onStatus?.('unauthorized', 'the server rejected the credentials');
          return;
        }
        delay = firstRetry; // a stream that was open and ended is not a failure to back off from
        detail = 'the server closed the stream';
      } catch (error) {
        if (signal.aborted) break;
        detail = error instanceof Error ? error.message : String(error);
      }
      options.onStatus?.('reconnecting', detail);
      await sleep(delay, signal);
      delay = Math.min(delay * 2, maxRetry);
    }
    options.onStatus?.('closed');
  };
  void run();
  return () => controller.abort();
}
