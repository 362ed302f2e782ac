import { sql } from 'drizzle-orm';
import type { Controller } from '../platform/leadership/index.js';
import { arrayParam as arr, type Db, rowsOf } from '../platform/store/engine.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './tiers.js';

/** Options of the {@link Compactor}. */
export interface CompactorOptions {
  db: Db;
  now: () => number;
  /** How long after an hour ends its head samples stay in the head, for stragglers (default 5 min). */
  graceMs?: number;
  /** Samples moved per transaction: bounds how long one pass holds the embedded store (default 50,000). */
  passSamples?: number;
  /** Longest a run keeps passing before it yields to the next timer tick (default 10 s). */
  runBudgetMs?: number;
  intervalMs?: number;
  /** Told how long each pass took and how many samples it moved. */
  onPass?: (seconds: number, samples: number) => void;
  /** Told after each run how many head samples before the cut-off are left. */
  onBacklog?: (samples: number) => void;
}

/**
 * Moves closed hours out of the head: each pass takes head rows with
 * samples before the cut-off, merges their samples into one chunk per
 * series and hour (sorted, one sample per time: the first stored wins, as
 * in Prometheus), then recomputes the 1-minute rollups of every hour it
 * touched from the merged chunk and the 1-hour rollups from those, all in
 * one transaction, so a sample is counted in the rollups exactly once and a
 * crash leaves it in the head for the next pass. Samples after the cut-off
 * go back into the head. The work stays in SQL: the arrays never travel to
 * the server. Runs on the leader.
 */
export class Compactor implements Controller {
  readonly name = 'metric-compaction';
  readonly intervalMs: number;
  readonly #o: Required<Omit<CompactorOptions, 'onPass' | 'onBacklog'>> &
    Pick<CompactorOptions, 'onPass' | 'onBacklog'>;

  constructor(options: CompactorOptions) {
    this.#o = { graceMs: 5 * 60_000, passSamples: 50_000, runBudgetMs: 10_000, intervalMs: 2_000, ...options };
    this.intervalMs = this.#o.intervalMs;
  }

  /** The time before which head samples are compacted: the start of the hour `graceMs` ago. */
  cutoff(): number {
    return Math.floor((this.#o.now() - this.#o.graceMs) / HOUR_MS) * HOUR_MS;
  }

  async runOnce(): Promise<void> {
    const started = Date.now();
    const cutoff = this.cutoff();
    let left = true;
    while (left && Date.now() - started < this.#o.runBudgetMs) left = (await this.pass(cutoff)) > 0;
    if (this.#o.onBacklog) this.#o.onBacklog(left ? await this.backlog(cutoff) : 0);
  }

  /** Head samples before `cutoff`, still to compact. */
  async backlog(cutoff = this.cutoff()): Promise<number> {
    const [row] = rowsOf<{ n: number | null }>(
      await this.#o.db.execute(sql`select sum(sample_count)::float8 as n from metric_head where ts_min < ${cutoff}`),
    );
    return Number(row?.n ?? 0);
  }

  /** Compacts until no head sample before `cutoff` is left; returns the samples moved. */
  async drain(cutoff = this.cutoff()): Promise<number> {
    let moved = 0;
    for (let n = await this.pass(cutoff); n > 0; n = await this.pass(cutoff)) moved += n;
    return moved;
  }

  /** One transaction; returns how many samples it moved (0: nothing left before the cut-off). */
  async pass(cutoff: number): Promise<number> {
    const t0 = process.hrtime.bigint();
    const moved = await this.#o.db.transaction(async (tx) => {
      const candidates = rowsOf<{ seq: number; n: number }>(
        await tx.execute(sql`select seq::float8 as seq, sample_count::float8 as n from metric_head
          where ts_min < ${cutoff} order by seq limit 5000 for update skip locked`),
      );
      if (candidates.length === 0) return 0;
      const seqs: number[] = [];
      let budget = 0;
      for (const c of candidates) {
        if (seqs.length > 0 && budget + Number(c.n) > this.#o.passSamples) break;
        seqs.push(Number(c.seq));
        budget += Number(c.n);
      }
      const picked = arr(seqs, 'bigint');
      await tx.execute(sql`create temp table compact_staged on commit drop as
        select u.sid, u.t, u.v, h.seq, u.ord from metric_head h,
          unnest(h.series_ids, h.ts, h.vals) with ordinality as u(sid, t, v, ord)
        where h.seq = any(${picked}) and u.t < ${cutoff}`);
      // What is left of a picked row (samples at or after the cut-off) goes back into the head as a new row.
      await tx.execute(sql`insert into metric_head (source, received_at, ts_min, ts_max, sample_count, series_ids, ts, vals)
        select h.source, h.received_at, min(u.t), max(u.t), count(*)::int,
          array_agg(u.sid order by u.ord), array_agg(u.t order by u.ord), array_agg(u.v order by u.ord)
        from metric_head h, unnest(h.series_ids, h.ts, h.vals) with ordinality as u(sid, t, v, ord)
        where h.seq = any(${picked}) and u.t >= ${cutoff}
        group by h.seq, h.source, h.received_at`);
      await tx.execute(sql`delete from metric_head where seq = any(${picked})`);
      await tx.execute(sql`create temp table compact_keys on commit drop as
        select distinct sid, (t / ${HOUR_MS}) * ${HOUR_MS} as hr from compact_staged`);
      await tx.execute(sql`insert into series_chunks (series_id, start, ts_min, ts_max, sample_count, last_value, ts, vals)
        select sid, hr, min(t), max(t), count(*)::int, (array_agg(v order by t desc))[1],
          array_agg(t order by t), array_agg(v order by t)
        from (
          select distinct on (sid, t) sid, t, v, hr from (
            select s.sid, s.t, s.v, (s.t / ${HOUR_MS}) * ${HOUR_MS} as hr, 1 as pri, s.seq, s.ord from compact_staged s
            union all
            select c.series_id, u.t, u.v, c.start, 0, 0, u.ord
            from series_chunks c join compact_keys k on c.series_id = k.sid and c.start = k.hr,
              unnest(c.ts, c.vals) with ordinality as u(t, v, ord)
          ) x order by sid, t, pri, seq, ord
        ) m
        group by sid, hr
        on conflict (series_id, start) do update set ts_min = excluded.ts_min, ts_max = excluded.ts_max,
          sample_count = excluded.sample_count, last_value = excluded.last_value, ts = excluded.ts, vals = excluded.vals`);
      // Max ignores NaN unless every value is NaN, as Prometheus' max_over_time does; PostgreSQL's min already does.
      await tx.execute(sql`insert into rollups_1m (series_id, start, ts, mins, maxs, sums, counts, lasts)
        select series_id, start, array_agg(m order by m), array_agg(mn order by m), array_agg(mx order by m),
          array_agg(s order by m), array_agg(n order by m), array_agg(l order by m)
        from (
          select c.series_id, c.start, (u.t / ${MINUTE_MS}) * ${MINUTE_MS} as m, min(u.v) as mn,
            coalesce(max(u.v) filter (where u.v <> 'NaN'::float8), 'NaN'::float8) as mx, sum(u.v) as s,
            count(*)::int as n, (array_agg(u.v order by u.t desc))[1] as l
          from series_chunks c join compact_keys k on c.series_id = k.sid and c.start = k.hr,
            unnest(c.ts, c.vals) as u(t, v)
          group by c.series_id, c.start, m
        ) b
        group by series_id, start
        on conflict (series_id, start) do update set ts = excluded.ts, mins = excluded.mins, maxs = excluded.maxs,
          sums = excluded.sums, counts = excluded.counts, lasts = excluded.lasts`);
      await tx.execute(sql`with slots as (
          select r.series_id as sid, r.start as hr, (r.start / ${DAY_MS}) * ${DAY_MS} as day,
            (select min(x) from unnest(r.mins) x) as mn,
            (select coalesce(max(x) filter (where x <> 'NaN'::float8), 'NaN'::float8) from unnest(r.maxs) x) as mx,
            (select sum(x) from unnest(r.sums) x) as s, (select sum(x)::int from unnest(r.counts) x) as n,
            r.lasts[array_length(r.lasts, 1)] as l
          from rollups_1m r join compact_keys k on r.series_id = k.sid and r.start = k.hr
        ), merged as (
          select sid, day, hr, mn, mx, s, n, l from slots
          union all
          select o.series_id, o.start, u.t, u.mn, u.mx, u.s, u.n, u.l
          from rollups_1h o join (select distinct sid, day from slots) d on o.series_id = d.sid and o.start = d.day,
            unnest(o.ts, o.mins, o.maxs, o.sums, o.counts, o.lasts) as u(t, mn, mx, s, n, l)
          where not exists (select 1 from slots where slots.sid = o.series_id and slots.hr = u.t)
        )
        insert into rollups_1h (series_id, start, ts, mins, maxs, sums, counts, lasts)
        select sid, day, array_agg(hr order by hr), array_agg(mn order by hr), array_agg(mx order by hr),
          array_agg(s order by hr), array_agg(n order by hr), array_agg(l order by hr)
        from merged group by sid, day
        on conflict (series_id, start) do update set ts = excluded.ts, mins = excluded.mins, maxs = excluded.maxs,
          sums = excluded.sums, counts = excluded.counts, lasts = excluded.lasts`);
      return budget;
    });
    this.#o.onPass?.(Number(process.hrtime.bigint() - t0) / 1e9, moved);
    return moved;
  }
}
