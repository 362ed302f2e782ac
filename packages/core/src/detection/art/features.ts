/**
 * Turns a raw stream into the short feature vectors the resonance memory learns:
 * points are folded into blocks, each block is reduced to the value that strays
 * furthest from the running level (so a spike survives downsampling), the block
 * values are scaled into [0, 1] by the range learned so far and quantised, and
 * the last `window` of them become a vector of their shape (a Haar transform)
 * and their levels.
 */

/** A block of raw points being folded into one value (JSON-safe: no infinities). */
export interface BlockState {
  count: number;
  sum: number;
  max: number;
  min: number;
  /** Smoothed level of past blocks; null before the first block. */
  level: number | null;
}

/** Creates an empty block. */
export function createBlock(): BlockState {
  return { count: 0, sum: 0, max: 0, min: 0, level: null };
}

/** Folds one raw value into the block. */
export function addToBlock(b: BlockState, value: number): void {
  if (b.count === 0 || value > b.max) b.max = value;
  if (b.count === 0 || value < b.min) b.min = value;
  b.count++;
  b.sum += value;
}

/**
 * The value that represents the block: the extreme furthest from the smoothed
 * level, unless it is within 10 % of the block's mean, in which case the mean
 * (small wiggles are not worth a category). Returns the level to keep as well.
 */
export function blockValue(b: BlockState): { value: number; level: number } {
  const mean = b.sum / b.count;
  const level = b.level === null ? mean : (b.level + mean) / 2;
  let value = Math.abs(b.max - level) < Math.abs(b.min - level) ? b.min : b.max;
  if (Math.abs(value - mean) < 0.1 * Math.abs(mean)) value = mean;
  return { value, level };
}

/** Closes a block: keeps its smoothed level and empties it. */
export function closeBlock(b: BlockState, level: number): void {
  b.count = 0;
  b.sum = 0;
  b.max = 0;
  b.min = 0;
  b.level = level;
}

/** The value range used to scale block values into [0, 1]. */
export interface RangeState {
  low: number;
  high: number;
}

/** Scales `value` into [0, 1] by the range and quantises it to `levels` steps. */
export function scale(r: RangeState, value: number, levels: number): number {
  const span = r.high - r.low;
  const u = span > 0 ? (value - r.low) / span : value > r.high ? 1 : value < r.low ? 0 : 0.5;
  const clamped = Math.max(0, Math.min(1, u));
  return Math.round(clamped * levels) / levels;
}

/** Span used when every value seen so far was equal, so a later change still registers. */
export function flatSpan(value: number): number {
  return Math.max(1e-9, 0.1 * Math.abs(value));
}

const SQRT1_2 = Math.SQRT1_2;

/**
 * Full Haar decomposition of `x` (length a power of two) into `out`: the overall
 * average first, then details from coarse to fine.
 */
export function haar(x: ArrayLike<number>, out: Float64Array, tmp: Float64Array): void {
  let n = x.length;
  for (let k = 0; k < n; k++) tmp[k] = x[k]!;
  while (n > 1) {
    const half = n / 2;
    for (let k = 0; k < half; k++) {
      const a = tmp[2 * k]!;
      const b = tmp[2 * k + 1]!;
      out[k] = (a + b) * SQRT1_2;
      out[half + k] = (a - b) * SQRT1_2;
    }
    for (let k = 0; k < n; k++) tmp[k] = out[k]!;
    n = half;
  }
  for (let k = 0; k < x.length; k++) out[k] = tmp[k]!;
}

/** Stretches `x[from, to)` in place to span [0, 1] (left as is when constant after shifting to 0). */
function stretch(x: Float64Array, from: number, to: number): void {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = from; k < to; k++) {
    if (x[k]! < lo) lo = x[k]!;
    if (x[k]! > hi) hi = x[k]!;
  }
  const span = hi - lo;
  for (let k = from; k < to; k++) x[k] = span > 0 ? (x[k]! - lo) / span : x[k]! - lo;
}

/**
 * Writes the feature vector of a window of scaled block values (oldest first)
 * into `out` (length `2 · window.length`): the stretched Haar coefficients of
 * the stretched window (its shape), then the window itself (its levels).
 */
export function features(window: ArrayLike<number>, out: Float64Array, work: Float64Array): void {
  const n = window.length;
  const shape = work.subarray(0, n);
  const tmp = work.subarray(n, 2 * n);
  for (let k = 0; k < n; k++) shape[k] = window[k]!;
  stretch(shape, 0, n);
  haar(shape, out, tmp);
  stretch(out, 0, n);
  for (let k = 0; k < n; k++) out[n + k] = window[k]!;
}
