import { holtWintersMethod } from './holt-winters.js';
import { profileMethod } from './profile.js';
import { seasonalNaiveMethod } from './seasonal-naive.js';
import { DAY_MS, meanAbsoluteError, quantileOf, WEEK_MS } from './stats.js';
import type { Forecast, ForecastOptions, PointMethod } from './types.js';

const HOUR_MS = 3_600_000;

/** The methods the automatic forecaster chooses from, cheapest first (ties go to the earlier one). */
export const DEFAULT_METHODS: readonly PointMethod[] = [
  profileMethod('level-3h', { periodMs: 0, cycles: 1, levelMs: 3 * HOUR_MS, smooth: 0 }),
  profileMethod('level-1h', { periodMs: 0, cycles: 1, levelMs: HOUR_MS, smooth: 0 }),
  profileMethod('level-1d', { periodMs: 0, cycles: 1, levelMs: DAY_MS, smooth: 0 }),
  profileMethod('profile-day', { periodMs: DAY_MS, cycles: 7, levelMs: 3 * HOUR_MS, smooth: 2 }),
  profileMethod('profile-week', { periodMs: WEEK_MS, cycles: 4, levelMs: 3 * HOUR_MS, smooth: 1 }),
  seasonalNaiveMethod('seasonal-naive-day', DAY_MS),
  seasonalNaiveMethod('seasonal-naive-week', WEEK_MS),
  holtWintersMethod('holt-winters-none', 0),
];

/** Settings of the automatic forecaster. */
export interface AutoSettings {
  /** Candidate methods; the default list suits machine metrics sampled every few seconds to every hour. */
  methods?: readonly PointMethod[];
  /** How many past windows of one horizon each candidate is backtested on (default 3). */
  backtests?: number;
  /** How many of the best candidates are averaged step by step (default 1: the best alone). */
  combine?: number;
  /**
   * How many past windows the chosen forecast is replayed on for its interval (default 8, fewer
   * when the history is short). More than `backtests`: errors on the windows that chose the method
   * flatter it, and the interval would be too narrow.
   */
  intervalWindows?: number;
}

/** One candidate's backtest: its mean absolute error over the windows, and what it forecast in each. */
interface Backtest {
  method: PointMethod;
  mae: number;
  /** forecasts[w][h]: window w (1 = the most recent), step h. */
  forecasts: number[][];
}

/**
 * Forecasts a series by backtesting every candidate method on its own recent past (the last
 * `backtests` windows of one horizon each, forecast only from the data before each window),
 * keeping the one with the smallest mean absolute error, and taking the prediction interval
 * from that method's backtest errors (their quantiles, step by step, pooled over nearby steps).
 * Deterministic: the same values and options give the same forecast.
 *
 * @example
 * const f = autoForecast(cpuPercent, { horizon: 288, stepMs: 300_000 });
 * // f.point[287] is the median forecast one day ahead, f.lower/f.upper an 80 % interval.
 */
export function autoForecast(
  values: ArrayLike<number>,
  options: ForecastOptions,
  settings: AutoSettings = {},
): Forecast {
  const level = options.level ?? 0.8;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be between 0 and 1 (got ${level})`);
  if (!Number.isInteger(options.horizon) || options.horizon < 1) {
    throw new RangeError(`horizon must be a whole number of steps >= 1 (got ${options.horizon})`);
  }
  if (!(options.stepMs > 0)) throw new RangeError(`stepMs must be positive (got ${options.stepMs})`);
  if (values.length === 0) throw new RangeError('cannot forecast a series with no values');
  const methods = settings.methods ?? DEFAULT_METHODS;
  const windows = settings.backtests ?? 3;
  const tests = backtestAll(values, options, methods, windows);
  // Stable sort: among equal errors the earlier (simpler) method wins.
  const chosen = [...tests].sort((a, b) => a.mae - b.mae).slice(0, Math.max(1, settings.combine ?? 1));
  if (chosen.length === 0) {
    const method = methods.find((m) => m.minHistory(options) <= values.length) ?? methods[0]!;
    const point = method.predict(values, options);
    return { point, lower: [...point], upper: [...point], level, method: method.name };
  }
  const point = averageOf(chosen.map((t) => t.method.predict(values, options)));
  const errors: number[][] = [];
  for (let w = 1; w <= Math.max(windows, settings.intervalWindows ?? 8); w++) {
    const cut = values.length - w * options.horizon;
    if (chosen.some((t) => cut < t.method.minHistory(options))) break;
    const history = Array.prototype.slice.call(values, 0, cut) as number[];
    const forecast =
      w <= chosen[0]!.forecasts.length
        ? averageOf(chosen.map((t) => t.forecasts[w - 1]!))
        : averageOf(chosen.map((t) => t.method.predict(history, options)));
    errors.push(forecast.map((f, h) => values[cut + h]! - f));
  }
  const { lower, upper } = intervalFromErrors(point, errors, level);
  return { point, lower, upper, level, method: chosen.map((t) => t.method.name).join('+') };
}

function averageOf(forecasts: number[][]): number[] {
  return forecasts[0]!.map((_, h) => forecasts.reduce((sum, f) => sum + f[h]!, 0) / forecasts.length);
}

function backtestAll(
  values: ArrayLike<number>,
  options: ForecastOptions,
  methods: readonly PointMethod[],
  windows: number,
): Backtest[] {
  const { horizon } = options;
  const results: Backtest[] = [];
  for (const method of methods) {
    const forecasts: number[][] = [];
    let total = 0;
    for (let w = 1; w <= windows; w++) {
      const cut = values.length - w * horizon;
      if (cut < method.minHistory(options)) break;
      const history = Array.prototype.slice.call(values, 0, cut) as number[];
      const actual = Array.prototype.slice.call(values, cut, cut + horizon) as number[];
      const forecast = method.predict(history, options);
      forecasts.push(forecast);
      total += meanAbsoluteError(actual, forecast);
    }
    // A method is compared only over the windows every longer-lived method could also be tested on.
    if (forecasts.length === windows) results.push({ method, mae: total / windows, forecasts });
  }
  if (results.length === 0 && windows > 1) return backtestAll(values, options, methods, windows - 1);
  return results;
}

/**
 * The interval around each step: the (1 − level)/2 and (1 + level)/2 quantiles of the backtest's
 * signed errors at that step and its neighbours (a band of about a tenth of the horizon, at least
 * 20 errors), so short series still get an interval and it widens as the errors do.
 */
function intervalFromErrors(point: number[], errors: number[][], level: number): { lower: number[]; upper: number[] } {
  const horizon = point.length;
  if (errors.length === 0) return { lower: [...point], upper: [...point] };
  const half = Math.max(Math.ceil(horizon / 20), Math.ceil(10 / errors.length));
  const lower = new Array<number>(horizon);
  const upper = new Array<number>(horizon);
  for (let h = 0; h < horizon; h++) {
    const pool: number[] = [];
    for (const row of errors) {
      for (let j = Math.max(0, h - half); j <= Math.min(horizon - 1, h + half); j++) pool.push(row[j]!);
    }
    lower[h] = point[h]! + quantileOf(pool, (1 - level) / 2);
    upper[h] = point[h]! + quantileOf(pool, (1 + level) / 2);
  }
  return { lower, upper };
}
