import { type SQL, sql } from 'drizzle-orm';
import { AuroraError } from '../platform/http/errors.js';
import { arrayParam as arr, type Db, rowsOf } from '../platform/store/engine.js';
import { exactName, formatSelector, type Selector, selects } from './selector.js';
import { type LabelSet, labelsKey } from './series-key.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, type Tier, tierForStep } from './tiers.js';

/** How a step bucket's samples become one value. */
export type Aggregation = 'avg' | 'min' | 'max' | 'sum' | 'count' | 'last';

/** Every aggregation a query may ask for. */
export const AGGREGATIONS: readonly Aggregation[] = ['avg', 'min', 'max', 'sum', 'count', 'last'];

/** Most buckets one series may have in an answer, as in Prometheus' query_range. */
export const MAX_POINTS_PER_SERIES = 11_000;

/** One range query. */
export interface RangeQuery {
  selector: Selector;
  from: number;
  to: number;
  stepMs: number;
  agg: Aggregation;
}

/** One matched series and its points as JSON text (`[[ms, value], ...]`). */
export interface SeriesPoints {
  name: string;
  labels: LabelSet;
  /** JSON array of `[bucket start ms, value]`; a value is a number, or "NaN", "+Inf", "-Inf". */
  pointsJson: string;
}

/** The answer to a range query. */
export interface RangeAnswer {
  tier: Tier;
  stepMs: number;
  series: SeriesPoints[];
}

/**
 * `sum / count` as IEEE 754 gives it. PostgreSQL raises float_underflow_error
 * when a quotient of non-zero operands rounds to zero, so a bucket whose sum is
 * a subnormal number (a sample of 5e-324 is a valid value) would fail the whole
 * query. A quotient below the smallest normal double is answered as 0, which
 * is within half a subnormal step of IEEE's; NaN compares above every number
 * in PostgreSQL, so NaN and infinities still take the division.
 */
function average(sum: string, count: string): string {
  return `case when ${sum} <> 0 and abs(${sum}) < ${count} * 2.2250738585072014e-308 then 0::float8 else ${sum} / ${count} end`;
}

// Slot columns (t, mn, mx, s, n, l) combine the same way whether they are raw samples or rollup buckets.
const AGG_SQL: Record<Aggregation, string> = {
  avg: average('sum(s)', 'sum(n)'),
  min: 'min(mn)',
  // PostgreSQL sorts NaN above every number; Prometheus' max_over_time ignores NaN unless all are NaN.
  max: `coalesce(max(mx) filter (where mx <> 'NaN'::float8), max(mx))`,
  sum: 'sum(s)',
  count: 'sum(n)::float8',
  last: '(array_agg(l order by t desc))[1]',
};

// One rollup bucket's value when a step bucket holds exactly one rollup bucket.
const SLOT_SQL: Record<Aggregation, string> = {
  avg: average('u.s', 'u.n'),
  min: 'u.mn',
  max: 'u.mx',
  sum: 'u.s',
  count: 'u.n::float8',
  last: 'u.l',
};

// JSON has no NaN or infinities: like Prometheus' API, they travel as strings.
function formatValue(v: string): string {
  return `case when ${v} = 'NaN'::float8 then '"NaN"' when ${v} = 'Infinity'::float8 then '"+Inf"'
  when ${v} = '-Infinity'::float8 then '"-Inf"' else (${v})::text end`;
}
const FORMAT_VALUE = formatValue('val');

/**
 * Range queries over the stored tiers, in SQL on both engines: the
 * database unnests the chunk or rollup arrays of the matched series (and
 * their head rows for samples not yet compacted), groups them into step
 * buckets, aggregates, and writes each series' points as JSON text, so a
 * week of a thousand series never becomes JavaScript objects.
 */
export class QueryEngine {
  constructor(
    private readonly db: Db,
    private readonly maxSeries: number,
  ) {}

  /** Answers one query; throws a 400 naming the limit when it matches too many series or asks too many points. */
  async range(q: RangeQuery): Promise<RangeAnswer> {
    const step = Math.trunc(q.stepMs);
    if ((q.to - q.from) / step > MAX_POINTS_PER_SERIES) {
      throw new AuroraError(
        'AURORA_VALIDATION_FAILED',
        `step: ${step} ms gives more than ${MAX_POINTS_PER_SERIES} points per series over this range; use a step of at least ${Math.ceil((q.to - q.from) / MAX_POINTS_PER_SERIES)} ms`,
        'step',
      );
    }
    const tier = tierForStep(step);
    const matched = await this.series(q.selector);
    if (matched.length === 0) return { tier, stepMs: step, series: [] };
    const ids = matched.map((m) => m.id);
    const sources = [...new Set(matched.map((m) => m.source))];
    const direct = tier !== 'raw' && step === (tier === '1h' ? HOUR_MS : MINUTE_MS);
    const statement =
      direct && !(await this.#headHas(sources, q.from, q.to))
        ? this.#perBucket(tier, ids, q.from, q.to, q.agg)
        : this.#statement(tier, ids, sources, q.from, q.to, step, q.agg);
    const rows = rowsOf<{ sid: number; points: string }>(await this.db.execute(statement));
    const byId = new Map(rows.map((r) => [Number(r.sid), r.points]));
    const series: SeriesPoints[] = [];
    for (const m of matched) {
      const pointsJson = byId.get(m.id);
      if (pointsJson !== undefined) series.push({ name: m.name, labels: m.labels, pointsJson });
    }
    return { tier, stepMs: step, series };
  }

  /** The series a selector matches, ordered by name then labels. */
  async series(selector: Selector): Promise<{ id: number; name: string; labels: LabelSet; source: string }[]> {
    const name = exactName(selector);
    const rows = rowsOf<{ id: number; name: string; labels: LabelSet | string; source: string }>(
      await this.db.execute(
        name === undefined
          ? sql`select id::float8 as id, name, labels, source from metric_series`
          : sql`select id::float8 as id, name, labels, source from metric_series where name = ${name}`,
      ),
    );
    const out: { id: number; name: string; labels: LabelSet; source: string; key: string }[] = [];
    for (const r of rows) {
      const labels = typeof r.labels === 'string' ? (JSON.parse(r.labels) as LabelSet) : r.labels;
      if (!selects(selector, r.name, labels)) continue;
      out.push({ id: Number(r.id), name: r.name, labels, source: r.source, key: labelsKey(labels) });
      if (out.length > this.maxSeries) {
        throw new AuroraError(
          'AURORA_VALIDATION_FAILED',
          `match: ${formatSelector(selector)} selects more than queryMaxSeries=${this.maxSeries} series; add matchers to narrow it or raise AURORA_QUERY_MAX_SERIES`,
          'match',
        );
      }
    }
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  /** Whether the head holds samples of these sources in the range (not yet compacted into the rollups). */
  async #headHas(sources: string[], from: number, to: number): Promise<boolean> {
    const rows = rowsOf<{ found: boolean }>(
      await this.db.execute(sql`select exists (select 1 from metric_head where source = any(${arr(sources, 'text')})
        and ts_max >= ${from} and ts_min <= ${to}) as found`),
    );
    return rows[0]?.found === true;
  }

  /**
   * A step equal to the tier's bucket width, with nothing in the head: each
   * rollup bucket is one point, so each row's arrays become JSON in place and
   * rows join in time order, without grouping every bucket again.
   */
  #perBucket(tier: Tier, ids: number[], from: number, to: number, agg: Aggregation): SQL {
    const width = tier === '1h' ? HOUR_MS : MINUTE_MS;
    const span = tier === '1h' ? DAY_MS : HOUR_MS;
    const table = sql.raw(tier === '1h' ? 'rollups_1h' : 'rollups_1m');
    const aligned = Math.floor(from / width) * width;
    return sql`select sid::float8 as sid, '[' || string_agg(piece, ',' order by start) || ']' as points from (
        select r.series_id as sid, r.start, (
          select string_agg('[' || u.t::text || ',' || ${sql.raw(formatValue(SLOT_SQL[agg]))} || ']', ',' order by u.t)
          from unnest(r.ts, r.mins, r.maxs, r.sums, r.counts, r.lasts) as u(t, mn, mx, s, n, l)
          where u.t >= ${aligned} and u.t <= ${to}) as piece
        from ${table} r
        where r.series_id = any(${arr(ids, 'bigint')}) and r.start >= ${Math.floor(aligned / span) * span} and r.start <= ${to}
      ) x where piece is not null group by sid`;
  }

  #statement(
    tier: Tier,
    ids: number[],
    sources: string[],
    from: number,
    to: number,
    step: number,
    agg: Aggregation,
  ): SQL {
    const idList = arr(ids, 'bigint');
    const head = sql`select distinct on (u.sid, u.t) u.sid, u.t, u.v
      from metric_head h, unnest(h.series_ids, h.ts, h.vals) as u(sid, t, v)
      join unnest(${idList}) as q(id) on q.id = u.sid
      where h.source = any(${arr(sources, 'text')}) and h.ts_max >= ${from} and h.ts_min <= ${to}
        and u.t >= ${from} and u.t <= ${to}
      order by u.sid, u.t, h.seq`;
    let slots: SQL;
    if (tier === 'raw') {
      slots = sql`select distinct on (sid, t) sid, t, v as mn, v as mx, v as s, 1 as n, v as l from (
          select c.series_id as sid, u.t, u.v, 0 as pri from series_chunks c, unnest(c.ts, c.vals) as u(t, v)
          where c.series_id = any(${idList}) and c.start >= ${Math.floor(from / HOUR_MS) * HOUR_MS}
            and c.start <= ${to} and u.t >= ${from} and u.t <= ${to}
          union all
          select sid, t, v, 1 from (${head}) hd
        ) p order by sid, t, pri`;
    } else {
      const width = tier === '1h' ? HOUR_MS : MINUTE_MS;
      const span = tier === '1h' ? DAY_MS : HOUR_MS;
      const table = sql.raw(tier === '1h' ? 'rollups_1h' : 'rollups_1m');
      const aligned = Math.floor(from / width) * width;
      slots = sql`select r.series_id as sid, u.t, u.mn, u.mx, u.s, u.n, u.l from ${table} r,
          unnest(r.ts, r.mins, r.maxs, r.sums, r.counts, r.lasts) as u(t, mn, mx, s, n, l)
        where r.series_id = any(${idList}) and r.start >= ${Math.floor(aligned / span) * span} and r.start <= ${to}
          and u.t >= ${aligned} and u.t <= ${to}
        union all
        select sid, t, v, v, v, 1, v from (${head}) hd`;
    }
    return sql`with slots as (${slots}),
      b as (select sid, (t / ${step}::bigint) * ${step}::bigint as bt, ${sql.raw(AGG_SQL[agg])} as val
        from slots group by sid, bt)
      select sid::float8 as sid,
        '[' || string_agg('[' || bt::text || ',' || ${sql.raw(FORMAT_VALUE)} || ']', ',' order by bt) || ']' as points
      from b group by sid`;
  }
}
