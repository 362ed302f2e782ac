import { createExceedance, type ExceedanceState, updateExceedance } from './exceedance.js';
import { quantile } from './sorted-window.js';

/**
 * Shape-and-level novelty of the recent past: the last `dim` bucket averages
 * form a vector, and its distance to the nearest vectors seen over the last
 * `memory` buckets says how new the current behaviour is. Levels are scaled by
 * the range seen so far, so the distance means the same on every metric; the
 * distance is then judged against its own history (log-normal tail), which is
 * what makes one threshold fit every metric.
 */
export interface KnnNoveltyConfig {
  /** Raw points averaged into one bucket. */
  step: number;
  /** Buckets per pattern vector. */
  dim: number;
  /** Past pattern vectors kept as the reference set. */
  memory: number;
  /** Neighbours averaged into the nonconformity. */
  k: number;
  /** Nonconformities kept to judge the current one. */
  calibration: number;
  /** Nonconformities to collect before scoring. */
  learningPeriod: number;
  /** Repeat the last judgement on the points between bucket ends (otherwise they score 0). */
  hold: boolean;
  /** Quantile of past distances beyond which a pattern is news. */
  upper: number;
  /** Reference vectors to hold before distances count (early distances are inflated by a thin memory). */
  calibrateAfter: number;
  /** Distance (as a fraction of the range) below which patterns count as the same, whatever the history. */
  distanceFloor: number;
  /** Distance ratio to the typical one below which scores are scaled down (≤ 1 = off). */
  minRatio: number;
}

/** Everything the k-NN novelty component remembers. */
export interface KnnNoveltyState {
  config: KnnNoveltyConfig;
  bucketSum: number;
  bucketCount: number;
  /** Recent bucket averages, newest last, at most `dim`. */
  recent: number[];
  /** Reference vectors, flattened, ring of `memory` × `dim`. */
  vectors: number[];
  vectorHead: number;
  /** Pending vectors not yet in the reference set (so a window never matches its own overlap). */
  pending: number[][];
  min: number | null;
  max: number | null;
  calibration: ExceedanceState;
  /** The last judgement, held until the next bucket completes. */
  score: number;
  alpha: number;
  typicalAlpha: number;
}

/** Defaults tuned once on the whole NAB corpus (never per file). */
export const knnNoveltyDefaults: KnnNoveltyConfig = {
  step: 10,
  dim: 5,
  memory: 400,
  k: 5,
  calibration: 500,
  learningPeriod: 10,
  upper: 0.999,
  calibrateAfter: 20,
  distanceFloor: 0.02,
  minRatio: 2.75,
  hold: false,
};

/** Creates an empty component. */
export function createKnnNovelty(config: Partial<KnnNoveltyConfig> = {}): KnnNoveltyState {
  const c = { ...knnNoveltyDefaults, ...config };
  return {
    config: c,
    bucketSum: 0,
    bucketCount: 0,
    recent: [],
    vectors: [],
    vectorHead: 0,
    pending: [],
    min: null,
    max: null,
    calibration: createExceedance({ history: c.calibration, upper: c.upper, learningPeriod: c.learningPeriod }),
    score: 0,
    alpha: 0,
    typicalAlpha: 0,
  };
}

/**
 * Mean distance to the k nearest stored vectors, in units of the range. Values
 * are quartered (exact in binary floating point) before subtracting so even
 * values near the largest double cannot overflow.
 */
function nearestDistance(s: KnnNoveltyState, v: readonly number[], quarterRange: number): number {
  const { dim, k } = s.config;
  const unit = quarterRange > 0 ? 1 / quarterRange : 0;
  const best = new Array<number>(k).fill(Number.POSITIVE_INFINITY);
  const count = s.vectors.length / dim;
  for (let j = 0; j < count; j++) {
    let d = 0;
    const off = j * dim;
    for (let i = 0; i < dim; i++) {
      const diff = (s.vectors[off + i]! * 0.25 - v[i]! * 0.25) * unit;
      d += diff * diff;
      if (d >= best[k - 1]!) break;
    }
    if (d < best[k - 1]!) {
      let p = k - 1;
      while (p > 0 && best[p - 1]! > d) {
        best[p] = best[p - 1]!;
        p--;
      }
      best[p] = d;
    }
  }
  let sum = 0;
  for (const b of best) sum += Math.sqrt(b / dim);
  return sum / k;
}

function remember(s: KnnNoveltyState, v: number[]): void {
  s.pending.push(v);
  if (s.pending.length <= s.config.dim) return;
  const oldest = s.pending.shift()!;
  const cap = s.config.memory * s.config.dim;
  if (s.vectors.length < cap) {
    s.vectors.push(...oldest);
  } else {
    for (let i = 0; i < oldest.length; i++) s.vectors[s.vectorHead + i] = oldest[i]!;
    s.vectorHead = (s.vectorHead + s.config.dim) % cap;
  }
}

/** Feeds one raw value; returns the current novelty score in [0, 1]. */
export function updateKnnNovelty(s: KnnNoveltyState, value: number): number {
  // Summing value / step keeps even values near the largest double finite.
  s.bucketSum += value / s.config.step;
  s.bucketCount++;
  if (s.bucketCount < s.config.step) return s.config.hold ? s.score : 0;
  const mean = s.bucketSum; // the bucket is full: the sum of value / step is its mean
  s.bucketSum = 0;
  s.bucketCount = 0;
  s.min = s.min === null ? mean : Math.min(s.min, mean);
  s.max = s.max === null ? mean : Math.max(s.max, mean);
  s.recent.push(mean);
  if (s.recent.length > s.config.dim) s.recent.shift();
  if (s.recent.length < s.config.dim) return s.score;
  // Vectors are kept in raw units and distances scaled by today's range, so a range that widened
  // later never makes old patterns look far away.
  const quarterRange = s.max * 0.25 - s.min * 0.25 || 0.25;
  const v = s.recent.slice();
  s.score = 0;
  if (s.vectors.length >= s.config.dim * Math.max(s.config.k, s.config.calibrateAfter)) {
    const alpha = nearestDistance(s, v, quarterRange);
    s.typicalAlpha = quantile(s.calibration.window, 0.5);
    s.score = updateExceedance(s.calibration, Math.log(alpha + s.config.distanceFloor)).score;
    s.typicalAlpha = Math.exp(s.typicalAlpha);
    if (s.config.minRatio > 1) {
      // Rare is not enough for bursty metrics: the pattern must also be clearly further than usual.
      const lr = Math.log((alpha + s.config.distanceFloor) / s.typicalAlpha);
      s.score *= Math.max(0, Math.min(1, lr / Math.log(s.config.minRatio)));
    }
    s.alpha = alpha;
  }
  remember(s, v);
  return s.score;
}
