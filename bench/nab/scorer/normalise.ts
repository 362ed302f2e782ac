import type { ScoringLayout } from './layout.js';
import type { CostMatrix } from './profiles.js';
import { optimiseThreshold } from './sweep.js';

/** The two reference points that map a raw score onto NAB's 0–100 scale. */
export interface Baselines {
  /** A detector that finds every window at its left edge and raises nothing else. */
  perfect: number;
  /** NAB's null detector: one constant score for every row, with its best threshold. */
  null: number;
}

/**
 * The raw scores of the perfect and the null detector. Perfect earns tpWeight per
 * window; null is scored exactly as NAB scores its null detector (a constant 0.5,
 * threshold optimised), which in practice means missing every scored window.
 */
export function baselines(layout: ScoringLayout, costs: CostMatrix): Baselines {
  const constant = new Float64Array(layout.rows).fill(0.5);
  return {
    perfect: layout.windowCount * costs.tpWeight,
    null: optimiseThreshold(layout, constant, costs).score,
  };
}

/** NAB's normalised score: 100 · (raw − null) / (perfect − null). 0 is the null detector, 100 perfect. */
export function normaliseScore(raw: number, base: Baselines): number {
  return (100 * (raw - base.null)) / (base.perfect - base.null);
}
