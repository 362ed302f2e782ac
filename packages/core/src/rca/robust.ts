/**
 * Robust scaling of a series against its normal period, as RCAEval's BARO does it
 * (scikit-learn's RobustScaler: the median, and the distance between the 25th and 75th
 * percentiles), so one outlier in the normal period does not widen what counts as normal.
 */
import { median, quantileOf } from '../forecasting/stats.js';
import type { SeriesKind, TimeSpan } from './types.js';

/** Metric names Prometheus' conventions mark as cumulative counters. */
const COUNTER_SUFFIXES = ['_total', '_seconds_count', '_count', '_sum'];

/** Whether a metric's name says it is a cumulative counter (Prometheus naming: `_total`, `_count`, `_sum`). */
export function kindFromName(metric: string): SeriesKind {
  return COUNTER_SUFFIXES.some((s) => metric.endsWith(s)) ? 'counter' : 'gauge';
}

/**
 * Per-second rates of a counter between consecutive samples; the first sample has no rate (NaN).
 * A drop is a reset (a restart from zero, as Prometheus' `rate` reads it): the new value is the
 * increase since the restart.
 */
export function counterRates(times: ArrayLike<number>, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  let prevT = Number.NaN;
  let prevV = Number.NaN;
  for (let i = 0; i < values.length; i++) {
    const t = times[i]!;
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (Number.isFinite(prevV) && t > prevT) {
      const increase = v >= prevV ? v - prevV : v;
      out[i] = increase / ((t - prevT) / 1000);
    }
    prevT = t;
    prevV = v;
  }
  return out;
}

/** Where normal is and how wide it is. */
export interface RobustReference {
  median: number;
  /** The interquartile range, or a fallback when it is zero; always > 0. */
  spread: number;
  /** How many normal samples it was learned from. */
  samples: number;
}

/**
 * The median and spread of the samples inside the normal spans; undefined with fewer than
 * `minSamples`. When the interquartile range is zero (a series that barely moves), the spread
 * falls back to 1.4826 × the median absolute deviation, then to 1 % of the median's size, so a
 * flat series that moves scores by how far it moved relative to its level instead of dividing by zero.
 */
export function robustReference(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  normal: readonly TimeSpan[],
  minSamples = 5,
): RobustReference | undefined {
  const picked: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const t = times[i]!;
    if (normal.some((s) => t >= s.startMs && t < s.endMs)) picked.push(v);
  }
  if (picked.length < minSamples) return undefined;
  const m = median(picked);
  let spread = quantileOf(picked, 0.75) - quantileOf(picked, 0.25);
  if (!(spread > 0)) spread = 1.4826 * median(picked.map((v) => Math.abs(v - m)));
  if (!(spread > 0)) spread = Math.max(0.01 * Math.abs(m), 1e-9);
  return { median: m, spread, samples: picked.length };
}
