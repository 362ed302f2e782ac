import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createDensityNovelty, updateDensityNovelty } from './density-novelty.js';
import { createExceedance, updateExceedance } from './exceedance.js';
import { normalTail } from './gaussian.js';
import { createKnnNovelty, updateKnnNovelty } from './knn-novelty.js';
import { createRangeNovelty, updateRangeNovelty } from './range-novelty.js';
import { createRing, pushRing, ringAt, ringMean, ringVariance } from './ring.js';
import { countWithin, createSortedWindow, medianAbsDeviation, pushSorted, quantile } from './sorted-window.js';

const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 });

describe('sorted window', () => {
  test('quantiles and MAD match a sort of the last `capacity` values', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 50 }), (xs, capacity) => {
        const w = createSortedWindow(capacity);
        for (const x of xs) pushSorted(w, x);
        // The window keeps -0 as 0 (so removing it finds what was inserted).
        const kept = xs
          .slice(-capacity)
          .map((x) => x + 0)
          .sort((a, b) => a - b);
        expect(w.sorted).toEqual(kept);
        const median = quantile(w, 0.5);
        const deviations = kept.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
        expect(medianAbsDeviation(w, median)).toBeCloseTo(deviations[(kept.length - 1) >> 1]!, 6);
      }),
    );
  });
});

test('countWithin counts the kept values inside a closed interval', () => {
  fc.assert(
    fc.property(
      values,
      fc.integer({ min: 1, max: 50 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      (xs, capacity, lo, width) => {
        const w = createSortedWindow(capacity);
        for (const x of xs) pushSorted(w, x);
        const hi = lo + width;
        const expected = xs.slice(-capacity).filter((x) => x >= lo && x <= hi).length;
        expect(countWithin(w, lo, hi)).toBe(expected);
      },
    ),
  );
  const w = createSortedWindow(10);
  for (const x of [1, 2, 2, 2, 3]) pushSorted(w, x);
  expect(countWithin(w, 2, 2)).toBe(3);
});

describe('ring', () => {
  test('mean, variance and look-back agree with the last `capacity` values', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 50 }), (xs, capacity) => {
        const r = createRing(capacity);
        for (const x of xs) pushRing(r, x);
        const kept = xs.slice(-capacity);
        const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
        const variance = kept.reduce((a, b) => a + (b - mean) ** 2, 0) / kept.length;
        expect(ringMean(r)).toBeCloseTo(mean, 3);
        expect(Math.abs(ringVariance(r) - variance)).toBeLessThan(1e-3 * (1 + variance));
        expect(ringAt(r, 0)).toBe(kept.at(-1));
        expect(ringAt(r, kept.length - 1)).toBe(kept[0]);
      }),
    );
  });
});

test('the normal tail is accurate far out, where log-scaled scores live', () => {
  expect(normalTail(0)).toBeCloseTo(0.5, 6);
  expect(normalTail(3) / 0.0013498980316301).toBeCloseTo(1, 5);
  expect(normalTail(6) / 9.865876450377e-10).toBeCloseTo(1, 4);
  expect(normalTail(-3)).toBeCloseTo(1 - 0.0013498980316301, 6);
});

describe('exceedance calibration', () => {
  test('values beyond the upper quantile of the history score above 0.5, usual ones below', () => {
    const e = createExceedance({ history: 200, upper: 0.99, learningPeriod: 50 });
    for (let i = 0; i < 200; i++) updateExceedance(e, (i * 37) % 100);
    expect(updateExceedance(e, 50).score).toBeLessThan(0.5);
    expect(updateExceedance(e, 150).score).toBeGreaterThan(0.5);
  });

  test('nothing is scored during the learning period', () => {
    const e = createExceedance({ learningPeriod: 10 });
    for (let i = 0; i < 10; i++) expect(updateExceedance(e, i * 1000).score).toBe(0);
  });
});

describe('range novelty', () => {
  test('a value beyond the learned range by more than the tolerance scores at least 0.5', () => {
    const r = createRangeNovelty({ warmup: 30, tolerance: 0.05 });
    for (let i = 0; i < 100; i++) expect(updateRangeNovelty(r, 10 + (i % 30))).toBe(0);
    expect(updateRangeNovelty(r, 40)).toBe(0); // within 5 % of the 10–39 range
    expect(updateRangeNovelty(r, 60)).toBeGreaterThanOrEqual(0.5);
  });

  test('with a horizon, an old extreme is forgotten', () => {
    const r = createRangeNovelty({ warmup: 10, tolerance: 0, horizon: 320 });
    updateRangeNovelty(r, 1000);
    for (let i = 0; i < 1000; i++) updateRangeNovelty(r, i % 10);
    expect(updateRangeNovelty(r, 500)).toBeGreaterThan(0.5);
  });
});

describe('k-NN pattern novelty', () => {
  test('a shape never seen before stands out against a repeating one', () => {
    const k = createKnnNovelty({ step: 2, dim: 5 });
    let quiet = 0;
    for (let i = 0; i < 3000; i++) {
      const score = updateKnnNovelty(k, Math.sin(i / 8));
      if (i >= 2000) quiet = Math.max(quiet, score);
    }
    let novel = 0;
    for (let i = 0; i < 20; i++) novel = Math.max(novel, updateKnnNovelty(k, i % 2 === 0 ? 1 : -1));
    expect(novel).toBeGreaterThan(0.5);
    expect(novel).toBeGreaterThan(quiet);
  });
});

describe('density novelty', () => {
  // A job that idles at 10 or runs at 90, never in between.
  const twoLevels = (i: number) => (Math.floor(i / 50) % 2 === 0 ? 10 : 90) + ((i * 7919) % 7) / 10;

  test('a value between two well-worn levels stands out although it is inside the range', () => {
    const d = createDensityNovelty();
    let quiet = 0;
    for (let i = 0; i < 6000; i++) {
      const score = updateDensityNovelty(d, twoLevels(i));
      if (i >= 5000) quiet = Math.max(quiet, score);
    }
    const between = updateDensityNovelty(d, 50);
    expect(between).toBeGreaterThan(0.5);
    expect(quiet).toBeLessThan(0.1);
    expect(d.neighbours).toBe(0);
  });

  test('values outside the recent range and values before warm-up are left to other components', () => {
    const d = createDensityNovelty({ warmup: 100 });
    for (let i = 0; i < 99; i++) expect(updateDensityNovelty(d, twoLevels(i))).toBe(0);
    for (let i = 99; i < 6000; i++) updateDensityNovelty(d, twoLevels(i));
    expect(updateDensityNovelty(d, 500)).toBe(0);
  });

  test('a metric that visits some rare place every few days does not alarm on each visit', () => {
    // Mostly near 10, with a burst to a different height every 701 points (about 2.4 days at 5 minutes):
    // a calibration of a few hundred points would see each burst as the rarest value yet.
    const bursty = (i: number) => (i % 701 === 0 ? 20 + ((i * 7919) % 61) : 10 + ((i * 31) % 5) / 10);
    const d = createDensityNovelty();
    const short = createDensityNovelty({ calibration: 500, upper: 0.999 });
    let alarms = 0;
    let shortAlarms = 0;
    for (let i = 0; i < 30000; i++) {
      if (updateDensityNovelty(d, bursty(i)) > 0.5 && i > 6000) alarms++;
      if (updateDensityNovelty(short, bursty(i)) > 0.5 && i > 6000) shortAlarms++;
    }
    expect(alarms).toBe(0);
    expect(shortAlarms).toBeGreaterThan(10);
  });
});

describe('range novelty while young', () => {
  test('a small excess is forgiven right after warm-up but not once the range is well learned', () => {
    const young = createRangeNovelty({ warmup: 100, tolerance: 0.02, youngTolerance: 0.03 });
    const old = createRangeNovelty({ warmup: 100, tolerance: 0.02, youngTolerance: 0.03 });
    for (let i = 0; i < 100; i++) updateRangeNovelty(young, i % 50);
    for (let i = 0; i < 10000; i++) updateRangeNovelty(old, i % 50);
    // 4 % of the 0–49 range above its top: within 2 % + 3 % at first, beyond 2 % + 0.3 % later.
    expect(updateRangeNovelty(young, 51)).toBe(0);
    expect(updateRangeNovelty(old, 51)).toBeGreaterThanOrEqual(0.5);
  });
});
