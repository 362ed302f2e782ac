import { cloneState, rejectInput } from './input.js';
import {
  createKnnNovelty,
  type KnnNoveltyConfig,
  type KnnNoveltyState,
  knnNoveltyDefaults,
  updateKnnNovelty,
} from './knn-novelty.js';
import type { DetectionResult, Detector, DetectorFactory } from './types.js';

/** Everything the standalone k-NN detector remembers. */
export interface KnnConformalState {
  lastTimestamp: number | null;
  knn: KnnNoveltyState;
}

/** Explains a pattern-novelty judgement in words. */
export function describePattern(k: KnnNoveltyState): string {
  const ratio = k.typicalAlpha > 0 ? k.alpha / k.typicalAlpha : 0;
  const span = k.config.dim * k.config.step;
  return `the last ${span} points form a pattern ${ratio.toFixed(1)}× further from anything seen recently than usual`;
}

// Alone, the detector judges every point (buckets of one) instead of the ensemble's coarse buckets.
const standaloneDefaults: KnnNoveltyConfig = { ...knnNoveltyDefaults, step: 1, dim: 10, memory: 400 };

class KnnConformal implements Detector<KnnConformalState> {
  constructor(private readonly state: KnnConformalState) {}

  update(timestamp: number, value: number): DetectionResult {
    const s = this.state;
    const rejected = rejectInput(s.lastTimestamp, timestamp, value);
    if (rejected) return rejected;
    s.lastTimestamp = timestamp;
    const score = updateKnnNovelty(s.knn, value);
    return { score, explanation: score > 0 ? describePattern(s.knn) : 'pattern seen before' };
  }

  snapshot(): KnnConformalState {
    return cloneState(this.state);
  }

  serialize(encode: (state: KnnConformalState) => string = JSON.stringify): string {
    return encode(this.state);
  }
}

/**
 * Pattern novelty alone: distance of the recent shape-and-level vector to its
 * nearest neighbours in the recent past, judged against the quantiles of past
 * distances (a conformal-style nonconformity score).
 */
export const knnConformalFactory: DetectorFactory<KnnNoveltyConfig, KnnConformalState> = {
  name: 'knn-conformal',
  description: 'k-nearest-neighbour distance of the recent pattern, calibrated by quantiles of past distances',
  defaults: standaloneDefaults,
  create(config) {
    return new KnnConformal({ lastTimestamp: null, knn: createKnnNovelty({ ...standaloneDefaults, ...config }) });
  },
  restore(state) {
    return new KnnConformal(cloneState(state));
  },
};
