import { createSortedWindow, pushSorted, quantile, type SortedWindowState } from './sorted-window.js';

/**
 * Calibrates a nonconformity (larger = stranger) against its own recent
 * history by quantiles instead of a Gaussian fit: heavy-tailed distances and
 * errors are judged fairly, and a past anomaly in the history only moves the
 * upper quantile a little. A score above 0.5 means "beyond the `upper`
 * quantile of the recent past", rising towards 1 as the excess grows in units
 * of the history's own spread.
 */
export interface ExceedanceConfig {
  /** How many past values form the reference. */
  history: number;
  /** The quantile that separates usual from unusual. */
  upper: number;
  /** Values to collect before scoring. */
  learningPeriod: number;
}

/** The reference window and its settings. */
export interface ExceedanceState {
  config: ExceedanceConfig;
  window: SortedWindowState;
}

/** Defaults tuned once on the whole NAB corpus. */
export const exceedanceDefaults: ExceedanceConfig = { history: 500, upper: 0.99, learningPeriod: 50 };

/** Creates an empty calibrator. */
export function createExceedance(config: Partial<ExceedanceConfig> = {}): ExceedanceState {
  const c = { ...exceedanceDefaults, ...config };
  return { config: c, window: createSortedWindow(c.history) };
}

/** Judges `x` against the history (returns 0..1 and the excess in spreads), then learns it. */
export function updateExceedance(s: ExceedanceState, x: number): { score: number; excess: number } {
  let score = 0;
  let excess = 0;
  if (s.window.fifo.length >= s.config.learningPeriod) {
    const mid = quantile(s.window, 0.5);
    const hi = quantile(s.window, s.config.upper);
    score = exceedanceScore(x, mid, hi);
    excess = (x - hi) / spreadOf(mid, hi);
  }
  pushSorted(s.window, x);
  return { score, excess };
}

function spreadOf(mid: number, hi: number): number {
  return hi - mid || Math.abs(hi) * 1e-3 || 1e-9;
}

/**
 * The judgement itself, for callers that keep their history in another window:
 * `x` against the history's median `mid` and its upper quantile `hi`.
 */
export function exceedanceScore(x: number, mid: number, hi: number): number {
  const spread = spreadOf(mid, hi);
  const excess = (x - hi) / spread;
  return excess > 0 ? 0.5 + (0.5 * excess) / (1 + excess) : 0.45 * Math.max(0, (x - mid) / spread);
}
