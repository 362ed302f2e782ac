/** Small order statistics shared by the forecasting methods. */

/** The median of a list (the mean of the middle two for an even count); NaN when empty. */
export function median(values: ArrayLike<number>): number {
  return quantileOf(values, 0.5);
}

/** The q-quantile (0..1) with linear interpolation between order statistics; NaN when empty. */
export function quantileOf(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const at = Math.min(n - 1, Math.max(0, q * (n - 1)));
  const lo = Math.floor(at);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** The mean absolute difference between two equally long lists. */
export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i]! - predicted[i]!);
  return sum / actual.length;
}

/** How many whole steps of `stepMs` make `periodMs` (at least 1). */
export function stepsIn(periodMs: number, stepMs: number): number {
  return Math.max(1, Math.round(periodMs / stepMs));
}

/** One day and one week in milliseconds: the seasons of machine metrics. */
export const DAY_MS = 86_400_000;
/** One week in milliseconds. */
export const WEEK_MS = 7 * DAY_MS;
