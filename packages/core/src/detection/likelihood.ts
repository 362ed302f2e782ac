import { normalTail } from './gaussian.js';
import { createRing, pushRing, type RingState, ringMean, ringVariance } from './ring.js';

/**
 * Turns a raw anomaly score (any non-negative number, larger = stranger) into a
 * calibrated one in [0, 1] that means the same on every metric.
 *
 * The short-term average of raw scores is compared with the distribution of
 * that average over a long history; the score is the log-scaled rarity of the
 * current average (0.5 ≈ one in 100,000, 1 ≈ one in 10^10). A metric whose raw
 * scores are always high therefore stops alarming, and one whose raw scores are
 * always near zero alarms on a modest rise: one global threshold fits all.
 */
export interface LikelihoodConfig {
  /** Raw scores averaged before judging (damps single-point noise). */
  shortWindow: number;
  /** How many past averages form the reference distribution. */
  historyWindow: number;
  /** Averages to collect before producing anything but 0. */
  learningPeriod: number;
  /** Floor on the reference standard deviation, so flat raw scores don't explode. */
  minStdev: number;
}

/** Everything the likelihood remembers. */
export interface LikelihoodState {
  config: LikelihoodConfig;
  short: RingState;
  history: RingState;
}

/** Defaults that suit metrics sampled every few minutes. */
export const likelihoodDefaults: LikelihoodConfig = {
  shortWindow: 10,
  historyWindow: 2000,
  learningPeriod: 150,
  minStdev: 0.005,
};

/** Creates an empty likelihood. */
export function createLikelihood(config: Partial<LikelihoodConfig> = {}): LikelihoodState {
  const c = { ...likelihoodDefaults, ...config };
  return { config: c, short: createRing(c.shortWindow), history: createRing(c.historyWindow) };
}

/** Log-scaled rarity in [0, 1]: 0.5 at a tail probability of 1e-5, 1 at 1e-10. */
export function rarity(tail: number): number {
  return Math.min(1, Math.max(0, Math.log(Math.max(tail, 1e-10)) / Math.log(1e-10)));
}

/** Judges `raw` against the history, then learns from it. Returns the calibrated score and the z of the average. */
export function updateLikelihood(l: LikelihoodState, raw: number): { score: number; z: number } {
  pushRing(l.short, raw);
  const avg = ringMean(l.short);
  let score = 0;
  let z = 0;
  if (l.history.values.length >= l.config.learningPeriod) {
    const sd = Math.max(Math.sqrt(ringVariance(l.history)), l.config.minStdev);
    z = (avg - ringMean(l.history)) / sd;
    score = z > 0 ? rarity(normalTail(z)) : 0;
  }
  pushRing(l.history, avg);
  return { score, z };
}
