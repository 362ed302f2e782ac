import { cloneState, formatValue, rejectInput } from './input.js';
import { createLikelihood, type LikelihoodState, updateLikelihood } from './likelihood.js';
import {
  createSortedWindow,
  medianAbsDeviation,
  pushSorted,
  quantile,
  type SortedWindowState,
} from './sorted-window.js';
import type { DetectionResult, Detector, DetectorFactory } from './types.js';

/** Settings of the robust z-score detector. */
export interface RobustZScoreConfig {
  /** How many recent points define "normal". */
  window: number;
  /** Points to see before scoring anything. */
  warmup: number;
  /** The robust z at which the score reaches 0.5. */
  halfScoreZ: number;
}

/** Everything the robust z-score detector remembers. */
export interface RobustZScoreState {
  config: RobustZScoreConfig;
  lastTimestamp: number | null;
  window: SortedWindowState;
  likelihood: LikelihoodState;
}

const defaults: RobustZScoreConfig = { window: 400, warmup: 20, halfScoreZ: 3 };

/**
 * How far a value sits from the median of the recent window, in robust standard
 * deviations (1.4826 × MAD). Falls back to the window's range when more than
 * half of the points are identical, so flat lines never divide by zero.
 */
export function robustZ(w: SortedWindowState, value: number): { z: number; median: number; spread: number } {
  const median = quantile(w, 0.5);
  let spread = 1.4826 * medianAbsDeviation(w, median);
  if (spread === 0) spread = (quantile(w, 1) - quantile(w, 0)) / 6;
  if (spread === 0) spread = 1e-9 * Math.max(1, Math.abs(median));
  const z = Math.max(-1e6, Math.min(1e6, (value - median) / spread));
  return { z, median, spread };
}

class RobustZScore implements Detector<RobustZScoreState> {
  constructor(private readonly state: RobustZScoreState) {}

  update(timestamp: number, value: number): DetectionResult {
    const s = this.state;
    const rejected = rejectInput(s.lastTimestamp, timestamp, value);
    if (rejected) return rejected;
    s.lastTimestamp = timestamp;
    const seen = s.window.fifo.length;
    let result: DetectionResult;
    if (seen < s.config.warmup) {
      result = { score: 0, explanation: `learning: ${seen + 1} of ${s.config.warmup} points seen` };
    } else {
      const { z, median, spread } = robustZ(s.window, value);
      const az = Math.abs(z);
      const raw = az / (az + s.config.halfScoreZ);
      const { score } = updateLikelihood(s.likelihood, raw);
      const side = z >= 0 ? 'above' : 'below';
      result = {
        score,
        explanation: `${az.toFixed(1)}σ ${side} the median ${formatValue(median)} of the last ${seen} points (robust σ ${formatValue(spread)})`,
      };
    }
    pushSorted(s.window, value);
    return result;
  }

  snapshot(): RobustZScoreState {
    return cloneState(this.state);
  }

  serialize(encode: (state: RobustZScoreState) => string = JSON.stringify): string {
    return encode(this.state);
  }
}

/** Robust baseline: distance from the windowed median in MAD units. Cheap, explainable, no seasonality. */
export const robustZScoreFactory: DetectorFactory<RobustZScoreConfig, RobustZScoreState> = {
  name: 'robust-zscore',
  description: 'distance from the median of a sliding window, in robust standard deviations (MAD)',
  defaults,
  create(config) {
    const c = { ...defaults, ...config };
    return new RobustZScore({
      config: c,
      lastTimestamp: null,
      window: createSortedWindow(c.window),
      likelihood: createLikelihood({ shortWindow: 1 }),
    });
  },
  restore(state) {
    return new RobustZScore(cloneState(state));
  },
};
