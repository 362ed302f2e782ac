import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerMetrics } from '../platform/http/metrics.js';
import { rowsOf } from '../platform/store/engine.js';
import type { Store } from '../platform/store/index.js';
import { openFreshStore, testEngines } from '../testing/engines.js';
import { createTelemetry, type Telemetry } from './index.js';
import type { IncomingSeries, OrderPolicy } from './ingest.js';
import type { Aggregation } from './query-engine.js';
import { parseSelector } from './selector.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './tiers.js';

const T0 = Date.UTC(2026, 0, 5); // a Monday, midnight UTC

/** What Prometheus' *_over_time functions give for one bucket's values (NaN ignored by min and max unless all NaN). */
function reference(values: number[], agg: Aggregation): number {
  const finite = values.filter((v) => !Number.isNaN(v));
  switch (agg) {
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'min':
      return finite.length ? Math.min(...finite) : Number.NaN;
    case 'max':
      return finite.length ? Math.max(...finite) : Number.NaN;
    case 'count':
      return values.length;
    case 'last':
      return values[values.length - 1] as number;
  }
}

function bucketed(ts: number[], vs: number[], step: number, agg: Aggregation): [number, number][] {
  const buckets = new Map<number, number[]>();
  ts.forEach((t, i) => {
    const b = Math.floor(t / step) * step;
    let list = buckets.get(b);
    if (!list) {
      list = [];
      buckets.set(b, list);
    }
    list.push(vs[i] as number);
  });
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, list]) => [b, reference(list, agg)]);
}

function decode(points: [number, number | string][]): [number, number][] {
  return points.map(([t, v]) => [
    t,
    v === 'NaN' ? Number.NaN : v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v),
  ]);
}

/** Equal up to float rounding of sums done in another order. */
function close(a: [number, number][], b: [number, number][]): boolean {
  if (a.length !== b.length) return false;
  return a.every(([t, v], i) => {
    const [t2, v2] = b[i] as [number, number];
    if (t !== t2) return false;
    if (Number.isNaN(v) || Number.isNaN(v2)) return Number.isNaN(v) && Number.isNaN(v2);
    if (!Number.isFinite(v) || !Number.isFinite(v2)) return v === v2;
    return Math.abs(v - v2) <= 1e-9 * Math.max(1, Math.abs(v), Math.abs(v2));
  });
}

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`telemetry store on ${engine.name}`, () => {
    let store: Store;
    let close_: () => Promise<void>;
    let telemetry: Telemetry;
    const now = T0 + 10 * DAY_MS;
    let metrics: ServerMetrics;
    beforeAll(async () => {
      ({ store, close: close_ } = await openFreshStore(engine));
      metrics = new ServerMetrics();
      telemetry = createTelemetry({
        store,
        metrics,
        now: () => now,
        limits: { maxSeriesPerNode: 10_000, maxSeriesTotal: 100_000 },
        retention: { rawMs: 7 * DAY_MS, rollup1mMs: 30 * DAY_MS, rollup1hMs: 365 * DAY_MS },
        queryMaxSeries: 1_000,
        maxUncompressedBytes: 1 << 24,
      });
    });
    afterAll(async () => close_?.());

    const write = async (source: string, series: IncomingSeries[], policy: OrderPolicy = 'reject') => {
      const p = await telemetry.ingest.prepare('remote_write', source, now, series, policy);
      await telemetry.ingest.write([p]);
      return p;
    };
    const query = async (match: string, from: number, to: number, stepMs: number, agg: Aggregation = 'avg') => {
      const answer = await telemetry.query.range({ selector: parseSelector(match), from, to, stepMs, agg });
      return {
        tier: answer.tier,
        series: answer.series.map((s) => ({ ...s, points: decode(JSON.parse(s.pointsJson)) })),
      };
    };

    it('answers raw queries the same from the head and, after compaction, from hourly chunks', async () => {
      const ts = Array.from({ length: 150 }, (_, i) => T0 + i * 60_000);
      await write('instance:a', [
        { name: 'cpu_usage', labels: { node: 'a', mode: 'user' }, ts, values: ts.map((_, i) => i) },
        { name: 'cpu_usage', labels: { node: 'a', mode: 'idle' }, ts, values: ts.map((_, i) => 100 - i) },
        { name: 'mem_used', labels: { node: 'a' }, ts, values: ts.map(() => 5) },
      ]);
      const before = await query('cpu_usage{node="a",mode!="idle"}', T0, T0 + 3 * HOUR_MS, 60_000);
      expect(before.series.map((s) => s.labels)).toEqual([{ mode: 'user', node: 'a' }]);
      expect(before.series[0]?.points).toEqual(ts.map((t, i) => [t, i]));
      expect(await telemetry.compactor.drain(T0 + DAY_MS)).toBe(450);
      const after = await query('cpu_usage{node="a",mode!="idle"}', T0, T0 + 3 * HOUR_MS, 60_000);
      expect(after.series[0]?.points).toEqual(before.series[0]?.points);
      const re = await query('{__name__=~"cpu_.*|mem_used",node="a"}', T0, T0 + HOUR_MS - 1, 90_000, 'count');
      expect(re.series.map((s) => s.name)).toEqual(['cpu_usage', 'cpu_usage', 'mem_used']);
      expect(re.tier).toBe('raw');
    });

    it('rollups give what Prometheus *_over_time gives per bucket, NaN and infinities included', async () => {
      const value = fc.oneof(
        { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
        { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity) },
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.integer({ min: 0, max: 3 * HOUR_MS - 1 }), { minLength: 1, maxLength: 60 }),
          fc.array(value, { minLength: 60, maxLength: 60 }),
          async (offsets, values) => {
            const ts = [...offsets].sort((a, b) => a - b).map((o) => T0 + 2 * DAY_MS + o);
            const vs = ts.map((_, i) => values[i] as number);
            const name = `prop_${n++}`;
            await write(`instance:${name}`, [{ name, labels: {}, ts, values: vs }]);
            await telemetry.compactor.drain(T0 + 5 * DAY_MS);
            for (const [step, tier] of [
              [60_000, '1m'],
              [HOUR_MS, '1h'],
              [2 * HOUR_MS, '1h'],
            ] as const) {
              for (const agg of ['avg', 'min', 'max', 'sum', 'count', 'last'] as const) {
                const got = await query(name, T0 + 2 * DAY_MS, T0 + 3 * DAY_MS, step, agg);
                expect(got.tier).toBe(tier);
                const want = bucketed(ts, vs, step, agg);
                if (!close(got.series[0]?.points ?? [], want)) {
                  throw new Error(
                    `${agg} at ${step}: got ${JSON.stringify(got.series[0]?.points)} want ${JSON.stringify(want)}`,
                  );
                }
              }
            }
          },
        ),
        { numRuns: 8 },
      );
    });

    it('averages subnormal values as IEEE 754 does instead of failing the query on an underflow', async () => {
      // 5e-324 / 2 rounds to 0; PostgreSQL raises on such a division unless the query guards it.
      const base = T0 + 3 * DAY_MS + 10 * HOUR_MS;
      await write('instance:tiny', [{ name: 'tiny', labels: {}, ts: [base, base + 1_000], values: [5e-324, 0] }]);
      const raw = await query('tiny', base, base + MINUTE_MS - 1, MINUTE_MS, 'avg');
      expect(raw.series[0]?.points).toEqual([[base, 0]]);
      await telemetry.compactor.drain(T0 + 5 * DAY_MS);
      const rolled = await query('tiny', base, base + HOUR_MS - 1, MINUTE_MS, 'avg');
      expect(rolled.tier).toBe('1m');
      expect(rolled.series[0]?.points).toEqual([[base, 0]]);
    });

    it('merges late samples into an hour already compacted and recomputes its rollups', async () => {
      const base = T0 + 3 * DAY_MS;
      await write('instance:late', [{ name: 'late_metric', labels: {}, ts: [base, base + 120_000], values: [1, 3] }]);
      await telemetry.compactor.drain(T0 + 5 * DAY_MS);
      await write('instance:late2', [{ name: 'late_metric', labels: { x: 'y' }, ts: [base + 60_000], values: [7] }]);
      // A second source writing the first series' hour: a sample between the stored ones is out of order...
      await expect(
        write('instance:late', [{ name: 'late_metric', labels: {}, ts: [base + 60_000], values: [2] }]),
      ).rejects.toMatchObject({ code: 'AURORA_SAMPLE_REJECTED' });
      // ...but a newer one in the same, already compacted hour is merged.
      await write('instance:late', [{ name: 'late_metric', labels: {}, ts: [base + 180_000], values: [5] }]);
      await telemetry.compactor.drain(T0 + 5 * DAY_MS);
      const hour = await query('late_metric{x=""}', base, base + HOUR_MS - 1, HOUR_MS, 'avg');
      expect(hour.series[0]?.points).toEqual([[base, 3]]);
      const raw = await query('late_metric{x=""}', base, base + HOUR_MS - 1, 1_000, 'last');
      expect(raw.series[0]?.points.map((p) => p[1])).toEqual([1, 3, 5]);
    });

    it('follows Prometheus on out-of-order and duplicate samples', async () => {
      const s = (ts: number[], values: number[]) => [{ name: 'ordered', labels: {}, ts, values }];
      const t = T0 + 4 * DAY_MS;
      await write('instance:o', s([t, t + 1000], [1, 2]));
      // A retry of a committed write: exact duplicates are ignored, nothing else is stored.
      expect((await write('instance:o', s([t + 1000], [2]))).head).toBeUndefined();
      // Another value at a stored time, or an older time: the whole write is refused.
      await expect(write('instance:o', s([t + 1000, t + 2000], [9, 3]))).rejects.toThrow(
        /duplicate sample for timestamp/,
      );
      await expect(write('instance:o', s([t + 500, t + 3000], [1, 3]))).rejects.toThrow(/out of order sample/);
      // Dropping (scrapes, agents) stores the rest and counts what it left out.
      const dropped = await write('instance:o', s([t + 500, t + 1000, t + 3000], [1, 8, 3]), 'drop');
      expect(dropped.dropped).toEqual({ out_of_order: 1, duplicate: 1, stale_marker: 0 });
      const got = await query('ordered', t, t + 10_000, 500, 'last');
      expect(got.series[0]?.points).toEqual([
        [t, 1],
        [t + 1000, 2],
        [t + 3000, 3],
      ]);
    });

    it('refuses a write past a series limit whole, naming the limit', async () => {
      const [row] = rowsOf<{ n: number }>(await store.db.execute(sql`select count(*)::int as n from metric_series`));
      const limited = createTelemetry({
        store,
        metrics,
        now: () => now,
        limits: { maxSeriesPerNode: 50, maxSeriesTotal: Number(row?.n) + 80 },
        retention: { rawMs: 7 * DAY_MS, rollup1mMs: 30 * DAY_MS, rollup1hMs: 365 * DAY_MS },
        queryMaxSeries: 1_000,
        maxUncompressedBytes: 1 << 24,
      });
      const put = async (source: string, series: IncomingSeries[]) =>
        limited.ingest.write([await limited.ingest.prepare('remote_write', source, now, series, 'reject')]);
      const many = (prefix: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({ name: `${prefix}_${i}`, labels: {}, ts: [T0], values: [1] }));
      await expect(put('instance:big', many('wide', 51))).rejects.toMatchObject({
        code: 'AURORA_SERIES_LIMIT',
        field: 'maxSeriesPerNode',
      });
      expect((await query('{__name__=~"wide_.*"}', T0, T0 + 1, 1)).series).toEqual([]);
      await put('instance:big2', many('fill', 40));
      await expect(put('instance:big3', many('more', 41))).rejects.toThrow(/maxSeriesTotal=\d+ reached in total/);
      expect((await query('{__name__=~"more_.*"}', T0, T0 + 1, 1)).series).toEqual([]);
    });

    it('keeps each tier for its own retention', async () => {
      const t = T0 + 6 * DAY_MS;
      await write('instance:r', [{ name: 'kept', labels: {}, ts: [t, t + 60_000], values: [1, 2] }]);
      await telemetry.compactor.drain(t + DAY_MS);
      const sweep = (at: number) => telemetry.retention.sweep(at);
      await sweep(t + 8 * DAY_MS);
      expect((await query('kept', t, t + HOUR_MS, 1_000)).series).toEqual([]);
      expect((await query('kept', t, t + HOUR_MS, 60_000)).series[0]?.points).toHaveLength(2);
      await sweep(t + 31 * DAY_MS);
      expect((await query('kept', t, t + HOUR_MS, 60_000)).series).toEqual([]);
      expect((await query('kept', t, t + HOUR_MS, HOUR_MS)).series[0]?.points).toEqual([[t, 1.5]]);
      await sweep(t + 367 * DAY_MS);
      expect((await query('kept', t, t + HOUR_MS, HOUR_MS)).series).toEqual([]);
    });
  });
}
