import { createExceedance, type ExceedanceState, updateExceedance } from './exceedance.js';
import { quantile } from './sorted-window.js';

/**
 * Shape-and-level novelty of the recent past: the last `dim` bucket averages
 * form a pattern, and its distance to the nearest patterns of the last
 * `memory` buckets says how new the current behaviour is. Distances are in
 * units of the range seen so far, so they mean the same on every metric, and
 * are then judged against their own history by quantiles (a conformal-style
 * nonconformity), which is what makes one threshold fit every metric.
 */
export interface KnnNoveltyConfig {
  /** Raw points averaged into one bucket. */
  step: number;
  /** Buckets per pattern. */
  dim: number;
  /** Past patterns kept as the reference set. */
  memory: number;
  /** Neighbours averaged into the nonconformity. */
  k: number;
  /** Nonconformities kept to judge the current one. */
  calibration: number;
  /** Nonconformities to collect before scoring. */
  learningPeriod: number;
  /** Quantile of past distances beyond which a pattern is news. */
  upper: number;
  /** Reference patterns to hold before distances count (early distances are inflated by a thin memory). */
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
  /**
   * Bucket averages, newest last, at most `memory + 2 × dim`. Every pattern is a
   * run of `dim` consecutive entries, so patterns are never stored twice.
   */
  history: number[];
  min: number | null;
  max: number | null;
  calibration: ExceedanceState;
  /** The last judgement, for explanations. */
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
};

/** Creates an empty component. */
export function createKnnNovelty(config: Partial<KnnNoveltyConfig> = {}): KnnNoveltyState {
  const c = { ...knnNoveltyDefaults, ...config };
  return {
    config: c,
    bucketSum: 0,
    bucketCount: 0,
    history: [],
    min: null,
    max: null,
    calibration: createExceedance({ history: c.calibration, upper: c.upper, learningPeriod: c.learningPeriod }),
    score: 0,
    alpha: 0,
    typicalAlpha: 0,
  };
}

/**
 * Mean distance from the newest pattern to its k nearest references, in units
 * of the range. References end at least `dim` buckets before the newest one, so
 * a pattern never matches its own overlap. Values are quartered (exact in
 * binary floating point) before subtracting so even values near the largest
 * double cannot overflow.
 */
function nearestDistance(s: KnnNoveltyState, firstEnd: number, quarterRange: number): number {
  const { dim, k } = s.config;
  const h = s.history;
  const newest = h.length - dim;
  const lastEnd = h.length - 1 - dim - 1;
  const unit = quarterRange > 0 ? 1 / quarterRange : 0;
  const best = new Array<number>(k).fill(Number.POSITIVE_INFINITY);
  // The newest pattern, quartered once; the k-th best distance kept in a local for the early exit.
  const target = new Array<number>(dim);
  for (let i = 0; i < dim; i++) target[i] = h[newest + i]! * 0.25;
  let worst = Number.POSITIVE_INFINITY;
  for (let end = firstEnd; end <= lastEnd; end++) {
    const off = end - dim + 1;
    let d = 0;
    for (let i = 0; i < dim; i++) {
      const diff = (h[off + i]! * 0.25 - target[i]!) * unit;
      d += diff * diff;
      if (d >= worst) break;
    }
    if (d < worst) {
      let p = k - 1;
      while (p > 0 && best[p - 1]! > d) {
        best[p] = best[p - 1]!;
        p--;
      }
      best[p] = d;
      worst = best[k - 1]!;
    }
  }
  let sum = 0;
  for (const b of best) sum += Math.sqrt(b / dim);
  return sum / k;
}

/** Feeds one raw value; returns the novelty score in [0, 1] when a bucket completes, 0 in between. */
export function updateKnnNovelty(s: KnnNoveltyState, value: number): number {
  const { step, dim, memory } = s.config;
  // Summing value / step keeps even values near the largest double finite.
  s.bucketSum += value / step;
  s.bucketCount++;
  if (s.bucketCount < step) return 0;
  const mean = s.bucketSum; // the bucket is full: the sum of value / step is its mean
  s.bucketSum = 0;
  s.bucketCount = 0;
  s.min = s.min === null ? mean : Math.min(s.min, mean);
  s.max = s.max === null ? mean : Math.max(s.max, mean);
  s.history.push(mean);
  if (s.history.length > memory + 2 * dim) s.history.shift();
  s.score = 0;
  const lastEnd = s.history.length - dim - 2;
  const firstEnd = Math.max(dim - 1, lastEnd - memory + 1);
  if (lastEnd - firstEnd + 1 < Math.max(s.config.k, s.config.calibrateAfter)) return 0;
  // Patterns are kept in raw units and distances scaled by today's range, so a range that widened
  // later never makes old patterns look far away.
  const quarterRange = s.max * 0.25 - s.min * 0.25 || 0.25;
  const alpha = nearestDistance(s, firstEnd, quarterRange);
  const median = quantile(s.calibration.window, 0.5);
  s.score = updateExceedance(s.calibration, Math.log(alpha + s.config.distanceFloor)).score;
  s.typicalAlpha = Math.exp(median);
  if (s.config.minRatio > 1) {
    // Rare is not enough for bursty metrics: the pattern must also be clearly further than usual.
    const lr = Math.log((alpha + s.config.distanceFloor) / s.typicalAlpha);
    s.score *= Math.max(0, Math.min(1, lr / Math.log(s.config.minRatio)));
  }
  s.alpha = alpha;
  return s.score;
}
