import { complementCode, createFuzzyArt, trainFuzzyArt } from './fuzzy-art.js';

/** How vigilance follows the stream and how novelties are confirmed and damped. */
export interface VigilanceConfig {
  /** Learning steps in the trend horizon; vigilance is revisited every half of it. */
  trendSteps: number;
  /** Steps after a novelty (or a new category) during which repeats are held back. */
  maskSteps: number;
  /** Upper vigilance never exceeds this, so categories keep learning. */
  maxRhoHigh: number;
}

/** The running statistics behind the adaptive vigilance and the masking of repeats. */
export interface VigilanceState {
  /** Sum and count of best resonances, whose mean becomes the upper vigilance. */
  resonanceSum: number;
  resonanceCount: number;
  /** Best resonances over the last half trend horizon (ring). */
  recent: number[];
  /** Upper vigilance minus best resonance, over the last trend horizon (ring). */
  shortfall: number[];
  ringHead: number;
  shortfallHead: number;
  /** Mean resonance of the novelties reported so far, and the latest one. */
  noveltySum: number;
  noveltyCount: number;
  lastNovelty: number;
  lastNoveltyStep: number;
  lastRevisionStep: number;
  /** True while new categories keep appearing, which holds reports back. */
  settling: boolean;
  stepsWithoutNewCategory: number;
}

/** Creates the vigilance statistics for a trend horizon. */
export function createVigilance(c: VigilanceConfig): VigilanceState {
  return {
    resonanceSum: 0,
    resonanceCount: 0,
    recent: Array.from({ length: Math.floor(c.trendSteps / 2) + 1 }, () => 1),
    shortfall: Array.from({ length: c.trendSteps + 1 }, () => 0),
    ringHead: 0,
    shortfallHead: 0,
    noveltySum: 0,
    noveltyCount: 0,
    lastNovelty: 0,
    lastNoveltyStep: Number.MIN_SAFE_INTEGER / 2,
    lastRevisionStep: 0,
    settling: false,
    stepsWithoutNewCategory: 0,
  };
}

/** Whether a novelty with resonance `best` at `step` is worth reporting, given recent reports. */
export function isFresh(v: VigilanceState, c: VigilanceConfig, step: number, best: number): boolean {
  const afterNovelty = step - v.lastNoveltyStep <= c.maskSteps;
  if (!v.settling && !afterNovelty) return true;
  return best < v.lastNovelty * (afterNovelty ? 0.9 : 0.7);
}

/** Records a reported novelty. */
export function recordNovelty(v: VigilanceState, step: number, best: number): void {
  v.noveltySum += best;
  v.noveltyCount++;
  v.lastNovelty = best;
  v.lastNoveltyStep = step;
}

/**
 * Similarity of two vectors, close to the cosine; an all-zero vector is as
 * similar as the other is short.
 */
function similarity(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < a.length; k++) {
    ab += a[k]! * b[k]!;
    aa += a[k]! * a[k]!;
    bb += b[k]! * b[k]!;
  }
  if (aa === 0) return 1 - Math.sqrt(bb);
  if (bb === 0) return 1 - Math.sqrt(aa);
  return ab / Math.sqrt(aa * bb);
}

/**
 * The starting vigilance: train a scratch memory at a fixed vigilance on the
 * warm-up vectors, most typical last, and take the mean resonance over the
 * second half — how well this stream's normal behaviour resonates with itself.
 */
export function initialVigilance(vectors: readonly Float64Array[], dim: number, seedRho: number): number {
  const n = vectors.length;
  if (n < 2) return seedRho;
  const typicality = vectors.map((a) => vectors.reduce((sum, b) => sum + (a === b ? 1 : similarity(a, b)), 0));
  const order = vectors.map((_, i) => i).sort((i, j) => typicality[i]! - typicality[j]! || i - j);
  const art = createFuzzyArt(dim, Number.MAX_SAFE_INTEGER);
  art.rhoLow = seedRho;
  art.rhoHigh = seedRho;
  const coded = new Float64Array(2 * dim);
  let sum = 0;
  let count = 0;
  order.forEach((i, rank) => {
    complementCode(vectors[i]!, coded);
    const { best } = trainFuzzyArt(art, coded);
    if (rank >= Math.floor(n / 2)) {
      sum += best;
      count++;
    }
  });
  return count > 0 ? sum / count : seedRho;
}

/**
 * Bookkeeping after one learning step: running resonance statistics, and,
 * every half trend horizon or once the masking after a novelty has run out,
 * a revision of both vigilance levels: the upper follows the mean resonance,
 * the lower rises towards the weakest recent resonance or backs off by the
 * typical shortfall, but never below the mean resonance of reported novelties.
 */
export function afterStep(
  v: VigilanceState,
  c: VigilanceConfig,
  rho: { rhoLow: number; rhoHigh: number },
  step: number,
  best: number,
  newCategory: boolean,
  mayRevise: boolean,
): void {
  v.stepsWithoutNewCategory = newCategory ? 0 : v.stepsWithoutNewCategory + 1;
  if (v.settling && v.stepsWithoutNewCategory >= c.maskSteps) v.settling = false;
  v.resonanceSum += best;
  v.resonanceCount++;
  v.recent[v.ringHead] = best;
  v.ringHead = (v.ringHead + 1) % v.recent.length;
  v.shortfall[v.shortfallHead] = rho.rhoHigh - best;
  v.shortfallHead = (v.shortfallHead + 1) % v.shortfall.length;
  if (step - v.lastNoveltyStep < c.maskSteps && v.noveltyCount > 0 && best < v.lastNovelty) {
    v.noveltySum += best - v.lastNovelty;
    v.lastNovelty = best;
  }
  if (newCategory) v.settling = true;
  const dueAfterNovelty = step - v.lastNoveltyStep === c.maskSteps;
  const dueForTrend = step - v.lastRevisionStep >= Math.floor(c.trendSteps / 2);
  if (!mayRevise || !(dueAfterNovelty || dueForTrend)) return;
  const high = Math.min(c.maxRhoHigh, v.resonanceSum / v.resonanceCount);
  const weakest = Math.min(...v.recent);
  let low: number;
  if (rho.rhoLow <= weakest) {
    low = rho.rhoLow + (weakest - rho.rhoLow) * 0.19;
  } else {
    let total = 0;
    let count = 0;
    // Until two horizons have passed the shortfall history is mostly warm-up; back off by the minimum.
    const history = step > 2 * c.trendSteps ? v.shortfall : [];
    for (const s of history) {
      if (s > 0.05) {
        total += Math.min(0.37, s);
        count++;
      }
    }
    const decrease = Math.max(0.01, count > 0 ? total / count : 0);
    low = rho.rhoLow - decrease / 2;
    if (v.noveltyCount > 0) low = Math.max(v.noveltySum / v.noveltyCount, low);
  }
  rho.rhoHigh = high;
  rho.rhoLow = Math.min(high, low);
  v.lastRevisionStep = step;
  v.settling = true;
}

/**
 * How confident a novelty is, from how far its resonance falls below each
 * vigilance level and how badly its newest value fits; unbounded above, so the
 * caller squashes it into [0, 1].
 */
export function noveltyStrength(best: number, bestLevel: number, rho: { rhoLow: number; rhoHigh: number }): number {
  const miss = 1 - Math.min(0.999, best);
  const belowHigh = (miss - (1 - rho.rhoHigh)) / miss;
  const belowLow = (miss - (1 - rho.rhoLow)) / miss;
  return Math.max(0, belowHigh * 0.35 + belowLow * 0.65 + (1 - bestLevel) * 1.5);
}
