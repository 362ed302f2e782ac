import {
  type ChangePointConfig,
  type ChangePointState,
  changePointDefaults,
  createChangePoint,
  updateChangePoint,
} from './changepoint.js';
import { cloneState, formatValue, rejectInput } from './input.js';
import type { DetectionResult, Detector, DetectorFactory } from './types.js';

/** Everything the standalone change-point detector remembers. */
export interface BocpdState {
  lastTimestamp: number | null;
  changepoint: ChangePointState;
}

/** Explains a change-point judgement in words. */
export function describeChange(s: ChangePointState): string {
  return `level moved from about ${formatValue(s.before)} to ${formatValue(s.after)} and stayed (a new regime, ${Math.round(100 * s.evidence)} % likely)`;
}

class Bocpd implements Detector<BocpdState> {
  constructor(private readonly state: BocpdState) {}

  update(timestamp: number, value: number): DetectionResult {
    const s = this.state;
    const rejected = rejectInput(s.lastTimestamp, timestamp, value);
    if (rejected) return rejected;
    s.lastTimestamp = timestamp;
    const score = updateChangePoint(s.changepoint, value);
    return { score, explanation: score >= 0.5 ? describeChange(s.changepoint) : 'no new regime' };
  }

  snapshot(): BocpdState {
    return cloneState(this.state);
  }

  serialize(encode: (state: BocpdState) => string = JSON.stringify): string {
    return encode(this.state);
  }
}

/**
 * Bayesian online change-point detection alone (Adams & MacKay 2007): the calibrated
 * evidence that the metric entered a new regime (level or noise) in the last few points.
 */
export const bocpdFactory: DetectorFactory<ChangePointConfig, BocpdState> = {
  name: 'bocpd',
  description: 'Bayesian online change-point detection: evidence of a new level or noise regime, calibrated',
  defaults: changePointDefaults,
  create(config) {
    return new Bocpd({ lastTimestamp: null, changepoint: createChangePoint(config) });
  },
  restore(state) {
    return new Bocpd(cloneState(state));
  },
};
