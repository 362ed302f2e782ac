/**
 * A compact fuzzy ART (adaptive resonance) memory with dual vigilance, sized for
 * streaming: categories live in one flat, complement-coded weight array, the
 * count is capped, and the least recently resonating category is recycled when
 * the memory is full. Plain JSON state.
 *
 * Resonance of an input x with category w is the fuzzy overlap |x ∧ w| / |w|
 * (cubed, so near matches dominate) times the overlap on the newest value alone
 * (squared): a window whose shape is familiar but whose latest level is not
 * still resonates poorly.
 */

/** The category memory and its two vigilance levels. */
export interface FuzzyArtState {
  /** Length of an input before complement coding. */
  dim: number;
  /** Most categories kept. */
  capacity: number;
  /** Complement-coded weights, `2 · dim` numbers per category. */
  weights: number[];
  /** L1 norm of each category's weights, kept so matching costs one pass. */
  norms: number[];
  /** Learning step at which each category last resonated (for recycling). */
  lastUsed: number[];
  /** Below this resonance the input founds a new cluster: a novelty. */
  rhoLow: number;
  /** At or above this resonance a category learns the input. */
  rhoHigh: number;
  /** Learning steps taken. */
  steps: number;
  /** The category that resonated best with the previous input; tried first next time. */
  lastWinner: number;
}

/** What the memory made of one input. */
export interface Resonance {
  /** Best resonance over all categories (0 when the memory is empty). */
  best: number;
  /** Overlap on the newest value with the best category. */
  bestLevel: number;
  /** `resonant`: learned by a category; `variant`: close enough for a sibling category; `novel`: no cluster fits. */
  kind: 'resonant' | 'variant' | 'novel';
}

/** Creates an empty memory for inputs of length `dim`. */
export function createFuzzyArt(dim: number, capacity: number): FuzzyArtState {
  return { dim, capacity, weights: [], norms: [], lastUsed: [], rhoLow: 0, rhoHigh: 0, steps: 0, lastWinner: 0 };
}

/** Writes `x` and its complement into `out` (length `2 · x.length`). */
export function complementCode(x: ArrayLike<number>, out: Float64Array): void {
  const n = x.length;
  for (let k = 0; k < n; k++) {
    const v = x[k]!;
    out[k] = v;
    out[n + k] = 1 - v;
  }
}

let scratch = new Float64Array(64);

/** Sum of the weights read by the last `fuzzyOverlap` call (kept outside to avoid allocating a pair). */
let lastMass = 0;

/**
 * |x ∧ w| over `n` numbers from `x[xFrom]` and `w[wFrom]`; also leaves
 * the sum of those weights in `lastMass`. The innermost loop of the detector, unrolled
 * with plain comparisons because it dominates the cost.
 */
function fuzzyOverlap(x: Float64Array, xFrom: number, w: number[], wFrom: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let mass = 0;
  const whole = n - (n % 4);
  for (let k = 0; k < whole; k += 4) {
    const a0 = x[xFrom + k]!;
    const b0 = w[wFrom + k]!;
    const a1 = x[xFrom + k + 1]!;
    const b1 = w[wFrom + k + 1]!;
    const a2 = x[xFrom + k + 2]!;
    const b2 = w[wFrom + k + 2]!;
    const a3 = x[xFrom + k + 3]!;
    const b3 = w[wFrom + k + 3]!;
    mass += b0 + b1 + b2 + b3;
    // biome-ignore-start lint/complexity/useMathMinMax: plain comparisons are measurably faster here
    s0 += a0 < b0 ? a0 : b0;
    s1 += a1 < b1 ? a1 : b1;
    s2 += a2 < b2 ? a2 : b2;
    s3 += a3 < b3 ? a3 : b3;
    // biome-ignore-end lint/complexity/useMathMinMax: plain comparisons are measurably faster here
  }
  for (let k = whole; k < n; k++) {
    const a = x[xFrom + k]!;
    const b = w[wFrom + k]!;
    mass += b;
    s0 += Math.min(a, b);
  }
  lastMass = mass;
  return s0 + s1 + s2 + s3;
}

/** Resonance of every category with the complement-coded input `coded`, written into a shared scratch array. */
function resonate(art: FuzzyArtState, coded: Float64Array): { values: Float64Array; best: number; bestLevel: number } {
  const count = art.norms.length;
  if (scratch.length < count) scratch = new Float64Array(count * 2);
  const width = 2 * art.dim;
  const newest = art.dim - 1;
  const half = art.dim;
  const w = art.weights;
  let best = 0;
  let bestLevel = 0;
  const xNewest = coded[newest]!;
  const xNewestComplement = coded[width - 1]!;
  // Start with the category that won last time: it usually wins again, and a high best
  // early lets the bound below skip most of the others.
  const first = art.lastWinner < count ? art.lastWinner : 0;
  let winner = first;
  for (let i = 0; i < count; i++) {
    const c = i === 0 ? first : i <= first ? i - 1 : i;
    const base = c * width;
    const wNewest = w[base + newest]!;
    const wNewestComplement = w[base + width - 1]!;
    const wLevel = wNewest + wNewestComplement;
    const xLevel = Math.min(xNewest, wNewest) + Math.min(xNewestComplement, wNewestComplement);
    const level = wLevel > 0 ? xLevel / wLevel : 1;
    // Shape overlap is at most 1, so level² bounds the resonance: a category that can
    // neither beat the best so far nor reach the learning vigilance is not worth the full pass.
    const bound = level * level;
    if (bound <= best && bound < art.rhoHigh) {
      scratch[c] = bound;
      continue;
    }
    // The input half first: the weights of the complement half cap what it can add,
    // which often proves the category cannot matter without reading it.
    const norm = art.norms[c]! || 1e-3;
    const head = fuzzyOverlap(coded, 0, w, base, half);
    const most = (head + Math.max(0, norm - lastMass)) / norm;
    const mostM = most * most * most * bound;
    if (mostM <= best && mostM < art.rhoHigh) {
      scratch[c] = mostM;
      continue;
    }
    const overlap = head + fuzzyOverlap(coded, half, w, base + half, half);
    const shape = overlap / norm;
    const m = shape * shape * shape * bound;
    scratch[c] = m;
    if (m > best) {
      best = m;
      bestLevel = level;
      winner = c;
    }
  }
  art.lastWinner = winner;
  return { values: scratch, best, bestLevel };
}

/** Judges a complement-coded input without learning from it. */
export function probeFuzzyArt(art: FuzzyArtState, coded: Float64Array): Resonance {
  const { best, bestLevel } = resonate(art, coded);
  const kind =
    art.norms.length > 0 && best >= art.rhoHigh
      ? 'resonant'
      : best >= art.rhoLow && art.norms.length > 0
        ? 'variant'
        : 'novel';
  return { best, bestLevel, kind };
}

/**
 * Judges a complement-coded input and learns from it: every category at or above
 * the upper vigilance shrinks towards the input (fast learning, w ← w ∧ x);
 * otherwise the input is committed as a new category.
 */
export function trainFuzzyArt(art: FuzzyArtState, coded: Float64Array): Resonance {
  art.steps++;
  const { values, best, bestLevel } = resonate(art, coded);
  const count = art.norms.length;
  const width = 2 * art.dim;
  let learned = false;
  for (let c = 0; c < count; c++) {
    if (values[c]! < art.rhoHigh || count === 0) continue;
    learned = true;
    const base = c * width;
    let norm = 0;
    for (let k = 0; k < width; k++) {
      const v = Math.min(coded[k]!, art.weights[base + k]!);
      art.weights[base + k] = v;
      norm += v;
    }
    art.norms[c] = norm;
    art.lastUsed[c] = art.steps;
  }
  if (learned) return { best, bestLevel, kind: 'resonant' };
  commit(art, coded);
  return { best, bestLevel, kind: count > 0 && best >= art.rhoLow ? 'variant' : 'novel' };
}

function commit(art: FuzzyArtState, coded: Float64Array): void {
  const width = 2 * art.dim;
  let slot = art.norms.length;
  if (slot >= art.capacity) {
    slot = 0;
    for (let c = 1; c < art.lastUsed.length; c++) if (art.lastUsed[c]! < art.lastUsed[slot]!) slot = c;
  }
  let norm = 0;
  for (let k = 0; k < width; k++) {
    art.weights[slot * width + k] = coded[k]!;
    norm += coded[k]!;
  }
  art.norms[slot] = norm;
  art.lastUsed[slot] = art.steps;
}

/**
 * Re-expresses the stored categories after the value range grew: the raw-level
 * part of every input (positions `from` to `dim - 1`) was `u`, it is now `a · u + b`.
 * Fuzzy minimum and maximum commute with an increasing affine map, so the
 * categories stay exactly what they would have been had the wider range been known.
 */
export function rescaleFuzzyArt(art: FuzzyArtState, from: number, a: number, b: number): void {
  const width = 2 * art.dim;
  for (let c = 0; c < art.norms.length; c++) {
    const base = c * width;
    let norm = 0;
    for (let k = 0; k < art.dim; k++) {
      if (k >= from) {
        art.weights[base + k] = a * art.weights[base + k]! + b;
        art.weights[base + art.dim + k] = 1 - (a * (1 - art.weights[base + art.dim + k]!) + b);
      }
      norm += art.weights[base + k]! + art.weights[base + art.dim + k]!;
    }
    art.norms[c] = norm;
  }
}
