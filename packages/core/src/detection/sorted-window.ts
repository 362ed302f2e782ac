/**
 * A sliding window that keeps its values both in arrival order (to know which
 * one leaves next) and sorted (for medians and quantiles in O(log n) lookups,
 * O(n) memmove on insert — cheap for the few hundred points we keep).
 *
 * The state is two plain arrays, so it snapshots as JSON directly.
 */
export interface SortedWindowState {
  capacity: number;
  /** Values in arrival order, oldest first. */
  fifo: number[];
  /** The same values sorted ascending. */
  sorted: number[];
}

/** Creates an empty window holding at most `capacity` values. */
export function createSortedWindow(capacity: number): SortedWindowState {
  return { capacity, fifo: [], sorted: [] };
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many values of the window lie in [lo, hi] (O(log n)). */
export function countWithin(w: SortedWindowState, lo: number, hi: number): number {
  // The first index above hi is the lower bound of the next larger double.
  let above = lowerBound(w.sorted, hi);
  while (above < w.sorted.length && w.sorted[above]! <= hi) above++;
  return above - lowerBound(w.sorted, lo);
}

/** Adds a value, evicting the oldest when full. */
export function pushSorted(w: SortedWindowState, raw: number): void {
  // -0 and 0 are one value to a window; storing one spelling keeps the sorted order and removals exact.
  const value = raw + 0;
  if (w.fifo.length >= w.capacity) {
    const old = w.fifo.shift()!;
    w.sorted.splice(lowerBound(w.sorted, old), 1);
  }
  w.fifo.push(value);
  w.sorted.splice(lowerBound(w.sorted, value), 0, value);
}

/** The q-quantile (0..1) by linear interpolation; 0 for an empty window. */
export function quantile(w: SortedWindowState, q: number): number {
  const n = w.sorted.length;
  if (n === 0) return 0;
  const pos = q * (n - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  const a = w.sorted[i]!;
  return frac === 0 || i + 1 >= n ? a : a + (w.sorted[i + 1]! - a) * frac;
}

/** Median absolute deviation around `center` (O(n); use on small windows). */
export function medianAbsDeviation(w: SortedWindowState, center: number): number {
  const n = w.sorted.length;
  if (n === 0) return 0;
  // Walk outwards from the center: the deviations come out in ascending order.
  let right = lowerBound(w.sorted, center);
  let left = right - 1;
  const target = (n - 1) >> 1;
  let dev = 0;
  for (let k = 0; k <= target; k++) {
    const dl = left >= 0 ? center - w.sorted[left]! : Number.POSITIVE_INFINITY;
    const dr = right < n ? w.sorted[right]! - center : Number.POSITIVE_INFINITY;
    if (dl <= dr) {
      dev = dl;
      left--;
    } else {
      dev = dr;
      right++;
    }
  }
  return dev;
}
