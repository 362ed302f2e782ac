import { artFactory } from './art/index.js';
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
];

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
