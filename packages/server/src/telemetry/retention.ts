import { sql } from 'drizzle-orm';
import {
  type Controller,
  type DecisionLog,
  decideFenced,
  type Leadership,
  SingleProcessLeadership,
  unrecordedDecisions,
} from '../platform/leadership/index.js';
import { type Db, rowsOf, type Tx } from '../platform/store/engine.js';
import { DAY_MS, HOUR_MS, type TierRetention } from './tiers.js';

/** Tables whose rows are metric data: a sweep that deleted any of them is a decision for the audit chain. */
const DATA_TABLES = ['chunks', 'head', 'rollups1m', 'rollups1h', 'series'] as const;

/**
 * Deletes what each tier no longer keeps, by sample time: raw chunks, head
 * rows and agent batch ids after `rawMs`, 1-minute rollups after
 * `rollup1mMs`, 1-hour rollups after `rollup1hMs`; then series that have
 * nothing left in any tier. Runs on the leader once a minute, in one
 * transaction fenced by its epoch; a sweep that deleted metric data is
 * recorded in the audit chain in that transaction.
 */
export class TierRetentionSweeper implements Controller {
  readonly name = 'metric-retention';
  constructor(
    private readonly db: Db,
    private readonly retention: TierRetention,
    private readonly now: () => number,
    /** Told when series were deleted, so caches forget their ids. */
    private readonly onSeriesDeleted: () => void = () => {},
    readonly intervalMs = 60_000,
    private readonly leadership: Leadership = new SingleProcessLeadership(),
    private readonly decisions: DecisionLog = unrecordedDecisions,
  ) {}

  async runOnce(): Promise<void> {
    await this.sweep(this.now());
  }

  /** One sweep at time `now`; returns the rows deleted per table. */
  async sweep(now: number): Promise<Record<string, number>> {
    const out = await decideFenced(this.db, this.leadership, this.decisions, this.name, async (tx, decide) => {
      const deleted = await this.#delete(tx, now);
      // Agent batch ids expire every minute of a live fleet; they are bookkeeping of acknowledged
      // batches, not data, so only a sweep that deleted samples, rollups or series is recorded.
      if (DATA_TABLES.some((t) => (deleted[t] ?? 0) > 0)) {
        decide({
          decision: 'retention.swept',
          subject: { store: 'metrics' },
          detail: {
            deleted,
            before: {
              raw: new Date(now - this.retention.rawMs).toISOString(),
              rollups1m: new Date(now - this.retention.rollup1mMs).toISOString(),
              rollups1h: new Date(now - this.retention.rollup1hMs).toISOString(),
            },
          },
        });
      }
      return deleted;
    });
    if ((out.series ?? 0) > 0) this.onSeriesDeleted();
    return out;
  }

  async #delete(tx: Tx, now: number): Promise<Record<string, number>> {
    const raw = now - this.retention.rawMs;
    const m1 = now - this.retention.rollup1mMs;
    const h1 = now - this.retention.rollup1hMs;
    const count = async (q: ReturnType<typeof sql>) => rowsOf<{ n: number }>(await tx.execute(q))[0]?.n ?? 0;
    const out: Record<string, number> = {};
    out.chunks = Number(
      await count(sql`with d as (delete from series_chunks where start + ${HOUR_MS} <= ${raw} returning 1)
        select count(*)::float8 as n from d`),
    );
    out.head = Number(
      await count(
        sql`with d as (delete from metric_head where ts_max < ${raw} returning 1) select count(*)::float8 as n from d`,
      ),
    );
    out.batches = Number(
      await count(sql`with d as (delete from metric_batches where received_at < ${raw} returning 1)
        select count(*)::float8 as n from d`),
    );
    out.rollups1m = Number(
      await count(sql`with d as (delete from rollups_1m where start + ${HOUR_MS} <= ${m1} returning 1)
        select count(*)::float8 as n from d`),
    );
    out.rollups1h = Number(
      await count(sql`with d as (delete from rollups_1h where start + ${DAY_MS} <= ${h1} returning 1)
        select count(*)::float8 as n from d`),
    );
    // A series with nothing in any tier and no head rows from its source is gone; a new sample re-creates it.
    out.series = Number(
      await count(sql`with d as (delete from metric_series s where s.created_at < ${raw}
          and not exists (select 1 from rollups_1h r where r.series_id = s.id)
          and not exists (select 1 from rollups_1m r where r.series_id = s.id)
          and not exists (select 1 from series_chunks c where c.series_id = s.id)
          and not exists (select 1 from metric_head h where h.source = s.source)
          returning 1) select count(*)::float8 as n from d`),
    );
    return out;
  }
}
