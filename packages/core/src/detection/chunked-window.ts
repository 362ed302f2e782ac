/**
 * A sliding window of numbers kept sorted in short runs (chunks) instead of
 * one array, for windows of thousands of values updated on every point.
 * Inserting into or removing from one long sorted array moves half of it each
 * time; here only one chunk of a few dozen values moves, and counts and
 * quantiles walk the chunk lengths. The concatenated chunks hold exactly the
 * sequence `sorted-window.ts` would hold (a value goes before its equals, the
 * first equal leaves), so answers are the same to the last bit.
 *
 * The state is plain arrays and numbers, so it snapshots as JSON directly.
 */
export interface ChunkedWindowState {
  capacity: number;
  /** Values in arrival order; once full, a ring whose oldest value sits at `head`. */
  fifo: number[];
  head: number;
  /** Sorted runs, never empty unless the window is; together ascending. */
  chunks: number[][];
  /** Each chunk's largest value, so the chunk holding a value is found by binary search. */
  tops: number[];
  /** Each chunk's length, so ranks add up over one flat array. */
  sizes: number[];
}

/** Values per chunk after a split; a chunk splits at twice this and merges below a quarter. */
const CHUNK = 64;

/** Creates an empty window holding at most `capacity` values. */
export function createChunkedWindow(capacity: number): ChunkedWindowState {
  return { capacity, fifo: [], head: 0, chunks: [], tops: [], sizes: [] };
}

/** How many values the window holds. */
export function chunkedSize(w: ChunkedWindowState): number {
  return w.fifo.length;
}

/** The smallest value held (undefined when empty). */
export function chunkedMin(w: ChunkedWindowState): number | undefined {
  return w.chunks[0]?.[0];
}

/** The largest value held (undefined when empty). */
export function chunkedMax(w: ChunkedWindowState): number | undefined {
  return w.tops[w.tops.length - 1];
}

/** First index whose value is ≥ value. */
function lowerBound(run: readonly number[], value: number): number {
  let lo = 0;
  let hi = run.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (run[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > value. */
function upperBound(run: readonly number[], value: number): number {
  let lo = 0;
  let hi = run.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (run[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sizesBefore(sizes: readonly number[], c: number): number {
  let before = 0;
  for (let i = 0; i < c; i++) before += sizes[i]!;
  return before;
}

/** Re-reads a chunk's top and size after its values changed. */
function refresh(w: ChunkedWindowState, c: number): void {
  const run = w.chunks[c]!;
  w.tops[c] = run[run.length - 1]!;
  w.sizes[c] = run.length;
}

function split(w: ChunkedWindowState, c: number): void {
  const run = w.chunks[c]!;
  w.chunks.splice(c + 1, 0, run.splice(CHUNK));
  w.tops.splice(c + 1, 0, 0);
  w.sizes.splice(c + 1, 0, 0);
  refresh(w, c);
  refresh(w, c + 1);
}

function insert(w: ChunkedWindowState, value: number): void {
  if (w.chunks.length === 0) {
    w.chunks.push([value]);
    w.tops.push(value);
    w.sizes.push(1);
    return;
  }
  // The first chunk whose top is ≥ value holds the value's place (before its equals); else the last.
  const c = Math.min(lowerBound(w.tops, value), w.chunks.length - 1);
  const run = w.chunks[c]!;
  // Shifting by hand: splice allocates an array of removed values on every call.
  const place = lowerBound(run, value);
  let i = run.length;
  run.push(value);
  for (; i > place; i--) run[i] = run[i - 1]!;
  run[place] = value;
  refresh(w, c);
  if (run.length >= 2 * CHUNK) split(w, c);
}

function remove(w: ChunkedWindowState, value: number): void {
  // The value is held, so a chunk's top is ≥ it, and the first such chunk holds its first equal.
  const c = lowerBound(w.tops, value);
  const run = w.chunks[c]!;
  const end = run.length - 1;
  for (let i = lowerBound(run, value); i < end; i++) run[i] = run[i + 1]!;
  run.pop();
  // Kept apart so this hot path stays small enough to be inlined.
  if (end < CHUNK / 4) mergeShort(w, c);
  else refresh(w, c);
}

/** A short chunk joins a neighbour so the number of chunks, and every walk over them, stays small. */
function mergeShort(w: ChunkedWindowState, c: number): void {
  if (w.chunks.length === 1) {
    if (w.chunks[0]!.length > 0) refresh(w, 0);
    else {
      w.chunks.length = 0;
      w.tops.length = 0;
      w.sizes.length = 0;
    }
    return;
  }
  const left = c > 0 ? c - 1 : c;
  const merged = w.chunks[left]!.concat(w.chunks[left + 1]!);
  w.chunks.splice(left, 2, merged);
  w.tops.splice(left, 1);
  w.sizes.splice(left, 1);
  refresh(w, left);
  if (merged.length >= 2 * CHUNK) split(w, left);
}

/** Adds a value, evicting the oldest when full. */
export function pushChunked(w: ChunkedWindowState, raw: number): void {
  // -0 and 0 are one value to a window; storing one spelling keeps the sorted order and removals exact.
  const value = raw + 0;
  if (w.fifo.length < w.capacity) {
    w.fifo.push(value);
  } else {
    remove(w, w.fifo[w.head]!);
    w.fifo[w.head] = value;
    w.head = w.head + 1 === w.capacity ? 0 : w.head + 1;
  }
  insert(w, value);
}

/** How many values of the window lie in [lo, hi]. */
export function countWithinChunked(w: ChunkedWindowState, lo: number, hi: number): number {
  const { chunks, tops, sizes } = w;
  const first = lowerBound(tops, lo);
  if (first === chunks.length || hi < lo) return 0;
  const last = upperBound(tops, hi);
  const below = lowerBound(chunks[first]!, lo);
  if (last === chunks.length) return w.fifo.length - sizesBefore(sizes, first) - below;
  // Values from lo's place in its chunk up to hi's place in its chunk.
  let between = 0;
  for (let i = first; i < last; i++) between += sizes[i]!;
  return between - below + upperBound(chunks[last]!, hi);
}

/**
 * The values at sorted positions i and i + 1 (when held), found in one walk from the nearer
 * end, interpolated at `frac` as `quantile` in sorted-window.ts does.
 */
function interpolateAt(w: ChunkedWindowState, i: number, frac: number): number {
  const { chunks, sizes } = w;
  const n = w.fifo.length;
  let c: number;
  let k: number;
  if (2 * i < n) {
    c = 0;
    k = i;
    while (k >= sizes[c]!) k -= sizes[c++]!;
  } else {
    let fromEnd = n - 1 - i;
    c = chunks.length - 1;
    while (fromEnd >= sizes[c]!) fromEnd -= sizes[c--]!;
    k = sizes[c]! - 1 - fromEnd;
  }
  const run = chunks[c]!;
  const a = run[k]!;
  if (frac === 0 || i + 1 >= n) return a;
  const b = k + 1 < run.length ? run[k + 1]! : chunks[c + 1]![0]!;
  return a + (b - a) * frac;
}

/** The q-quantile (0..1) by linear interpolation, as `quantile` in sorted-window.ts; 0 for an empty window. */
export function quantileChunked(w: ChunkedWindowState, q: number): number {
  const n = w.fifo.length;
  if (n === 0) return 0;
  const pos = q * (n - 1);
  const i = Math.floor(pos);
  return interpolateAt(w, i, pos - i);
}
