import { describe, expect, it } from 'vitest';
import { synthetic } from '../testing/synthetic-series.js';
import { firstCrossing, MIN_CAPACITY_HISTORY, timeToCapacity } from './capacity.js';
import { describeCapacity, formatDuration } from './describe.js';
import { memoryLeak } from './leak.js';
import { normalQuantile } from './normal.js';
import { timeToSaturation } from './saturation.js';
import { theilSen } from './trend.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const GIB = 2 ** 30;

describe('timeToCapacity', () => {
  it('a disk filling at 1 GiB/h with 6 GiB left is full in about 6 h, and the interval holds 6 h', () => {
    // 12 hours of minute samples, 50 MiB of noise, 94 GiB used of 100 at the end.
    const used = synthetic({ length: 720, base: 82 * GIB, slope: GIB / 60, sigma: 0.05 * GIB, seed: 5 });
    const p = timeToCapacity(used, { stepMs: MINUTE, capacity: 100 * GIB });
    expect(p.status).toBe('expected');
    expect(p.expectedMs! / HOUR).toBeGreaterThan(5.5);
    expect(p.expectedMs! / HOUR).toBeLessThan(6.5);
    expect(p.earliestMs!).toBeLessThanOrEqual(6 * HOUR);
    expect(p.latestMs!).toBeGreaterThanOrEqual(6 * HOUR);
    expect(p.trendPerHour / GIB).toBeCloseTo(1, 1);
    expect(describeCapacity('disk /var on node-3', 'full', p)).toMatch(
      /^disk \/var on node-3 full in about \d(\.\d)? h \(80 % interval \d+(\.\d)? h–\d+(\.\d)? h\)$/,
    );
  });

  it('with days of history the daily shape taken out does not eat the fill rate', () => {
    // Three days at 5 minutes, filling 1 %/h to 94 %: the season fit must not halve the slope.
    const steady = synthetic({ length: 864, base: 22, slope: 1 / 12, sigma: 0.2, seed: 3 });
    const p = timeToCapacity(steady, { stepMs: 5 * MINUTE, capacity: 100 });
    expect(p.trendPerHour).toBeCloseTo(1, 1);
    expect(p.expectedMs! / HOUR).toBeGreaterThan(5);
    expect(p.expectedMs! / HOUR).toBeLessThan(7);
    // The same fill under a daily wave of ±3 %: the wave's peaks reach 100 % before the average does.
    const wavy = synthetic({ length: 864, base: 22, slope: 1 / 12, amplitude: 3, sigma: 0.2, seed: 3 });
    const w = timeToCapacity(wavy, { stepMs: 5 * MINUTE, capacity: 100 });
    expect(w.trendPerHour).toBeCloseTo(1, 1);
    expect(w.expectedMs! / HOUR).toBeLessThan(7);
  });

  it('a flat disk is not expected to fill, and says nothing', () => {
    const used = synthetic({ length: 720, base: 40 * GIB, sigma: 0.1 * GIB, seed: 2 });
    const p = timeToCapacity(used, { stepMs: MINUTE, capacity: 100 * GIB });
    expect(p.status).toBe('not-expected');
    expect(describeCapacity('disk /', 'full', p)).toBeUndefined();
  });

  it('a series already over capacity has reached it', () => {
    const p = timeToCapacity(new Array(30).fill(101), { stepMs: MINUTE, capacity: 100 });
    expect(p.status).toBe('reached');
    expect(describeCapacity('disk /', 'full', p)).toBe('disk / full now');
  });

  it('too little history is said so, not guessed at', () => {
    const p = timeToCapacity(new Array(MIN_CAPACITY_HISTORY - 1).fill(1), { stepMs: MINUTE, capacity: 2 });
    expect(p.status).toBe('insufficient-history');
  });

  it('a growth beyond the look-ahead is not expected, but its early end can be possible', () => {
    // 0.1 %/h from 90 %: 100 h away, with a 24 h look-ahead.
    const used = synthetic({ length: 24 * 60, base: 87.6, slope: 0.1 / 60, sigma: 0.5, seed: 9 });
    const p = timeToCapacity(used, { stepMs: MINUTE, capacity: 100, lookaheadMs: 24 * HOUR });
    expect(['not-expected', 'possible']).toContain(p.status);
    expect(p.expectedMs).toBeUndefined();
  });

  it('refuses a step or capacity it cannot use, naming it', () => {
    expect(() => timeToCapacity([1, 2, 3], { stepMs: 0, capacity: 1 })).toThrow(/stepMs/);
    expect(() => timeToCapacity([1, 2, 3], { stepMs: 1, capacity: Number.NaN })).toThrow(/capacity/);
  });

  it('firstCrossing reads the steps at which each band reaches a limit', () => {
    const crossing = firstCrossing(
      { point: [1, 2, 3, 4], lower: [0, 1, 2, 3], upper: [2, 3, 4, 5], level: 0.8, method: 'x' },
      3,
    );
    expect(crossing).toEqual({ expected: 3, earliest: 2, latest: 4 });
  });
});

describe('timeToSaturation', () => {
  it('sees CPU whose daily peaks are climbing saturate before its average does', () => {
    // Five days at 5 minutes: average 50 %, daily wave ±30, rising 4 points a day: peaks reach 95 % first.
    const day = 288;
    const cpu = synthetic({ length: 5 * day, base: 40, slope: 4 / day, amplitude: 30, day, sigma: 2, seed: 4 });
    const p = timeToSaturation(cpu, { stepMs: 5 * MINUTE, capacity: 100 });
    expect(p.capacity).toBe(95);
    expect(p.status).toBe('expected');
    // The average reaches 95 % only after about 9 more days; the peaks do within about 2.
    expect(p.expectedMs!).toBeLessThan(3 * 24 * HOUR);
  });

  it('refuses a saturation share outside (0, 1]', () => {
    expect(() => timeToSaturation([1, 2, 3], { stepMs: 1, capacity: 1, saturatedAt: 1.5 })).toThrow(/saturatedAt/);
  });
});

describe('memoryLeak', () => {
  it('finds a steady climb and predicts when memory runs out', () => {
    // 8 GiB machine, 120 MiB/h for 12 h at 1-minute steps, starting at 4 GiB.
    const rate = (120 * 2 ** 20) / 60;
    const used = synthetic({ length: 720, base: 4 * GIB, slope: rate, sigma: 20 * 2 ** 20, seed: 8 });
    const report = memoryLeak(used, { stepMs: MINUTE, capacity: 8 * GIB });
    expect(report.leaking).toBe(true);
    expect(report.growthPerHour / 2 ** 20).toBeGreaterThan(110);
    expect(report.growthPerHour / 2 ** 20).toBeLessThan(130);
    expect(report.growthPerHourLower).toBeLessThanOrEqual(report.growthPerHour);
    expect(report.exhaustion?.status).toBe('expected');
    // (8 − 4 − 1.4) GiB left at 120 MiB/h: about 22 h.
    expect(report.exhaustion!.expectedMs! / HOUR).toBeGreaterThan(19);
    expect(report.exhaustion!.expectedMs! / HOUR).toBeLessThan(25);
  });

  it('does not call a garbage-collected sawtooth a leak', () => {
    const used = Array.from({ length: 720 }, (_, i) => 2 * GIB + (i % 30) * 10 * 2 ** 20);
    expect(memoryLeak(used, { stepMs: MINUTE }).leaking).toBe(false);
  });

  it('does not call one step up a leak', () => {
    const used = synthetic({ length: 720, base: 2 * GIB, sigma: 2 ** 20, seed: 3 }).map((v, i) =>
      i > 540 ? v + GIB : v,
    );
    expect(memoryLeak(used, { stepMs: MINUTE }).leaking).toBe(false);
  });

  it('does not judge a climb shorter than the least span', () => {
    const used = Array.from({ length: 60 }, (_, i) => i * 2 ** 20);
    expect(memoryLeak(used, { stepMs: MINUTE }).leaking).toBe(false);
    expect(memoryLeak(used, { stepMs: MINUTE, minSpanMs: 30 * MINUTE }).leaking).toBe(true);
  });
});

describe('building blocks', () => {
  it('Theil–Sen keeps the slope through a burst of outliers', () => {
    const values = Array.from({ length: 200 }, (_, i) => 3 * i + (i % 17 === 0 ? 10_000 : 0));
    const t = theilSen(values);
    expect(t.slope).toBeCloseTo(3, 5);
    expect(t.tau).toBeGreaterThan(0.8);
  });

  it('the normal quantile matches known values', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815516, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(() => normalQuantile(1)).toThrow(/between 0 and 1/);
  });

  it('durations read as an operator says them', () => {
    expect(formatDuration(20 * MINUTE)).toBe('20 min');
    expect(formatDuration(6 * HOUR)).toBe('6 h');
    expect(formatDuration(4.25 * HOUR)).toBe('4.3 h');
    expect(formatDuration(30 * HOUR)).toBe('30 h');
    expect(formatDuration(60 * HOUR)).toBe('2.5 d');
  });
});
