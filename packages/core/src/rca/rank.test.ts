import { describe, expect, it } from 'vitest';
import { rankRootCauses, scoreSeries } from './rank.js';
import { counterRates, kindFromName, robustReference } from './robust.js';
import type { RcaCase, RcaSeries } from './types.js';

const STEP = 15_000;
const N = 120; // 80 normal samples, a 20-sample window, 20 samples after it
const WINDOW = { startMs: 80 * STEP, endMs: 100 * STEP };
const NORMAL = [{ startMs: 0, endMs: 80 * STEP }];
const times = Float64Array.from({ length: N }, (_, i) => i * STEP);

/** A gauge with a fixed ±1 wobble around `level`, changed by `effect(i)`. */
function gauge(component: string, metric: string, level: number, effect: (i: number) => number = () => 0): RcaSeries {
  const values = Float64Array.from({ length: N }, (_, i) => level + ((i * 7) % 5) - 2 + effect(i));
  return { component, metric, kind: 'gauge', times, values };
}

const inWindow = (i: number) => i >= 80 && i < 100;
const caseOf = (series: RcaSeries[], extra: Partial<RcaCase> = {}): RcaCase => ({
  series,
  normal: NORMAL,
  window: WINDOW,
  ...extra,
});
const order = (c: RcaCase, o = {}) => rankRootCauses(c, o).ranking.map((r) => r.component);

describe('robust scaling against the normal period', () => {
  it('is the median and interquartile range, so one wild normal sample does not widen normal', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1e9];
    const ref = robustReference(
      values.map((_, i) => i),
      values,
      [{ startMs: 0, endMs: 10 }],
    )!;
    expect(ref.median).toBe(5.5);
    expect(ref.spread).toBeCloseTo(7.75 - 3.25);
    expect(ref.samples).toBe(10);
  });

  it('falls back to the deviation, then to 1 % of the level, for a series that barely moves', () => {
    const flat = [10, 10, 10, 10, 10, 10, 10, 10, 12];
    const ref = robustReference(
      flat.map((_, i) => i),
      flat,
      [{ startMs: 0, endMs: 100 }],
    )!;
    expect(ref.spread).toBeCloseTo(0.1);
    expect(robustReference([0, 1], [1, 2], [{ startMs: 0, endMs: 2 }])).toBeUndefined();
  });

  it('reads counters as per-second rates and a drop as a restart from zero', () => {
    const rates = counterRates([0, 1000, 2000, 3000, 5000], [100, 102, 104, 1, 5]);
    expect(Array.from(rates.slice(1))).toEqual([2, 2, 1, 2]);
    expect(rates[0]).toBeNaN();
    expect(kindFromName('container_cpu_usage_seconds_total')).toBe('counter');
    expect(kindFromName('container_memory_working_set_bytes')).toBe('gauge');
  });
});

describe('root-cause ranking', () => {
  it('ranks the component whose metric moved furthest from its normal first, with the evidence', () => {
    const result = rankRootCauses(
      caseOf([
        gauge('db', 'latency', 100, (i) => (inWindow(i) && i >= 84 ? 40 : 0)),
        gauge('api', 'latency', 100, (i) => (inWindow(i) && i >= 86 ? 12 : 0)),
        gauge('web', 'latency', 100),
      ]),
    );
    expect(result.ranking.map((c) => c.component)).toEqual(['db', 'api', 'web']);
    const [db] = result.ranking;
    expect(db!.evidence[0]).toMatchObject({
      metric: 'latency',
      direction: 'up',
      normalMedian: 100,
      onsetMs: 84 * STEP,
    });
    expect(db!.evidence[0]!.score).toBeGreaterThan(10);
    expect(db!.onsetMs).toBe(84 * STEP);
    expect(result.ranking[2]!.onsetMs).toBeNull();
  });

  it('never looks past the end of the window', () => {
    const later = gauge('later', 'cpu', 10, (i) => (i >= 100 ? 1000 : 0));
    const now = gauge('now', 'cpu', 10, (i) => (inWindow(i) ? 20 : 0));
    expect(order(caseOf([later, now]))).toEqual(['now', 'later']);
  });

  it('counts a fall as much as a rise; one-sided scoring (RCAEval BARO) misses a crashed process', () => {
    const crashed = gauge('worker', 'cpu', 50, (i) => (inWindow(i) ? -50 : 0));
    const caller = gauge('front', 'errors', 10, (i) => (inWindow(i) ? 8 : 0));
    expect(order(caseOf([crashed, caller]))).toEqual(['worker', 'front']);
    expect(order(caseOf([crashed, caller]), { twoSided: false })).toEqual(['front', 'worker']);
    const evidence = scoreSeries(crashed, caseOf([crashed]))!;
    expect(evidence.direction).toBe('down');
  });

  it('scores a counter by its rate, so a steadily growing total is normal', () => {
    const total = Float64Array.from(
      { length: N },
      (_, i) => 1000 + 15 * i + (inWindow(i) && i > 90 ? 150 * (i - 90) : 0),
    );
    const counter: RcaSeries = { component: 'hog', metric: 'cpu_seconds_total', kind: 'counter', times, values: total };
    const quiet = gauge('quiet', 'mem', 10);
    const result = rankRootCauses(caseOf([quiet, counter]));
    expect(result.ranking[0]!.component).toBe('hog');
    expect(result.ranking[0]!.evidence[0]!.onsetMs).toBe(91 * STEP);
  });

  it('skips missing samples and series without enough normal data', () => {
    const values = Float64Array.from({ length: N }, (_, i) => (i < 78 ? Number.NaN : inWindow(i) ? 99 : 1));
    const sparse: RcaSeries = { component: 'new', metric: 'x', kind: 'gauge', times, values };
    const result = rankRootCauses(caseOf([sparse, gauge('old', 'x', 10, (i) => (inWindow(i) ? 5 : 0))]));
    expect(result.ranking.map((c) => c.component)).toEqual(['old', 'new']);
    expect(result.ranking[1]!.evidence).toEqual([]);
  });

  it('with a graph, lifts an anomalous component whose callers turned anomalous after it', () => {
    // Equal deviations: a harmless change on `batch` and a fault in `db` that reached its callers.
    const series = [
      gauge('batch', 'cpu', 100, (i) => (inWindow(i) ? 30 : 0)),
      gauge('db', 'cpu', 100, (i) => (inWindow(i) ? 30 : 0)),
      gauge('api', 'latency', 100, (i) => (inWindow(i) && i >= 82 ? 10 : 0)),
      gauge('web', 'latency', 100, (i) => (inWindow(i) && i >= 83 ? 10 : 0)),
    ];
    const graph = [
      { caller: 'web', callee: 'api' },
      { caller: 'api', callee: 'db' },
    ];
    expect(order(caseOf(series, { graph }))[0]).toBe('batch'); // the graph step is off by default
    const ranked = rankRootCauses(caseOf(series, { graph }), { useGraph: true }).ranking;
    expect(ranked.map((c) => c.component)).toEqual(['db', 'batch', 'api', 'web']);
    expect(ranked[0]!.affectedCallers).toEqual(['api', 'web']);
  });

  it('is deterministic, ties broken by name', () => {
    const c = caseOf([gauge('b', 'x', 1), gauge('a', 'x', 1)]);
    expect(order(c)).toEqual(['a', 'b']);
    expect(rankRootCauses(c)).toEqual(rankRootCauses(c));
  });
});
