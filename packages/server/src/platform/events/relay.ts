import { createHash, randomUUID } from 'node:crypto';
import type { AuroraEvent } from '@aurora/sdk';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import type { Counter } from 'prom-client';
import type { EventBus } from './bus.js';

/**
 * PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more (the default block size); events are
 * packed into payloads below this, in bytes of UTF-8.
 */
export const MAX_PAYLOAD_BYTES = 7_900;
/** How long a lost listening connection waits before it is opened again, doubling up to the cap. */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/** One NOTIFY payload: who sent it and what happened there. */
interface Envelope {
  origin: string;
  events: AuroraEvent[];
}

/** The channel of one store: channels are per database, so the schema keeps stores sharing one apart. */
export function relayChannel(schemaName: string | undefined): string {
  const channel = `aurora_events_${schemaName ?? 'public'}`;
  // Identifiers are cut at 63 bytes; a long schema name is hashed so two never share a channel.
  return channel.length <= 63
    ? channel
    : `aurora_events_${createHash('sha256')
        .update(schemaName ?? '')
        .digest('hex')
        .slice(0, 40)}`;
}

/**
 * Packs events into payloads below `maxBytes`, in order. An event that alone is too large cannot be
 * relayed and is returned apart.
 */
export function packEvents(
  origin: string,
  events: readonly AuroraEvent[],
  maxBytes = MAX_PAYLOAD_BYTES,
): { payloads: string[]; tooLarge: AuroraEvent[] } {
  const head = `{"origin":${JSON.stringify(origin)},"events":[`;
  const payloads: string[] = [];
  const tooLarge: AuroraEvent[] = [];
  let parts: string[] = [];
  let bytes = Buffer.byteLength(head) + 2;
  const flush = () => {
    if (parts.length > 0) payloads.push(`${head}${parts.join(',')}]}`);
    parts = [];
    bytes = Buffer.byteLength(head) + 2;
  };
  for (const event of events) {
    const text = JSON.stringify(event);
    const size = Buffer.byteLength(text) + 1;
    if (Buffer.byteLength(head) + 2 + size > maxBytes) {
      tooLarge.push(event);
      continue;
    }
    if (bytes + size > maxBytes) flush();
    parts.push(text);
    bytes += size;
  }
  flush();
  return { payloads, tooLarge };
}

export interface EventRelayOptions {
  connectionString: string;
  schemaName: string | undefined;
  log: FastifyBaseLogger;
  /** Counts events that could not be relayed, by reason (`too_large`, `unsent`). */
  dropped?: Counter<'reason'>;
}

/**
 * Carries the event stream between replicas sharing one PostgreSQL store, so a client of
 * `GET /v1/events` (the console) sees what happened on every replica, whichever it reached.
 * Events published in this process are sent with NOTIFY, batched per turn of the event loop;
 * notifications from other replicas are delivered to this process's listeners. One connection
 * of its own (LISTEN needs a session), opened again with backoff when lost; events published
 * while it is down reach this replica's clients but not the others' (they are notifications, not
 * records: what they announce is in the store, and the console reads it again on reconnecting).
 */
export class EventRelay {
  readonly origin = randomUUID();
  readonly channel: string;
  #client: pg.Client | undefined;
  #pending: AuroraEvent[] = [];
  #flushing: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopped = false;
  #retryMs = RECONNECT_MIN_MS;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly options: EventRelayOptions,
  ) {
    this.channel = relayChannel(options.schemaName);
  }

  /** Listens, then relays; resolves once this replica receives other replicas' events. */
  async start(): Promise<void> {
    await this.#connect();
    this.#unsubscribe = this.bus.subscribeOwn((event) => {
      this.#pending.push(event);
      if (this.#pending.length === 1) setImmediate(() => void this.#flush());
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    clearTimeout(this.#retryTimer);
    await this.#flush();
    await this.#flushing;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      // The origin tells replicas' relay sessions apart in pg_stat_activity.
      application_name: `aurora event relay ${this.origin.slice(0, 8)}`,
    });
    client.on('notification', (message) => {
      if (message.channel !== this.channel || message.payload === undefined) return;
      this.#receive(message.payload);
    });
    client.on('error', (err) => {
      this.options.log.warn({ err }, 'event relay connection failed; reconnecting');
      void this.#lost(client);
    });
    client.on('end', () => void this.#lost(client));
    await client.connect();
    // The channel name is built from a validated schema name; quoted as an identifier all the same.
    await client.query(`listen "${this.channel.replaceAll('"', '""')}"`);
    this.#client = client;
    this.#retryMs = RECONNECT_MIN_MS;
  }

  async #lost(client: pg.Client): Promise<void> {
    if (this.#client !== client || this.#stopped) return;
    this.#client = undefined;
    await client.end().catch(() => undefined);
    const retry = () => {
      if (this.#stopped) return;
      this.#connect().catch((err: unknown) => {
        this.options.log.warn({ err, retryMs: this.#retryMs }, 'event relay cannot reconnect yet');
        this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS);
        this.#retryTimer = setTimeout(retry, this.#retryMs);
        this.#retryTimer.unref();
      });
    };
    this.#retryTimer = setTimeout(retry, this.#retryMs);
    this.#retryTimer.unref();
  }

  #receive(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      this.options.log.warn('event relay: a notification that is not JSON was ignored');
      return;
    }
    if (envelope.origin === this.origin || !Array.isArray(envelope.events)) return;
    for (const event of envelope.events) this.bus.deliverRelayed(event);
  }

  async #flush(): Promise<void> {
    // One flush at a time keeps this replica's events in the order they were published.
    while (this.#flushing) await this.#flushing;
    if (this.#pending.length === 0) return;
    const events = this.#pending;
    this.#pending = [];
    this.#flushing = this.#send(events).finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
  }

  async #send(events: AuroraEvent[]): Promise<void> {
    const { payloads, tooLarge } = packEvents(this.origin, events);
    if (tooLarge.length > 0) {
      this.options.dropped?.inc({ reason: 'too_large' }, tooLarge.length);
      this.options.log.warn(
        { types: [...new Set(tooLarge.map((e) => e.type))] },
        `event relay: ${tooLarge.length} event(s) above the ${MAX_PAYLOAD_BYTES}-byte NOTIFY limit reach this replica's clients only`,
      );
    }
    const client = this.#client;
    let sent = 0;
    try {
      if (!client) throw new Error('not connected');
      for (const payload of payloads) {
        await client.query('select pg_notify($1, $2)', [this.channel, payload]);
        sent++;
      }
    } catch (err) {
      const unsent = payloads.slice(sent).reduce((n, p) => n + (JSON.parse(p) as Envelope).events.length, 0);
      this.options.dropped?.inc({ reason: 'unsent' }, unsent);
      this.options.log.warn({ err, unsent }, 'event relay: events not sent to other replicas');
    }
  }
}
