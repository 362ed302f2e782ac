import { describe, expect, it } from 'vitest';
import { createChangePoint, updateChangePoint } from './changepoint.js';

/** Deterministic standard-normal-ish noise (sum of four uniforms from a seeded LCG). */
function noise(seed: number): () => number {
  let x = seed;
  const uniform = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  return () => (uniform() + uniform() + uniform() + uniform() - 2) * Math.sqrt(3);
}

function scores(
  values: readonly number[],
  config: Parameters<typeof createChangePoint>[0] = {},
): { scores: number[]; state: ReturnType<typeof createChangePoint> } {
  const state = createChangePoint(config);
  return { scores: values.map((v) => updateChangePoint(state, v)), state };
}

describe('change-point novelty', () => {
  it('raises a level shift inside the range within a few points, and not before it', () => {
    const z = noise(3);
    // A latency that wanders between 80 and 120 with a rare excursion, then settles 12 higher.
    const values = Array.from({ length: 2500 }, (_, i) => 100 + 4 * z() + (i === 900 ? 20 : 0) + (i >= 2200 ? 12 : 0));
    const { scores: s } = scores(values);
    expect(Math.max(...s.slice(2200, 2210))).toBeGreaterThan(0.5);
    expect(s.slice(1200, 2195).filter((x) => x >= 0.5)).toEqual([]);
  });

  it('damps a change the metric keeps making (a daily job), and still raises a new one in full', () => {
    const z = noise(13);
    const day = 1440;
    // A CPU at 20 % with a 30-minute job at +25 points every day at the same time, for six days; then,
    // late on the last day, the level drops to 8 % and stays: a change unlike any the job makes.
    const job = (i: number) => (i % day >= 100 && i % day < 130 ? 25 : 0);
    const values = Array.from({ length: 6 * day }, (_, i) => 20 + z() + job(i) - (i >= 5 * day + 1200 ? 12 : 0));
    const withMemory = scores(values, { remember: 16 }).scores;
    const without = scores(values).scores;
    const jobStart = (s: number[], d: number) => Math.max(...s.slice(d * day + 100, d * day + 110));
    // The first settled job is news; by the fourth day its start is routine, which it is not without the memory.
    expect(jobStart(withMemory, 1)).toBeGreaterThan(0.5);
    expect(jobStart(withMemory, 4)).toBeLessThan(0.2);
    expect(jobStart(without, 4)).toBeGreaterThan(0.5);
    // The new level is raised as fully as without the memory.
    const shift = (s: number[]) => Math.max(...s.slice(5 * day + 1200, 5 * day + 1210));
    expect(shift(withMemory)).toBeGreaterThan(0.5);
    expect(shift(withMemory)).toBeCloseTo(shift(without), 6);
  });

  it('remembers at most `remember` changes', () => {
    const z = noise(17);
    const values = Array.from({ length: 30_000 }, (_, i) => 10 * Math.floor(i / 1100) + z());
    const { state } = scores(values, { remember: 4 });
    expect(state.history?.length).toBeLessThanOrEqual(12);
  });

  it('does not call a lone spike a new regime', () => {
    const z = noise(5);
    const values = Array.from({ length: 2000 }, (_, i) => 50 + z() + (i === 1500 ? 40 : 0));
    const { scores: s } = scores(values);
    expect(Math.max(...s.slice(1501, 1510))).toBeLessThan(0.5);
  });

  it('counts a change in proportion to how long the regime it left had lasted', () => {
    const z = noise(7);
    const shiftAfter = (settledFor: number) => {
      const values = Array.from({ length: settledFor + 20 }, (_, i) => 30 + z() + (i >= settledFor ? 8 : 0));
      return Math.max(...scores(values).scores.slice(settledFor));
    };
    expect(shiftAfter(1500)).toBeGreaterThan(0.9);
    expect(shiftAfter(300)).toBeLessThan(0.35);
  });

  it('keeps at most maxRuns hypotheses, however long the stream', () => {
    const z = noise(11);
    const state = createChangePoint({ maxRuns: 8 });
    for (let i = 0; i < 5000; i++) updateChangePoint(state, 10 * Math.sin(i / 50) + z());
    expect(state.runs.length).toBeLessThanOrEqual(8);
    const total = state.prob.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 9);
  });

  it('stays finite on a flat line, on values near the largest double and on a jump between them', () => {
    const state = createChangePoint();
    const inputs = [
      ...Array.from({ length: 300 }, () => 0),
      ...Array.from({ length: 50 }, () => 1.7e308),
      ...Array.from({ length: 50 }, () => -1.7e308),
      ...Array.from({ length: 50 }, () => 0),
    ];
    for (const v of inputs) {
      const score = updateChangePoint(state, v);
      expect(Number.isFinite(score)).toBe(true);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    expect(state.prob.every(Number.isFinite)).toBe(true);
  });
});
