import { sql } from 'drizzle-orm';
import type { Controller } from '../platform/leadership/index.js';
import { type Db, rowsOf } from '../platform/store/engine.js';
import { DAY_MS, HOUR_MS, type TierRetention } from './tiers.js';

/**
 * Deletes what each tier no longer keeps, by sample time: raw chunks, head
 * rows and agent batch ids after `rawMs`, 1-minute rollups after
 * `rollup1mMs`, 1-hour rollups after `rollup1hMs`; then series that have
 * nothing left in any tier. Runs on the leader once a minute.
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
  ) {}

  async runOnce(): Promise<void> {
    await this.sweep(this.now());
  }

  /** One sweep at time `now`; returns the rows deleted per table. */
  async sweep(now: number): Promise<Record<string, number>> {
    const raw = now - this.retention.rawMs;
    const m1 = now - this.retention.rollup1mMs;
    const h1 = now - this.retention.rollup1hMs;
    const count = async (q: ReturnType<typeof sql>) => rowsOf<{ n: number }>(await this.db.execute(q))[0]?.n ?? 0;
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
    if (out.series > 0) this.onSeriesDeleted();
    return out;
  }
}
