import { stepsIn } from './stats.js';
import type { ForecastOptions, PointMethod } from './types.js';

/** Repeats the last full season: y[t + h] = y[t + h − period]. */
export function seasonalNaive(values: ArrayLike<number>, horizon: number, period: number): number[] {
  const n = values.length;
  if (n < period) throw new RangeError(`seasonal naive needs ${period} values, got ${n}`);
  const out = new Array<number>(horizon);
  for (let h = 0; h < horizon; h++) out[h] = values[n - period + (h % period)]!;
  return out;
}

/** Seasonal naive with a season given in milliseconds (one day, one week), as a selectable method. */
export function seasonalNaiveMethod(name: string, periodMs: number): PointMethod {
  return {
    name,
    minHistory: (o: ForecastOptions) => stepsIn(periodMs, o.stepMs),
    predict: (values, o) => seasonalNaive(values, o.horizon, stepsIn(periodMs, o.stepMs)),
  };
}
