/**
 * The evaluation protocol of `bench:forecast` (issue 10 §2), as pure functions: where the
 * forecast origins are, how far ahead, which seasonal naive is the yardstick, and how one
 * series is scored. See README.md for the reasoning behind each choice.
 */
import { DAY_MS, meanAbsoluteError, seasonalNaive, WEEK_MS } from '@aurora/core';

/** Forecast origins per series. */
export const ORIGINS = 20;
/** The longest horizon, in points. */
export const MAX_HORIZON = 288;
/** The first origin sits at this fraction of the series. */
export const FIRST_ORIGIN_FRACTION = 0.8;

/** The series' step: the median gap between consecutive timestamps (NAB files have a few gaps and repeats). */
export function stepOf(times: ArrayLike<number>): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    if (gap > 0) gaps.push(gap);
  }
  if (gaps.length === 0) throw new Error('the series has no two distinct timestamps, so it has no step');
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

/** H: one day of the series' step, at most 288 points. */
export function horizonFor(stepMs: number): number {
  return Math.max(1, Math.min(MAX_HORIZON, Math.round(DAY_MS / stepMs)));
}

/**
 * The 20 origins, spread evenly from 80 % of the series to its end minus H (rounded to whole
 * points). Undefined when the last 20 % of the series is shorter than H, so no origin fits.
 */
export function originsFor(length: number, horizon: number, count = ORIGINS): number[] | undefined {
  const first = Math.floor(FIRST_ORIGIN_FRACTION * length);
  const last = length - horizon;
  if (last < first || first < 1) return undefined;
  return Array.from({ length: count }, (_, i) => first + Math.round((i * (last - first)) / (count - 1)));
}

/**
 * The yardstick's season at an origin: one day, or one week where seasonal naive with a week
 * had the smaller mean absolute error over the last week of data before the origin (both
 * judged on the same points). A week needs at least a week plus H of history to be judged.
 */
export function seasonalNaivePeriod(values: ArrayLike<number>, origin: number, stepMs: number): number {
  const day = Math.max(1, Math.round(DAY_MS / stepMs));
  const week = Math.max(1, Math.round(WEEK_MS / stepMs));
  const from = Math.max(week, origin - week);
  if (origin - from < horizonFor(stepMs)) return day;
  let dayError = 0;
  let weekError = 0;
  for (let t = from; t < origin; t++) {
    dayError += Math.abs(values[t]! - values[t - day]!);
    weekError += Math.abs(values[t]! - values[t - week]!);
  }
  return weekError < dayError ? week : day;
}

/** One origin's outcome. */
export interface OriginScore {
  origin: number;
  /** The seasonal naive season used, in points. */
  period: number;
  seasonalNaiveMae: number;
  /** Each model's MAE at this origin. */
  mae: Record<string, number>;
}

/** A model's forecast at one origin: points, and an interval where the model gives one. */
export interface ModelForecast {
  point: number[];
  /** Set when the model failed at this origin and seasonal naive's forecast stands in (counted). */
  failed?: boolean;
  lower?: number[];
  upper?: number[];
}

/** Forecasts H points from the values before an origin. */
export type ForecastFn = (history: Float64Array, horizon: number, stepMs: number) => ModelForecast;

/** One series scored for every model. */
export interface SeriesScore {
  /** Geometric mean over scored origins of model MAE / seasonal naive MAE, per model. */
  relativeMae: Record<string, number>;
  /** Per model that gives intervals: the share of actual values inside them, over the scored origins. */
  coverage: Record<string, number>;
  /** Origins whose seasonal naive forecast was exact (MAE 0), left out of the mean. */
  skippedOrigins: number;
  /** Per model that failed somewhere: the origins where it did (scored as seasonal naive, 1.0). */
  failedOrigins: Record<string, number>;
  origins: OriginScore[];
}

/**
 * Scores every model on one series by the protocol. Models see only the values before each
 * origin. Returns undefined for a series too short to place an origin.
 */
export function scoreSeries(
  values: Float64Array,
  stepMs: number,
  models: Record<string, ForecastFn>,
): SeriesScore | undefined {
  const horizon = horizonFor(stepMs);
  const day = Math.round(DAY_MS / stepMs);
  const origins = originsFor(values.length, horizon);
  if (origins === undefined || origins[0]! < day) return undefined;
  const logSums: Record<string, number> = Object.fromEntries(Object.keys(models).map((m) => [m, 0]));
  const inside: Record<string, number> = {};
  const failed: Record<string, number> = {};
  const scored: OriginScore[] = [];
  let skipped = 0;
  for (const origin of origins) {
    const history = values.subarray(0, origin);
    const actual = values.subarray(origin, origin + horizon);
    const period = seasonalNaivePeriod(values, origin, stepMs);
    const seasonalNaiveMae = meanAbsoluteError(actual, seasonalNaive(history, horizon, period));
    if (seasonalNaiveMae === 0) {
      skipped++;
      continue;
    }
    const mae: Record<string, number> = {};
    for (const [name, forecast] of Object.entries(models)) {
      const f = forecast(history, horizon, stepMs);
      if (f.failed) failed[name] = (failed[name] ?? 0) + 1;
      if (f.point.length !== horizon || f.point.some((v) => !Number.isFinite(v))) {
        throw new Error(`model ${name} did not forecast ${horizon} finite values at origin ${origin}`);
      }
      mae[name] = meanAbsoluteError(actual, f.point);
      logSums[name]! += Math.log(mae[name]! / seasonalNaiveMae);
      if (f.lower && f.upper) {
        let hits = 0;
        for (let h = 0; h < horizon; h++) if (actual[h]! >= f.lower[h]! && actual[h]! <= f.upper[h]!) hits++;
        inside[name] = (inside[name] ?? 0) + hits;
      }
    }
    scored.push({ origin, period, seasonalNaiveMae, mae });
  }
  const relativeMae = Object.fromEntries(
    Object.keys(models).map((m) => [m, scored.length > 0 ? Math.exp(logSums[m]! / scored.length) : Number.NaN]),
  );
  const coverage = Object.fromEntries(Object.entries(inside).map(([m, hits]) => [m, hits / (scored.length * horizon)]));
  return { relativeMae, coverage, skippedOrigins: skipped, failedOrigins: failed, origins: scored };
}
