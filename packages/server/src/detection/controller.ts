import { LIVE_DETECTOR, snapshotText } from '@aurora/core';
import { sql } from 'drizzle-orm';
import type { Controller, DecisionLog } from '../platform/leadership/index.js';
import { arrayParam as arr, type Db, rowsOf } from '../platform/store/engine.js';
import { FencedWriteError } from '../platform/store/index.js';
import { anomalies } from '../platform/store/schema.js';
import { type Selector, selects } from '../telemetry/index.js';
import { type HeadBatch, HeadReader } from './head-reader.js';
import { PartitionLeases } from './partitions.js';
import { feed, resume, type SeriesRuntime } from './series-state.js';
import { encodeState } from './state-codec.js';

/** Settings of the {@link DetectionController}. */
export interface DetectionOptions {
  db: Db;
  now: () => number;
  /** Identity of this replica among partition owners. */
  holder: string;
  /** The audit chain, where partitions taken and handed back are recorded (default: not recorded). */
  decisions?: DecisionLog;
  /** How many partitions series are grouped into. */
  partitions: number;
  /**
   * Partitions this controller tries to own: all of them (the default, as the leader does), a
   * fixed list, or `share` for an equal share among the replicas that run detection.
   */
  own?: readonly number[] | 'share';
  /** Series to judge; empty means every agent series. */
  selectors: readonly Selector[];
  /** Scores at or above this are anomalies. */
  threshold: number;
  /** How often detector state is written to the store. */
  snapshotIntervalMs: number;
  /** Detector name (default LIVE_DETECTOR). */
  detector?: string;
  intervalMs?: number;
  leaseTtlMs?: number;
  /** Longest a pass keeps reading before it yields (default 2 s). */
  passBudgetMs?: number;
  /** Told when a stored snapshot could not be used and the series started afresh. */
  onSnapshotFailure?: (seriesId: number, reason: string) => void;
  /** Told when a detector threw and was replaced. */
  onDetectorReset?: (seriesId: number, error: unknown) => void;
  /** Told of every stored anomaly's lag from receipt to storage, in ms. */
  onAnomaly?: (lagMs: number) => void;
  /** Told after each snapshot pass how many series it wrote and their serialised bytes. */
  onSnapshot?: (series: number, bytes: number) => void;
}

type AnomalyRow = typeof anomalies.$inferInsert;

/** Detector states written per transaction (about 4 MB at 21 KB each). */
const SNAPSHOT_SLICE = 200;

/**
 * Live detection on the leader (or on each owner of some partitions): reads
 * new head rows of its partitions from the store, runs the live detector on
 * every selected series, records anomalies with the detector's sentence, and
 * snapshots detector state with the read cursor so a restart or a new owner
 * resumes where the last one stopped. Every write is fenced by the
 * partitions' lease epochs.
 */
export class DetectionController implements Controller {
  readonly name = 'detection';
  readonly intervalMs: number;
  readonly leases: PartitionLeases;
  readonly #reader: HeadReader;
  readonly #series = new Map<number, SeriesRuntime | null>();
  readonly #detector: string;
  readonly #own: readonly number[] | 'share';
  readonly #judged = new Set<(receivedAt: number, judgedAt: number, samples: number) => void>();
  #loaded = false;
  #round: { cursor: number; queue: SeriesRuntime[]; series: number; bytes: number } | undefined;
  #lastSnapshotAt: number;

  constructor(private readonly o: DetectionOptions) {
    this.intervalMs = o.intervalMs ?? 250;
    this.#detector = o.detector ?? LIVE_DETECTOR;
    this.#own = o.own ?? Array.from({ length: o.partitions }, (_, i) => i);
    this.leases = new PartitionLeases(o.db, o.holder, o.leaseTtlMs ?? 2_000, o.decisions, this.name);
    this.#reader = new HeadReader(o.db, { partitions: o.partitions, now: o.now });
    this.#lastSnapshotAt = o.now();
  }

  /**
   * Calls `listener` for every head row judged, with when it was received and judged (the
   * detection lag of its samples); returns the function that unsubscribes.
   */
  onJudged(listener: (receivedAt: number, judgedAt: number, samples: number) => void): () => void {
    this.#judged.add(listener);
    return () => this.#judged.delete(listener);
  }

  /** Series held in memory (judged or known to be left out). */
  get seriesCount(): number {
    return this.#series.size;
  }

  /** The head sequence up to which every row was read. */
  get cursor(): number {
    return this.#reader.settled;
  }

  async runOnce(): Promise<void> {
    try {
      await this.#claim();
      if (this.leases.owned.size === 0) return;
      const started = Date.now();
      const budget = this.o.passBudgetMs ?? 2_000;
      let more = true;
      while (more && Date.now() - started < budget) {
        const read = await this.#reader.next(new Set(this.leases.owned.keys()));
        more = read.more;
        await this.#judge(read.batches);
      }
      if (this.o.now() - this.#lastSnapshotAt >= this.o.snapshotIntervalMs) this.#startRound();
      await this.#snapshotSlice(SNAPSHOT_SLICE);
    } catch (error) {
      if (error instanceof FencedWriteError) this.#forget();
      throw error;
    }
  }

  /**
   * Writes every changed detector state, then the cursor of each owned
   * partition (as of when the round began: states are never older than it).
   */
  async snapshot(): Promise<void> {
    this.#startRound();
    while (this.#round) await this.#snapshotSlice(SNAPSHOT_SLICE);
  }

  #startRound(): void {
    if (this.#round) return;
    this.#lastSnapshotAt = this.o.now();
    const queue: SeriesRuntime[] = [];
    for (const [id, s] of this.#series) {
      if (s?.dirty) {
        s.dirty = false;
        queue.push(s);
      } else if (s) {
        // No sample for a whole interval and its state is stored: a deleted node's or a retired
        // series' detector leaves memory; one that comes back resumes from its snapshot.
        this.#series.delete(id);
      }
    }
    this.#round = { cursor: this.#reader.settled, queue, series: queue.length, bytes: 0 };
  }

  /**
   * Writes up to `count` states of the current round in one transaction, so a round over many
   * series is spread across passes and never holds judging up for long.
   */
  async #snapshotSlice(count: number): Promise<void> {
    const round = this.#round;
    if (!round) return;
    const part = round.queue.splice(0, count).filter((s) => this.leases.owned.has(s.partition));
    const savedAt = this.o.now();
    // One pass over each live state (a snapshot() would deep-copy it through JSON first), number arrays packed.
    const states = part.map((s) => snapshotText(s.detector, encodeState));
    for (const st of states) round.bytes += Buffer.byteLength(st);
    const last = round.queue.length === 0;
    let written = new Set<number>();
    try {
      await this.o.db.transaction(async (tx) => {
        await this.leases.assertHeld(tx);
        if (part.length > 0) {
          // Only series that still exist: one deleted since (its node, or by retention) gets no state back.
          const rows = rowsOf<{ series_id: number }>(
            await tx.execute(sql`insert into detection_state (series_id, detector, state, last_ts, points, saved_at)
            select u.* from unnest(${arr(
              part.map((s) => s.id),
              'bigint',
            )}, ${arr(
              part.map(() => this.#detector),
              'text',
            )}, ${arr(states, 'text')}, ${arr(
              part.map((s) => s.lastTs),
              'bigint',
            )}, ${arr(
              part.map((s) => s.points),
              'bigint',
            )}, ${arr(
              part.map(() => savedAt),
              'bigint',
            )}) as u(series_id, detector, state, last_ts, points, saved_at)
            where exists (select 1 from metric_series m where m.id = u.series_id)
            on conflict (series_id) do update set detector = excluded.detector, state = excluded.state,
              last_ts = excluded.last_ts, points = excluded.points, saved_at = excluded.saved_at
            returning series_id::float8 as series_id`),
          );
          written = new Set(rows.map((r) => Number(r.series_id)));
        }
        if (last) {
          const owned = [...this.leases.owned.keys()];
          await tx.execute(sql`insert into detection_cursors (partition, seq)
            select p, ${round.cursor} from unnest(${arr(owned, 'integer')}) as p
            on conflict (partition) do update set seq = excluded.seq`);
          // States of series deleted by retention or with their node, once per round.
          await tx.execute(sql`delete from detection_state d
            where not exists (select 1 from metric_series m where m.id = d.series_id)`);
        }
      });
    } catch (error) {
      // What was not written is written in the next round.
      for (const s of part) s.dirty = true;
      for (const s of round.queue) s.dirty = true;
      this.#round = undefined;
      throw error;
    }
    // Deleted series are forgotten; should samples of one still arrive, it is looked up again and left out.
    for (const s of part) if (!written.has(s.id)) this.#series.delete(s.id);
    if (last) {
      this.#round = undefined;
      if (round.series > 0) this.o.onSnapshot?.(round.series, round.bytes);
    }
  }

  /** Snapshots what it holds and hands its partitions back (a clean stop or a step down). */
  async stop(): Promise<void> {
    if (this.leases.owned.size > 0) await this.snapshot().catch(() => undefined);
    await this.leases.release();
    this.#forget();
  }

  /**
   * Hands its partitions back at once, without a final snapshot, for a replica that is waiting to
   * take them: it resumes from the last snapshot and re-reads the head since, as after a crash,
   * and does not wait for this replica to write every state first (tens of milliseconds and more).
   */
  async handOver(): Promise<void> {
    await this.leases.release();
    this.#forget();
  }

  /** Forgets what it holds after leadership is lost (its leases lapse; the new owner resumes from the store). */
  stepDown(): void {
    this.#forget();
  }

  async #claim(): Promise<void> {
    const before = new Set(this.leases.owned.keys());
    const wanted = this.#own === 'share' ? await this.leases.fairShare(this.o.partitions) : this.#own;
    const taken = await this.leases.claim(wanted);
    for (const p of before) if (!this.leases.owned.has(p)) this.#dropPartition(p);
    if (taken.length === 0) return;
    const rows = rowsOf<{ partition: number; seq: number }>(
      await this.o.db.execute(sql`select partition, seq::float8 as seq from detection_cursors
        where partition = any(${arr(taken, 'integer')})`),
    );
    const stored = new Map(rows.map((r) => [Number(r.partition), Number(r.seq)]));
    const from = Math.min(...taken.map((p) => stored.get(p) ?? 0));
    if (!this.#loaded) this.#reader.settled = from;
    else this.#reader.rewind(from);
    this.#loaded = true;
  }

  #dropPartition(partition: number): void {
    for (const [id, s] of this.#series) if (s && s.partition === partition) this.#series.delete(id);
  }

  #forget(): void {
    this.#round = undefined;
    this.#series.clear();
    this.leases.owned.clear();
    this.#loaded = false;
  }

  async #judge(batches: HeadBatch[]): Promise<void> {
    if (batches.length === 0) return;
    await this.#load(batches);
    const found: AnomalyRow[] = [];
    for (const b of batches) {
      for (let i = 0; i < b.ts.length; i++) {
        const s = this.#series.get(b.seriesIds[i] as number);
        if (!s) continue;
        const ts = b.ts[i] as number;
        const value = b.vals[i] as number;
        const result = feed(s, ts, value, this.#detector, (error) => this.o.onDetectorReset?.(s.id, error));
        if (result && result.score >= this.o.threshold) {
          found.push({
            seriesId: s.id,
            metric: s.metric,
            labels: s.labels,
            node: s.node,
            at: ts,
            value,
            score: result.score,
            explanation: result.explanation,
            receivedAt: b.receivedAt,
            storedAt: 0,
          });
        }
      }
    }
    if (this.#judged.size > 0) {
      const judgedAt = this.o.now();
      for (const b of batches) for (const l of this.#judged) l(b.receivedAt, judgedAt, b.ts.length);
    }
    if (found.length === 0) return;
    await this.o.db.transaction(async (tx) => {
      await this.leases.assertHeld(tx);
      const storedAt = this.o.now();
      for (const row of found) row.storedAt = storedAt;
      await tx.insert(anomalies).values(found);
    });
    if (this.o.onAnomaly) for (const row of found) this.o.onAnomaly(row.storedAt - row.receivedAt);
  }

  /** Loads series seen for the first time: their names and labels, whether they are selected, their snapshots. */
  async #load(batches: HeadBatch[]): Promise<void> {
    const partitionOf = new Map<number, number>();
    for (const b of batches)
      for (const id of b.seriesIds) if (!this.#series.has(id) && !partitionOf.has(id)) partitionOf.set(id, b.partition);
    if (partitionOf.size === 0) return;
    const rows = rowsOf<{
      id: number;
      name: string;
      labels: Record<string, string>;
      source: string;
      detector: string | null;
      state: string | null;
      last_ts: number | null;
      points: number | null;
    }>(
      await this.o.db.execute(sql`select s.id::float8 as id, s.name, s.labels, s.source,
          d.detector, d.state, d.last_ts::float8 as last_ts, d.points::float8 as points
        from metric_series s left join detection_state d on d.series_id = s.id
        where s.id = any(${arr([...partitionOf.keys()], 'bigint')})`),
    );
    for (const r of rows) {
      const id = Number(r.id);
      const labels = typeof r.labels === 'string' ? (JSON.parse(r.labels) as Record<string, string>) : r.labels;
      const selected =
        this.o.selectors.length === 0
          ? r.source.startsWith('node:')
          : this.o.selectors.some((sel) => selects(sel, r.name, labels));
      if (!selected) {
        this.#series.set(id, null);
        continue;
      }
      const stored =
        r.detector !== null && r.state !== null
          ? { detector: r.detector, state: r.state, lastTs: Number(r.last_ts), points: Number(r.points) }
          : undefined;
      const resumed = resume(this.#detector, stored);
      if (resumed.failure) this.o.onSnapshotFailure?.(id, resumed.failure);
      this.#series.set(id, {
        id,
        partition: partitionOf.get(id) as number,
        metric: r.name,
        labels,
        node: labels.node ?? labels.instance ?? null,
        detector: resumed.detector,
        lastTs: resumed.lastTs,
        points: resumed.points,
        dirty: resumed.failure !== undefined,
      });
    }
    // Series deleted since their samples were written are left out too, not looked up again.
    for (const id of partitionOf.keys()) if (!this.#series.has(id)) this.#series.set(id, null);
  }
}
