import { cloneState, formatValue, rejectInput } from './input.js';
import { describePattern } from './knn-conformal.js';
import { createKnnNovelty, type KnnNoveltyConfig, type KnnNoveltyState, updateKnnNovelty } from './knn-novelty.js';
import {
  createRangeNovelty,
  type RangeNoveltyConfig,
  type RangeNoveltyState,
  updateRangeNovelty,
} from './range-novelty.js';
import { createResidual, type ResidualConfig, type ResidualState, updateResidual } from './residual.js';
import { createRing, pushRing, type RingState, ringMean } from './ring.js';
import type { DetectionResult, Detector, DetectorFactory } from './types.js';

/** Settings of the ensemble: one block per component plus how alarms repeat. */
export interface EnsembleConfig {
  range: Partial<RangeNoveltyConfig> & { weight: number };
  residual: Partial<ResidualConfig> & { weight: number };
  knn: Partial<KnnNoveltyConfig> & { weight: number };
  /** Range novelty of the moving average over `points`, so a level shift hidden in noise counts. */
  smoothRange: Partial<RangeNoveltyConfig> & { weight: number; points: number };
  /** A second, longer pattern scale, so both hour-long shapes and day-long ones are judged. */
  knnLong: Partial<KnnNoveltyConfig> & { weight: number };
  /** Per-point decay of the remembered peak score (closer to 1 = longer memory of an alarm). */
  peakDecay: number;
  /** Factor applied to scores that do not beat the remembered peak. */
  refractoryDamping: number;
}

/** Everything the ensemble remembers. */
export interface EnsembleState {
  config: EnsembleConfig;
  lastTimestamp: number | null;
  seen: number;
  range: RangeNoveltyState;
  residual: ResidualState;
  knn: KnnNoveltyState;
  knnLong: KnnNoveltyState;
  smoothRange: RangeNoveltyState;
  smoothWindow: RingState;
  peak: number;
}

const defaults: EnsembleConfig = {
  range: { weight: 1 },
  residual: { weight: 0 },
  knn: { weight: 1 },
  smoothRange: { weight: 0, points: 12 },
  knnLong: { weight: 1, step: 30, dim: 4, calibrateAfter: 7 },
  peakDecay: 0.998,
  refractoryDamping: 0.5,
};

function merge(config: Partial<EnsembleConfig> | undefined): EnsembleConfig {
  const c = config ?? {};
  return {
    ...defaults,
    ...c,
    range: { ...defaults.range, ...c.range },
    residual: { ...defaults.residual, ...c.residual },
    knn: { ...defaults.knn, ...c.knn },
    knnLong: { ...defaults.knnLong, ...c.knnLong },
    smoothRange: { ...defaults.smoothRange, ...c.smoothRange },
  };
}

class Ensemble implements Detector<EnsembleState> {
  constructor(private readonly state: EnsembleState) {}

  update(timestamp: number, value: number): DetectionResult {
    const s = this.state;
    const rejected = rejectInput(s.lastTimestamp, timestamp, value);
    if (rejected) return rejected;
    s.lastTimestamp = timestamp;
    s.seen++;
    const c = s.config;
    const learnedMin = s.range.min;
    const learnedMax = s.range.max;
    let range = updateRangeNovelty(s.range, value) * c.range.weight;
    if (c.smoothRange.weight > 0) {
      pushRing(s.smoothWindow, value);
      const smooth = updateRangeNovelty(s.smoothRange, ringMean(s.smoothWindow)) * c.smoothRange.weight;
      range = Math.max(range, smooth);
    }
    const residual = c.residual.weight > 0 ? updateResidual(s.residual, value) * c.residual.weight : 0;
    const coarse = updateKnnNovelty(s.knn, value) * c.knn.weight;
    const long = c.knnLong.weight > 0 ? updateKnnNovelty(s.knnLong, value) * c.knnLong.weight : 0;
    const knn = Math.max(coarse, long);
    let score = Math.min(1, Math.max(range, residual, knn));
    // Only a new high within the recent past is news: repeats of an alarm are damped, so one event
    // raises one alarm instead of a run of them (each extra point above threshold is a false positive).
    const raw = score;
    if (score <= s.peak) score *= c.refractoryDamping;
    s.peak = Math.max(raw, s.peak * c.peakDecay);
    return {
      score,
      explanation: this.explain(value, score, range, residual, knn, coarse >= long ? s.knn : s.knnLong, [
        learnedMin,
        learnedMax,
      ]),
    };
  }

  private explain(
    value: number,
    score: number,
    range: number,
    residual: number,
    knn: number,
    pattern: KnnNoveltyState,
    learned: readonly [number, number],
  ): string {
    const s = this.state;
    if (score === 0 || Math.max(range, residual, knn) < 0.1)
      return `normal: ${formatValue(value)} fits the learned behaviour`;
    if (range >= residual && range >= knn) {
      return `value ${formatValue(value)} outside its learned range ${formatValue(learned[0])}–${formatValue(learned[1])}`;
    }
    if (residual >= knn) {
      const side = s.residual.z >= 0 ? 'above' : 'below';
      return `${Math.abs(s.residual.z).toFixed(1)}× the usual deviation ${side} the recent level ${formatValue(s.residual.forecast)}`;
    }
    return describePattern(pattern);
  }

  snapshot(): EnsembleState {
    return cloneState(this.state);
  }
}

/** Aurora's default detector: range, forecast-residual and pattern novelty, calibrated and combined. */
export const ensembleFactory: DetectorFactory<EnsembleConfig, EnsembleState> = {
  name: 'aurora-ensemble',
  description: 'max of calibrated range novelty, forecast residual and k-NN pattern novelty, with alarm damping',
  defaults,
  create(config) {
    const c = merge(config);
    return new Ensemble({
      config: c,
      lastTimestamp: null,
      seen: 0,
      range: createRangeNovelty(c.range),
      residual: createResidual(c.residual),
      knn: createKnnNovelty(c.knn),
      knnLong: createKnnNovelty(c.knnLong),
      smoothRange: createRangeNovelty(c.smoothRange),
      smoothWindow: createRing(c.smoothRange.points),
      peak: 0,
    });
  },
  restore(state) {
    return new Ensemble(cloneState(state));
  },
};
