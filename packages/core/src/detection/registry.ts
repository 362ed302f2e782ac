import { artFactory } from './art/index.js';
import { bocpdFactory } from './bocpd.js';
import { ensembleFactory } from './ensemble.js';
import { knnConformalFactory } from './knn-conformal.js';
import { robustZScoreFactory } from './robust-zscore.js';
import type { Detector, DetectorFactory } from './types.js';

/** Every detector Aurora ships, by name. The first is the default. */
export const detectorFactories: readonly DetectorFactory[] = [
  ensembleFactory as DetectorFactory,
  knnConformalFactory as DetectorFactory,
  robustZScoreFactory as DetectorFactory,
  artFactory as DetectorFactory,
  bocpdFactory as DetectorFactory,
];

/**
 * The detector the control plane runs on every metric (a name in `detectorFactories`).
 * Benchmarks measure it under the name `aurora-live`, so the default is what gets measured;
 * it changes only for a detector that holds up on data it was not tuned on (see README.md).
 * Store this name beside each snapshot: a snapshot restores only into the detector that made it.
 */
export const LIVE_DETECTOR = 'aurora-ensemble';

function factory(name: string): DetectorFactory {
  const found = detectorFactories.find((f) => f.name === name);
  if (!found) {
    const known = detectorFactories.map((f) => f.name).join(', ') || '(none)';
    throw new Error(`unknown detector "${name}"; known detectors: ${known}`);
  }
  return found;
}

/** Creates a detector by name, with config overrides. */
export function createDetector(name: string, config?: Record<string, unknown>): Detector {
  return factory(name).create(config);
}

/** Rebuilds a detector from a snapshot taken with `snapshot()`. */
export function restoreDetector(name: string, state: unknown): Detector {
  return factory(name).restore(state);
}
