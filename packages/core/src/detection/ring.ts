/**
 * A fixed-capacity ring of numbers with running sum and sum of squares, so the
 * mean and variance of the last `capacity` values cost O(1) per point. Plain
 * JSON state: `values` holds at most `capacity` numbers.
 */
export interface RingState {
  capacity: number;
  values: number[];
  /** Where the next value goes once the ring is full. */
  head: number;
  sum: number;
  sumSq: number;
}

/** Creates an empty ring. */
export function createRing(capacity: number): RingState {
  return { capacity, values: [], head: 0, sum: 0, sumSq: 0 };
}

/** Appends a value, evicting the oldest when full. */
export function pushRing(r: RingState, value: number): void {
  if (r.values.length < r.capacity) {
    r.values.push(value);
  } else {
    const old = r.values[r.head]!;
    r.values[r.head] = value;
    r.head = (r.head + 1) % r.capacity;
    r.sum -= old;
    r.sumSq -= old * old;
  }
  r.sum += value;
  r.sumSq += value * value;
}

/** Mean of the values held (0 when empty). */
export function ringMean(r: RingState): number {
  return r.values.length === 0 ? 0 : r.sum / r.values.length;
}

/** Population variance of the values held, never negative despite rounding. */
export function ringVariance(r: RingState): number {
  const n = r.values.length;
  if (n === 0) return 0;
  const m = r.sum / n;
  return Math.max(0, r.sumSq / n - m * m);
}

/** The value `back` steps ago (0 = newest); undefined if not held. */
export function ringAt(r: RingState, back: number): number | undefined {
  const n = r.values.length;
  if (back < 0 || back >= n) return undefined;
  const newest = n < r.capacity ? n - 1 : (r.head - 1 + r.capacity) % r.capacity;
  return r.values[(newest - back + r.capacity) % r.capacity];
}
