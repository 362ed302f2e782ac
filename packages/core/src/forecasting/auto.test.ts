import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { synthetic } from '../testing/synthetic-series.js';
import { autoForecast, DEFAULT_METHODS } from './auto.js';
import { holtWintersForecast, runHoltWinters } from './holt-winters.js';
import { profileForecast } from './profile.js';
import { seasonalNaive } from './seasonal-naive.js';
import { meanAbsoluteError } from './stats.js';

const FIVE_MINUTES = 300_000;

describe('autoForecast', () => {
  it('forecasts a noisy daily wave better than seasonal naive, with an interval that holds most of the truth', () => {
    const series = synthetic({ length: 10 * 288, base: 50, amplitude: 20, sigma: 4, seed: 7 });
    const history = series.slice(0, 9 * 288);
    const actual = series.slice(9 * 288);
    const f = autoForecast(history, { horizon: 288, stepMs: FIVE_MINUTES });
    const naive = seasonalNaive(history, 288, 288);
    // On a wave plus Gaussian noise the best possible ratio is 1/√2 ≈ 0.71 (naive carries two noises).
    expect(meanAbsoluteError(actual, f.point)).toBeLessThan(0.85 * meanAbsoluteError(actual, naive));
    const inside = actual.filter((a, h) => a >= f.lower[h]! && a <= f.upper[h]!).length / actual.length;
    expect(inside).toBeGreaterThan(0.7);
    expect(inside).toBeLessThan(0.95);
    expect(f.method).toMatch(/profile|holt|seasonal/);
  });

  it('forecasts a flat noisy series at its level rather than copying yesterday’s noise', () => {
    const series = synthetic({ length: 6 * 288, base: 10, sigma: 2, seed: 3 });
    const f = autoForecast(series.slice(0, 5 * 288), { horizon: 288, stepMs: FIVE_MINUTES });
    const actual = series.slice(5 * 288);
    expect(meanAbsoluteError(actual, f.point)).toBeLessThan(
      0.8 * meanAbsoluteError(actual, seasonalNaive(series.slice(0, 5 * 288), 288, 288)),
    );
    for (const p of f.point) expect(Math.abs(p - 10)).toBeLessThan(1);
  });

  it('gives the same forecast for the same input', () => {
    const series = synthetic({ length: 4 * 288, base: 5, amplitude: 2, sigma: 1, seed: 11 });
    expect(autoForecast(series, { horizon: 100, stepMs: FIVE_MINUTES })).toEqual(
      autoForecast(Float64Array.from(series), { horizon: 100, stepMs: FIVE_MINUTES }),
    );
  });

  it('still forecasts from a handful of values, falling back to fewer backtests', () => {
    const f = autoForecast([1, 2, 3, 2, 1, 2, 3], { horizon: 3, stepMs: FIVE_MINUTES });
    expect(f.point).toHaveLength(3);
    for (const v of f.point) expect(Number.isFinite(v)).toBe(true);
  });

  it('refuses settings it cannot honour, naming them', () => {
    expect(() => autoForecast([1, 2, 3], { horizon: 0, stepMs: 1000 })).toThrow(/horizon/);
    expect(() => autoForecast([1, 2, 3], { horizon: 2, stepMs: 0 })).toThrow(/stepMs/);
    expect(() => autoForecast([1, 2, 3], { horizon: 2, stepMs: 1000, level: 1 })).toThrow(/level/);
    expect(() => autoForecast([], { horizon: 2, stepMs: 1000 })).toThrow(/no values/);
  });

  it('returns finite points with lower <= upper for any finite series (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(1_000, 60_000, 300_000, 3_600_000),
        (values, horizon, stepMs) => {
          const f = autoForecast(values, { horizon, stepMs });
          expect(f.point).toHaveLength(horizon);
          f.point.forEach((p, h) => {
            expect(Number.isFinite(p)).toBe(true);
            expect(f.lower[h]!).toBeLessThanOrEqual(f.upper[h]!);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the candidate methods', () => {
  it('seasonal naive repeats the last season', () => {
    expect(seasonalNaive([1, 2, 3, 4, 5, 6], 4, 3)).toEqual([4, 5, 6, 4]);
    expect(() => seasonalNaive([1, 2], 1, 3)).toThrow(/needs 3 values/);
  });

  it('a seasonal profile ignores a one-off burst in one past season', () => {
    const day = 24;
    const series = synthetic({ length: 7 * day, base: 10, amplitude: 5, day, seed: 1 });
    series[6 * day + 5] = 1000;
    const f = profileForecast(series, day, day, 7, 6, 0);
    expect(Math.abs(f[5]! - series[5 * day + 5]!)).toBeLessThan(0.5);
  });

  it('Holt-Winters with a season follows a clean wave', () => {
    const day = 24;
    const series = synthetic({ length: 8 * day, base: 10, amplitude: 5, day, seed: 1 });
    const fit = runHoltWinters(series, day, { alpha: 0.2, beta: 0, gamma: 0.1, phi: 0 });
    const f = holtWintersForecast(fit, day);
    const truth = synthetic({ length: 9 * day, base: 10, amplitude: 5, day, seed: 1 }).slice(8 * day);
    expect(meanAbsoluteError(truth, f)).toBeLessThan(0.2);
  });

  it('every default method says how much history it needs and forecasts from that much', () => {
    const series = synthetic({ length: 5000, base: 3, amplitude: 1, sigma: 0.1 });
    for (const m of DEFAULT_METHODS) {
      const options = { horizon: 12, stepMs: 3_600_000 };
      const f = m.predict(series.slice(0, Math.max(1, m.minHistory(options))), options);
      expect(f, m.name).toHaveLength(12);
    }
  });
});
