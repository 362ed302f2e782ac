import { normalQuantile } from './normal.js';
import { seasonShape } from './profile.js';
import { median, quantileOf } from './stats.js';
import type { Forecast } from './types.js';

/** A robust straight-line trend with a confidence interval on its slope. */
export interface Trend {
  /** Median slope, in value units per step. */
  slope: number;
  /** The slope's confidence interval (Sen's, from the ranks of the pairwise slopes). */
  slopeLower: number;
  slopeUpper: number;
  /** The trend line's value at the last step. */
  last: number;
  /** Kendall's tau between time and value, −1..1: how steadily the series moves one way. */
  tau: number;
  /** Residuals of the points around the line (value − line), in time order. */
  residuals: number[];
  /** How many points the line was fitted on (after block medians). */
  points: number;
  /** The level of the slope's confidence interval. */
  level: number;
}

/** The most points the pairwise-slope fit works on; longer series are reduced to medians of blocks. */
export const MAX_TREND_POINTS = 240;

/**
 * Fits a Theil–Sen line (the median of all pairwise slopes) with Sen's confidence interval.
 * Robust to spikes and to a few missing or wild values, unlike least squares. Series longer than
 * MAX_TREND_POINTS are first reduced to medians of equal blocks, which also damps noise.
 * The interval assumes independent residuals; metrics are autocorrelated, so callers widen it
 * with the residual spread (see `trendForecast`).
 */
export function theilSen(values: ArrayLike<number>, level = 0.8): Trend {
  const n = values.length;
  if (n < 3) throw new RangeError(`a trend needs at least 3 values, got ${n}`);
  const block = Math.ceil(n / MAX_TREND_POINTS);
  const xs: number[] = [];
  const ys: number[] = [];
  // Blocks end at the last value, so the newest data is never averaged with a partial block.
  for (let end = n; end > 0; end -= block) {
    const start = Math.max(0, end - block);
    xs.push((start + end - 1) / 2);
    ys.push(median(Array.prototype.slice.call(values, start, end) as number[]));
  }
  xs.reverse();
  ys.reverse();
  const m = xs.length;
  const slopes: number[] = [];
  let concordance = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const s = (ys[j]! - ys[i]!) / (xs[j]! - xs[i]!);
      slopes.push(s);
      concordance += Math.sign(s);
    }
  }
  slopes.sort((a, b) => a - b);
  const pairs = slopes.length;
  const slope = quantileOf(slopes, 0.5);
  const spread = normalQuantile((1 + level) / 2) * Math.sqrt((m * (m - 1) * (2 * m + 5)) / 18);
  const slopeLower = slopes[Math.max(0, Math.floor((pairs - spread) / 2))]!;
  const slopeUpper = slopes[Math.min(pairs - 1, Math.ceil((pairs + spread) / 2))]!;
  const intercept = median(ys.map((y, i) => y - slope * xs[i]!));
  const residuals: number[] = [];
  for (let i = 0; i < n; i++) residuals.push(values[i]! - (intercept + slope * i));
  return {
    slope,
    slopeLower,
    slopeUpper,
    last: intercept + slope * (n - 1),
    tau: pairs > 0 ? concordance / pairs : 0,
    residuals,
    points: m,
    level,
  };
}

/** Rounds of backfitting line and season in {@link trendForecast}: the slope's error halves each round. */
const SEASON_ROUNDS = 6;

/** A trend forecast, with the fitted trend it extends. */
export interface TrendForecast extends Forecast {
  trend: Trend;
}

/**
 * Extends a Theil–Sen trend `horizon` steps ahead. The band at step k is the line with the
 * slope's lower (upper) limit plus the residuals' lower (upper) quantile: the uncertainty of the
 * direction and the swing around it (bursts) both count. With a `period` (in steps) and at least
 * two periods of values, the season's shape is taken out before the line is fitted (a daily wave
 * cut at an odd phase would tilt it) and added back to the forecast, so a series whose daily
 * peaks approach a limit is seen reaching it before its average does.
 */
export function trendForecast(values: ArrayLike<number>, horizon: number, level = 0.8, period = 0): TrendForecast {
  const n = values.length;
  const seasonal = period > 1 && n >= 2 * period;
  // shape[p] is the deviation at phase p counted from the step after the last value.
  const phase = (i: number) => (((i - n) % period) + period) % period;
  let shape: number[] | undefined;
  if (seasonal) {
    // Backfitting, as in STL: the shape is taken from the values with the line removed, and the line
    // from the values with the shape removed. Taken from the raw values, a steady fill looks like a
    // daily ramp (each day's deviations from its median run low to high), the shape absorbs about
    // half of it and the line sees half the rate; each round halves what is left of that error, and
    // a strong wave tilts the first line, which the rounds also correct.
    let line = { last: 0, slope: 0 };
    for (let round = 0; round < SEASON_ROUNDS; round++) {
      const { last, slope } = line;
      const detrended = Array.from({ length: n }, (_, i) => values[i]! - (last - slope * (n - 1 - i)));
      shape = seasonShape(detrended, period, Math.floor(n / period), 2);
      const s = shape;
      line = theilSen(
        Array.from({ length: n }, (_, i) => values[i]! - s[phase(i)]!),
        level,
      );
    }
  }
  const adjusted = shape ? Array.from({ length: n }, (_, i) => values[i]! - shape[phase(i)]!) : values;
  const trend = theilSen(adjusted, level);
  const low = quantileOf(trend.residuals, (1 - level) / 2);
  const high = quantileOf(trend.residuals, (1 + level) / 2);
  const point: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  for (let k = 1; k <= horizon; k++) {
    const s = shape ? shape[(k - 1) % period]! : 0;
    point.push(trend.last + trend.slope * k + s);
    lower.push(trend.last + trend.slopeLower * k + s + low);
    upper.push(trend.last + trend.slopeUpper * k + s + high);
  }
  return { point, lower, upper, level, method: shape ? 'theil-sen+season' : 'theil-sen', trend };
}
