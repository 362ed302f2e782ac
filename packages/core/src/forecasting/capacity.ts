import { autoForecast } from './auto.js';
import { DAY_MS, median, stepsIn } from './stats.js';
import { trendForecast } from './trend.js';
import type { Forecast } from './types.js';

/** When a forecast first reaches a limit, in steps after the last value (1 = the next step). */
export interface Crossing {
  /** The central forecast reaches the limit; undefined if it does not within the forecast. */
  expected?: number;
  /** The upper band reaches it: the early end of the interval. */
  earliest?: number;
  /** The lower band reaches it: the late end of the interval; undefined means "not within the forecast". */
  latest?: number;
}

/** The first steps at which a forecast's point, upper and lower bands reach `limit` from below. */
export function firstCrossing(forecast: Forecast, limit: number): Crossing {
  const first = (series: number[]) => {
    const i = series.findIndex((v) => v >= limit);
    return i < 0 ? undefined : i + 1;
  };
  return { expected: first(forecast.point), earliest: first(forecast.upper), latest: first(forecast.lower) };
}

/** Settings of a time-to-capacity prediction. */
export interface CapacityOptions {
  /** The series' step in milliseconds. */
  stepMs: number;
  /** The limit in the series' unit: a disk's size in bytes, 100 for a percentage, a link's bytes per second. */
  capacity: number;
  /** Coverage of the interval, between 0 and 1 (default 0.8). */
  level?: number;
  /** How far ahead to look (default 7 days). */
  lookaheadMs?: number;
  /** How much recent history the trend is fitted on (default 3 days). */
  historyMs?: number;
}

/** What a time-to-capacity prediction found. */
export interface CapacityPrediction {
  /**
   * `reached`: the latest values are at or over capacity; `expected`: the central forecast reaches
   * it within the look-ahead; `possible`: only the upper band does; `not-expected`: neither does;
   * `insufficient-history`: too few values to say.
   */
  status: 'reached' | 'expected' | 'possible' | 'not-expected' | 'insufficient-history';
  /** Time from the last value until the central forecast reaches capacity. */
  expectedMs?: number;
  /** The interval's early end. */
  earliestMs?: number;
  /** The interval's late end; undefined means beyond the look-ahead. */
  latestMs?: number;
  /** The current level (median of the last few values). */
  current: number;
  /** The robust trend, in value units per hour. */
  trendPerHour: number;
  capacity: number;
  level: number;
  lookaheadMs: number;
}

/** The fewest values a capacity prediction is made from. */
export const MIN_CAPACITY_HISTORY = 12;

/**
 * Predicts when a series with a known capacity reaches it, with an interval: the earlier of two
 * forecasts' crossings, the automatic forecaster's over the next day (which sees a daily peak
 * coming) and a Theil–Sen trend's over the whole look-ahead (which sees a slow fill coming).
 *
 * @example
 * const p = timeToCapacity(usedBytes, { stepMs: 60_000, capacity: diskBytes });
 * // p.status === 'expected', p.expectedMs ≈ 6 h, p.earliestMs ≈ 4 h, p.latestMs ≈ 9 h
 */
export function timeToCapacity(values: ArrayLike<number>, options: CapacityOptions): CapacityPrediction {
  const { stepMs, capacity } = options;
  const level = options.level ?? 0.8;
  const lookaheadMs = options.lookaheadMs ?? 7 * DAY_MS;
  if (!(stepMs > 0)) throw new RangeError(`stepMs must be positive (got ${stepMs})`);
  if (!Number.isFinite(capacity)) throw new RangeError(`capacity must be a finite number (got ${capacity})`);
  if (!(lookaheadMs >= stepMs)) throw new RangeError(`lookaheadMs must be at least one step (got ${lookaheadMs})`);
  const n = values.length;
  const base = { capacity, level, lookaheadMs };
  if (n < MIN_CAPACITY_HISTORY) {
    const current = n > 0 ? median(Array.prototype.slice.call(values, Math.max(0, n - 3)) as number[]) : Number.NaN;
    return { status: 'insufficient-history', current, trendPerHour: 0, ...base };
  }
  const current = median(Array.prototype.slice.call(values, n - 3) as number[]);
  const recent = Array.prototype.slice.call(
    values,
    Math.max(0, n - stepsIn(options.historyMs ?? 3 * DAY_MS, stepMs)),
  ) as number[];
  const lookahead = Math.max(1, Math.floor(lookaheadMs / stepMs));
  const day = stepsIn(DAY_MS, stepMs);
  const long = trendForecast(recent, lookahead, level, day);
  const trendPerHour = long.trend.slope * (3_600_000 / stepMs);
  if (current >= capacity)
    return { status: 'reached', expectedMs: 0, earliestMs: 0, latestMs: 0, current, trendPerHour, ...base };

  const nearTerm = Math.min(lookahead, day);
  const crossings = [
    firstCrossing(long, capacity),
    firstCrossing(autoForecast(values, { horizon: nearTerm, stepMs, level }), capacity),
  ];
  const earliestOf = (pick: (c: Crossing) => number | undefined) =>
    crossings.reduce<number | undefined>((best, c) => {
      const v = pick(c);
      return v !== undefined && (best === undefined || v < best) ? v : best;
    }, undefined);
  const expected = earliestOf((c) => c.expected);
  let earliest = earliestOf((c) => c.earliest);
  let latest = earliestOf((c) => c.latest);
  // The bands of two models need not nest: keep the interval around the central estimate.
  if (expected !== undefined) {
    earliest = earliest === undefined ? expected : Math.min(earliest, expected);
    if (latest !== undefined) latest = Math.max(latest, expected);
  }
  const ms = (steps: number | undefined) => (steps === undefined ? undefined : steps * stepMs);
  const status = expected !== undefined ? 'expected' : earliest !== undefined ? 'possible' : 'not-expected';
  return {
    status,
    expectedMs: ms(expected),
    earliestMs: ms(earliest),
    latestMs: ms(latest),
    current,
    trendPerHour,
    ...base,
  };
}
