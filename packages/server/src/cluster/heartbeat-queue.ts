import { type HealthConfig, stepHealth } from '@aurora/core';
import type { HeartbeatRequest, NodeState } from '@aurora/sdk';
import type { FastifyBaseLogger } from 'fastify';
import type { EventBus } from '../platform/events/index.js';
import { AuroraError } from '../platform/http/errors.js';
import type { ServerMetrics } from '../platform/http/metrics.js';
import type { HeartbeatNodeUpdate, NodeRow, NodeTransitionRow, Store } from '../platform/store/index.js';
import type { PreparedWrite, TelemetryIngest } from '../telemetry/index.js';
import { nextConditions } from './conditions.js';
import type { SampleScreening } from './heartbeat-checks.js';
import { fromHealth, toHealth, toNode } from './node-view.js';
import { stateChangedEvent } from './state-events.js';

/** One accepted heartbeat waiting for the next flush. */
interface Pending {
  nodeId: string;
  receivedAt: number;
  body: HeartbeatRequest;
  /** Each batch's samples, checked and resolved to series by the telemetry ingest. */
  prepared: PreparedWrite[];
  /** What screening found: samples dropped as out of range, sample times ahead of the server. */
  screening: SampleScreening;
  resolve(result: { acknowledged: string[]; state: NodeState }): void;
  reject(error: unknown): void;
}

/** Settings of the write-behind queue. */
export interface HeartbeatQueueOptions {
  store: Store;
  bus: EventBus;
  telemetry: TelemetryIngest;
  metrics: ServerMetrics;
  health: HealthConfig;
  /** When this process began judging silence (see SilenceGrace). */
  watchedSince: () => number;
  clockSkewThresholdMs: number;
  /** How long heartbeats are coalesced before one write. */
  flushMs: number;
  /** Flush early once this many heartbeats wait. */
  maxPending?: number;
  /**
   * Flushes allowed in flight at once: 1 on PGlite (one connection), more on
   * PostgreSQL, where a flush mostly waits on the network. Flushes lock node
   * rows in id order, so concurrent ones cannot deadlock.
   */
  maxConcurrentFlushes?: number;
  /**
   * Whether this process sees every write of node facts (the embedded store),
   * so it may remember the stored facts and skip rewriting them when a
   * heartbeat repeats them. Replicas sharing PostgreSQL must not.
   */
  soleWriter?: boolean;
  log: FastifyBaseLogger;
}

/**
 * Coalesces concurrent heartbeats into one transaction per short tick and
 * acknowledges each only after that transaction commits, so "acknowledged"
 * always means "committed" (on PostgreSQL, durable; on the embedded store,
 * safe from a crash of this process but not from power loss, see the README).
 */
export class HeartbeatQueue {
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight = new Set<Promise<void>>();
  readonly #maxConcurrent: number;
  /** Facts JSON as committed, by node id; only kept when this process is the sole writer. */
  readonly #storedFacts: Map<string, string> | undefined;

  constructor(private readonly options: HeartbeatQueueOptions) {
    this.#maxConcurrent = Math.max(1, options.maxConcurrentFlushes ?? 1);
    this.#storedFacts = options.soleWriter ? new Map() : undefined;
  }

  /** Queues a heartbeat; resolves with the stored batch ids and the node's state once committed. */
  submit(
    nodeId: string,
    receivedAt: number,
    body: HeartbeatRequest,
    prepared: PreparedWrite[],
    screening: SampleScreening,
  ): Promise<{ acknowledged: string[]; state: NodeState }> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ nodeId, receivedAt, body, prepared, screening, resolve, reject });
      if (this.#pending.length >= (this.options.maxPending ?? 2_000)) this.#kick(0);
      else this.#kick(this.options.flushMs);
    });
  }

  #kick(delay: number): void {
    // At the concurrency limit a finishing flush reschedules; otherwise one timer at a time.
    if (this.#inFlight.size >= this.#maxConcurrent) return;
    if (this.#timer && delay > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#startFlush();
    }, delay);
  }

  #startFlush(): Promise<void> | undefined {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return undefined;
    const flushing: Promise<void> = this.#flushOnly(batch).finally(() => {
      this.#inFlight.delete(flushing);
      if (this.#pending.length > 0) this.#kick(this.options.flushMs);
    });
    this.#inFlight.add(flushing);
    return flushing;
  }

  /** Writes everything pending now and waits for writes in flight; used at shutdown. */
  async drain(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#inFlight.size > 0 || this.#pending.length > 0) {
      this.#startFlush();
      await Promise.all([...this.#inFlight]);
    }
  }

  async #flushOnly(batch: Pending[]): Promise<void> {
    const { store, metrics } = this.options;
    const started = process.hrtime.bigint();
    const merged = new Map<string, NodeRow>();
    const factsJson = new Map<string, string>();
    try {
      const result = await store.ingest.apply(
        batch.map((p) => ({
          nodeId: p.nodeId,
          receivedAt: p.receivedAt,
          batches: p.body.batches.map((b, i) => ({ id: b.id, head: p.prepared[i]?.head })),
        })),
        (rows) => this.#decide(rows, batch, merged, factsJson),
      );
      metrics.ingestFlush.observe(Number(process.hrtime.bigint() - started) / 1e9);
      this.#rememberFacts(result.updated, factsJson);
      for (const p of batch) {
        const node = result.updated.get(p.nodeId);
        if (!node) {
          p.reject(new AuroraError('AURORA_TOKEN_INVALID', 'this node was deleted; join again with a new join token'));
          continue;
        }
        metrics.heartbeats.inc();
        if (p.screening.outOfRange > 0)
          metrics.samplesDropped.inc({ via: 'agent', reason: 'out_of_range' }, p.screening.outOfRange);
        p.resolve({ acknowledged: p.body.batches.map((b) => b.id), state: node.state as NodeState });
      }
      this.#publish(batch, result.storedBatches, merged, result.transitions);
    } catch (error) {
      if (batch.length > 1) {
        // Isolate the heartbeat the store refused, so one bad write does not fail its neighbours.
        for (const p of batch) await this.#flushOnly([p]);
        return;
      }
      this.options.log.error({ err: error, heartbeats: batch.length }, 'heartbeat flush failed');
      for (const p of batch)
        p.reject(new AuroraError('AURORA_UNAVAILABLE', 'the store did not accept the write; retry'));
    }
  }

  /** Computes each node's new row; `merged` receives the full rows for events. */
  #decide(
    rows: NodeRow[],
    batch: Pending[],
    merged: Map<string, NodeRow>,
    factsJson: Map<string, string>,
  ): { updates: HeartbeatNodeUpdate[]; transitions: NodeTransitionRow[] } {
    const byId = new Map(rows.map((r) => [r.id, r]));
    const updates = new Map<string, HeartbeatNodeUpdate>();
    const transitions: NodeTransitionRow[] = [];
    const watchedSince = this.options.watchedSince();
    for (const p of batch) {
      const row = merged.get(p.nodeId) ?? byId.get(p.nodeId);
      if (!row) continue;
      const step = stepHealth(
        toHealth(row),
        { kind: 'heartbeat', at: p.receivedAt, watchedSince },
        this.options.health,
      );
      for (const t of step.transitions) {
        transitions.push({ nodeId: row.id, at: t.at, fromState: t.from, toState: t.to, reason: t.reason });
      }
      const conditions = nextConditions(row.conditions, {
        skewMs: p.body.sentAt - p.receivedAt,
        skewThresholdMs: this.options.clockSkewThresholdMs,
        droppedSamples: p.body.droppedSamples ?? 0,
        samplesAheadMs: p.screening.aheadMs,
        outOfRange: p.screening.outOfRange,
        outOfRangeExample: p.screening.example,
        now: p.receivedAt,
      });
      const { operatorState: _operator, ...health } = fromHealth(step.health);
      const update: HeartbeatNodeUpdate = {
        id: row.id,
        facts: p.body.facts,
        labels: p.body.facts.labels,
        zone: p.body.facts.zone ?? null,
        conditions,
        ...health,
      };
      if (this.#storedFacts) {
        const json = JSON.stringify(p.body.facts);
        factsJson.set(row.id, json);
        if (this.#storedFacts.get(row.id) === json) update.factsUnchanged = true;
      }
      updates.set(row.id, update);
      merged.set(row.id, { ...row, ...update });
    }
    return { updates: [...updates.values()], transitions };
  }

  /** Records the facts a committed flush stored, so the next identical ones are not rewritten. */
  #rememberFacts(updated: Map<string, HeartbeatNodeUpdate>, factsJson: Map<string, string>): void {
    const stored = this.#storedFacts;
    if (!stored) return;
    if (stored.size > 200_000) stored.clear();
    for (const id of updated.keys()) {
      const json = factsJson.get(id);
      if (json !== undefined) stored.set(id, json);
    }
  }

  #publish(batch: Pending[], stored: Set<string>, rows: Map<string, NodeRow>, transitions: NodeTransitionRow[]): void {
    const { bus, telemetry } = this.options;
    for (const p of batch) {
      p.body.batches.forEach((b, i) => {
        const prepared = p.prepared[i];
        if (prepared && stored.has(`${p.nodeId}/${b.id}`)) telemetry.committed(prepared);
      });
    }
    if (bus.listenerCount === 0) return;
    const at = new Date().toISOString();
    for (const t of transitions) {
      const row = rows.get(t.nodeId);
      if (!row) continue;
      bus.publish(stateChangedEvent(t, toNode(row)));
    }
    for (const p of batch) {
      const fresh = p.body.batches.flatMap((b, i) =>
        stored.has(`${p.nodeId}/${b.id}`) ? (p.screening.kept[i] ?? []) : [],
      );
      const row = rows.get(p.nodeId);
      if (row) bus.publish({ type: 'node.heartbeat', name: row.name, at, samples: fresh });
    }
  }
}
