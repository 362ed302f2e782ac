import { AuroraError } from '../platform/http/errors.js';
import type { Db } from '../platform/store/engine.js';
import { type HeadRow, insertHeadRows } from '../platform/store/head-rows.js';
import { checkLabels } from './limits.js';
import { LABEL_NAME, METRIC_NAME } from './names.js';
import { isStaleMarker, NewestSamples } from './sample-order.js';
import { type SeriesCatalog, type SeriesWanted, wanted } from './series-catalog.js';
import { type LabelSet, seriesKey } from './series-key.js';

/** Which way samples came in. */
export type IngestVia = 'agent' | 'remote_write' | 'scrape';

/** Why accepted writes still left samples out. */
export type DropReason = 'out_of_order' | 'duplicate' | 'stale_marker';

/** Samples of one series as a way in hands them over; `labels` excludes `__name__`. */
export interface IncomingSeries {
  name: string;
  labels: LabelSet;
  ts: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * What to do with samples Prometheus' ordering rules refuse: `reject` fails
 * the whole write, as Prometheus' remote-write receiver does; `drop` stores
 * the rest and counts them, as Prometheus does for a scrape; `late` also
 * stores samples older than the newest (as Prometheus does within an
 * out-of-order window), for agents, whose resent batches may arrive after
 * newer ones and must not be lost — the compactor sorts them in, and the
 * first value stored for a time wins.
 */
export type OrderPolicy = 'reject' | 'drop' | 'late';

/** The samples of one series a write stored. */
export interface IngestedSeries {
  id: number;
  name: string;
  labels: LabelSet;
  ts: number[];
  values: number[];
}

/**
 * The typed event every way in ends with, once its write committed: which
 * series received which samples. Live detection and the console's live
 * charts subscribe to it through {@link TelemetryIngest.subscribe}.
 */
export interface SamplesIngested {
  via: IngestVia;
  source: string;
  receivedAt: number;
  series: IngestedSeries[];
}

/** A write checked and resolved to series ids, ready to store. */
export interface PreparedWrite {
  via: IngestVia;
  source: string;
  receivedAt: number;
  /** The accepted samples, or undefined when none were. */
  head: HeadRow | undefined;
  series: IngestedSeries[];
  dropped: Record<DropReason, number>;
}

/** Counters the ingest path reports to (the server's Prometheus metrics). */
export interface IngestCounters {
  stored(via: IngestVia, samples: number): void;
  dropped(via: IngestVia, reason: DropReason, samples: number): void;
}

/**
 * The one entry point for samples: agent heartbeats, Prometheus remote_write
 * and scrapes all go through {@link prepare}, are stored (by {@link write},
 * or inside the heartbeat flush's own transaction), and are announced by
 * {@link committed}. Preparing checks names and label limits, resolves
 * series within the cardinality limits and applies Prometheus' ordering
 * rules, so a refused write stores nothing.
 */
export class TelemetryIngest {
  readonly #listeners = new Set<(event: SamplesIngested) => void>();
  readonly newest: NewestSamples;

  constructor(
    private readonly db: Db,
    readonly catalog: SeriesCatalog,
    private readonly counters: IngestCounters,
  ) {
    this.newest = new NewestSamples(db);
  }

  /**
   * Checks and resolves one write. Throws a 400 naming the fault for an
   * invalid name or label set, a 422 for a cardinality limit and, with the
   * `reject` policy, a 400 for a sample Prometheus' rules refuse.
   */
  async prepare(
    via: IngestVia,
    source: string,
    receivedAt: number,
    input: readonly IncomingSeries[],
    policy: OrderPolicy,
  ): Promise<PreparedWrite> {
    const want: SeriesWanted[] = new Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const s = input[i] as IncomingSeries;
      checkSeriesNames(s);
      want[i] = wanted(s.name, s.labels);
    }
    const refs = await this.catalog.resolve(source, want);
    await this.newest.load([source]);
    const dropped: Record<DropReason, number> = { out_of_order: 0, duplicate: 0, stale_marker: 0 };
    const pending = new Map<number, { ts: number; value: number }>();
    const bySeries = new Map<number, IngestedSeries>();
    const seriesIds: number[] = [];
    const ts: number[] = [];
    const vals: number[] = [];
    let tsMin = Number.POSITIVE_INFINITY;
    let tsMax = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < input.length; i++) {
      const s = input[i] as IncomingSeries;
      const ref = refs[i] as (typeof refs)[number];
      let out = bySeries.get(ref.id);
      for (let j = 0; j < s.ts.length; j++) {
        const t = s.ts[j] as number;
        const v = s.values[j] as number;
        if (isStaleMarker(v)) {
          dropped.stale_marker++;
          continue;
        }
        const last = pending.get(ref.id);
        const verdict = this.newest.judge(ref.id, t, v, last);
        if (verdict !== 'append' && !(verdict === 'out_of_order' && policy === 'late')) {
          if (verdict === 'duplicate') continue;
          if (policy === 'reject') throw orderError(verdict, s, t, last?.ts ?? this.newest.newestTs(ref.id));
          dropped[verdict === 'conflict' ? 'duplicate' : 'out_of_order']++;
          continue;
        }
        if (verdict === 'append') pending.set(ref.id, { ts: t, value: v });
        seriesIds.push(ref.id);
        ts.push(t);
        vals.push(v);
        if (t < tsMin) tsMin = t;
        if (t > tsMax) tsMax = t;
        if (!out) {
          out = { id: ref.id, name: ref.name, labels: ref.labels, ts: [], values: [] };
          bySeries.set(ref.id, out);
        }
        out.ts.push(t);
        out.values.push(v);
      }
    }
    const head = ts.length > 0 ? { source, receivedAt, tsMin, tsMax, seriesIds, ts, vals } : undefined;
    return { via, source, receivedAt, head, series: [...bySeries.values()], dropped };
  }

  /** Stores prepared writes in one transaction of its own (remote_write, scrapes), then announces them. */
  async write(prepared: readonly PreparedWrite[]): Promise<void> {
    const rows = prepared.flatMap((p) => (p.head ? [p.head] : []));
    if (rows.length > 0) await this.db.execute(insertHeadRows(rows));
    for (const p of prepared) this.committed(p);
  }

  /** Records a committed write: its samples become the newest of their series, counters move, subscribers hear of it. */
  committed(p: PreparedWrite): void {
    const head = p.head;
    if (head) {
      for (let i = 0; i < head.ts.length; i++)
        this.newest.advance(head.seriesIds[i] as number, head.ts[i] as number, head.vals[i] as number);
      this.counters.stored(p.via, head.ts.length);
    }
    for (const reason of Object.keys(p.dropped) as DropReason[]) {
      if (p.dropped[reason] > 0) this.counters.dropped(p.via, reason, p.dropped[reason]);
    }
    if (this.#listeners.size === 0 || p.series.length === 0) return;
    const event: SamplesIngested = { via: p.via, source: p.source, receivedAt: p.receivedAt, series: p.series };
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A faulty subscriber must not fail the write or starve the others.
      }
    }
  }

  /**
   * Subscribes to every committed write (the seam live detection plugs
   * into); returns the function that unsubscribes. Listeners run
   * synchronously after the commit and must not throw.
   */
  subscribe(listener: (event: SamplesIngested) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Forgets what is cached for a source whose series were deleted (a deleted node). */
  forgetSource(source: string): void {
    this.catalog.forgetSource(source);
    this.newest.forgetSource(source);
  }
}

/** Refuses an invalid metric or label name, naming it and the rule. */
function checkSeriesNames(s: IncomingSeries): void {
  if (!METRIC_NAME.test(s.name)) {
    throw new AuroraError(
      'AURORA_VALIDATION_FAILED',
      `metric name "${s.name.slice(0, 200)}" is not valid: it must match [a-zA-Z_:][a-zA-Z0-9_:]*`,
      'name',
    );
  }
  for (const name in s.labels) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw new AuroraError(
        'AURORA_VALIDATION_FAILED',
        `label name "${name.slice(0, 200)}" of ${s.name} is not valid: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with "__"`,
        'labels',
      );
    }
  }
  checkLabels(s.labels, s.name);
}

function orderError(
  verdict: 'conflict' | 'out_of_order',
  s: IncomingSeries,
  t: number,
  newestTs: number | undefined,
): AuroraError {
  const series = seriesKey(s.name, s.labels);
  const detail =
    verdict === 'conflict'
      ? `duplicate sample for timestamp: ${series} already has another value at ${t}`
      : `out of order sample: ${series} at ${t} is older than its newest stored sample${newestTs !== undefined ? ` (${newestTs})` : ''}`;
  return new AuroraError('AURORA_SAMPLE_REJECTED', `${detail}; nothing of this write was stored`, 'samples');
}
