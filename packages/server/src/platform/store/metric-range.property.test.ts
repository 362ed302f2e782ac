import type { MetricSample } from '@aurora/sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelsKey } from './sample-chunk.js';
import { Store } from './store.js';

/** The range answer worked out sample by sample, the way the API documents it. */
function expected(samples: MetricSample[], from: number, to: number, step: number, name?: string) {
  const series = new Map<string, { name: string; labels: Record<string, string>; sums: Map<number, number[]> }>();
  for (const s of samples) {
    if (s.ts < from || s.ts > to || (name !== undefined && s.name !== name)) continue;
    const key = `${s.name} ${labelsKey(s.labels)}`;
    const entry = series.get(key) ?? { name: s.name, labels: s.labels ?? {}, sums: new Map() };
    series.set(key, entry);
    const bucket = Math.floor(s.ts / step) * step;
    entry.sums.set(bucket, [...(entry.sums.get(bucket) ?? []), s.value]);
  }
  return [...series.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, s]) => ({
      name: s.name,
      labels: s.labels,
      points: [...s.sums.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([b, vs]) => [b, vs.reduce((x, y) => x + y) / vs.length]),
    }));
}

const sample: fc.Arbitrary<MetricSample> = fc.record(
  {
    ts: fc.integer({ min: 0, max: 60_000 }),
    name: fc.constantFrom('cpu.usage_pct', 'mem.used_bytes', 'disk.used_bytes'),
    value: fc.integer({ min: -1000, max: 1000 }),
    labels: fc.constantFrom({ mount: '/' }, { mount: '/data' }, { device: 'sda', mount: '/' }),
  },
  { requiredKeys: ['ts', 'name', 'value'] },
);

describe('metric ranges over stored chunks', () => {
  let store: Store;
  let run = 0;
  beforeAll(async () => {
    store = await Store.open({});
  });
  afterAll(async () => store?.close());

  it('equal the per-sample average for any batches, range, step and name filter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(sample, { maxLength: 20 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.option(fc.constantFrom('cpu.usage_pct', 'disk.used_bytes'), { nil: undefined }),
        async (batches, a, b, step, name) => {
          const nodeId = `node-${run++}`;
          const write = {
            nodeId,
            receivedAt: 1,
            batches: batches.map((samples, i) => ({ id: `batch-${i}`, samples })),
          };
          // No node row: decide() marks the node live so its chunks are stored.
          await store.ingest.apply([write], () => ({ updates: [{ id: nodeId } as never], transitions: [] }));
          const [from, to] = a <= b ? [a, b] : [b, a];
          const got = await store.metrics.range({ nodeId, from, to, stepMs: step, ...(name ? { name } : {}) });
          expect(got).toEqual(expected(batches.flat(), from, to, step, name));
        },
      ),
      { numRuns: 60 },
    );
  });
});
