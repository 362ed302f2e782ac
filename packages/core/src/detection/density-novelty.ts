import {
  type ChunkedWindowState,
  chunkedMax,
  chunkedMin,
  chunkedSize,
  countWithinChunked,
  createChunkedWindow,
  pushChunked,
  quantileChunked,
} from './chunked-window.js';
import { exceedanceScore } from './exceedance.js';

/**
 * Values in a part of the range the metric rarely visits. A metric that has
 * lived at a few levels for days and now reads a value between them, or a
 * moderate spike below the biggest one seen, is inside its range (so range
 * novelty is silent) and often too short-lived to change the shapes pattern
 * novelty compares. The rarity of a value is how few recent values lie near it
 * (within a small fraction of their range), judged by quantiles against the
 * rarity of past values, as pattern novelty judges its distances.
 *
 * Heavy-tailed metrics visit some rare place every day, so the calibration
 * spans weeks and only a value rarer than nearly all of them, and far rarer
 * than a typical one, scores above 0.5.
 */
export interface DensityNoveltyConfig {
  /** Recent values the density is counted over. */
  memory: number;
  /** Values to hold before judging. */
  warmup: number;
  /** Half-width of the neighbourhood counted, as a fraction of the window's range. */
  bandwidth: number;
  /** Rarities kept to judge the current one. */
  calibration: number;
  /** Rarities to collect before scoring. */
  learningPeriod: number;
  /** Quantile of past rarities beyond which a value is news. */
  upper: number;
  /** How many times fewer neighbours than a typical value's a value must have to score fully (≤ 1 = off). */
  minRatio: number;
}

/** Everything the density component remembers. */
export interface DensityNoveltyState {
  config: DensityNoveltyConfig;
  /** Recent values. Both windows change on every point and hold thousands, hence chunked. */
  values: ChunkedWindowState;
  /** Recent rarities, judged against as `exceedance.ts` judges its history. */
  rarities: ChunkedWindowState;
  /** The last judgement, for explanations: neighbours found and a typical value's count. */
  neighbours: number;
  typicalNeighbours: number;
}

/** Defaults tuned once on the whole NAB corpus (never per file). */
export const densityNoveltyDefaults: DensityNoveltyConfig = {
  memory: 2000,
  warmup: 300,
  bandwidth: 0.02,
  calibration: 4000,
  learningPeriod: 50,
  upper: 0.9999,
  minRatio: 150,
};

/** Creates an empty component. */
export function createDensityNovelty(config: Partial<DensityNoveltyConfig> = {}): DensityNoveltyState {
  const c = { ...densityNoveltyDefaults, ...config };
  return {
    config: c,
    values: createChunkedWindow(c.memory),
    rarities: createChunkedWindow(c.calibration),
    neighbours: 0,
    typicalNeighbours: 0,
  };
}

/**
 * Judges one value against the recent ones (0 before warm-up and outside their
 * range, which is range novelty's business), then remembers it.
 */
export function updateDensityNovelty(s: DensityNoveltyState, value: number): number {
  const c = s.config;
  const w = s.values;
  const n = chunkedSize(w);
  let score = 0;
  const lowest = chunkedMin(w);
  const highest = chunkedMax(w);
  if (n >= c.warmup && lowest !== undefined && highest !== undefined && value >= lowest && value <= highest) {
    // Halving before subtracting keeps the range finite for values near the largest double.
    const halfRange = highest * 0.5 - lowest * 0.5;
    const band = 2 * c.bandwidth * halfRange;
    const count = band > 0 ? countWithinChunked(w, value - band, value + band) : n;
    const rarity = Math.log((n + 1) / (count + 1));
    const r = s.rarities;
    const typical = quantileChunked(r, 0.5);
    if (chunkedSize(r) >= c.learningPeriod) score = exceedanceScore(rarity, typical, quantileChunked(r, c.upper));
    pushChunked(r, rarity);
    // Rare is not enough: the neighbourhood must also be far emptier than a typical value's.
    if (c.minRatio > 1) score *= Math.max(0, Math.min(1, (rarity - typical) / Math.log(c.minRatio)));
    s.neighbours = count;
    s.typicalNeighbours = Math.round((n + 1) / Math.exp(typical) - 1);
  }
  pushChunked(w, value);
  return score;
}
