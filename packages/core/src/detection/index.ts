export type { ChangePointConfig } from './changepoint.js';
export type { DensityNoveltyConfig } from './density-novelty.js';
export type { EnsembleConfig, Weighted } from './ensemble.js';
export type { KnnNoveltyConfig } from './knn-novelty.js';
export type { RangeNoveltyConfig } from './range-novelty.js';
export { createDetector, detectorFactories, LIVE_DETECTOR, restoreDetector } from './registry.js';
export type { RobustZScoreConfig } from './robust-zscore.js';
export type { SeasonalNoveltyConfig } from './seasonal-novelty.js';
export { type DetectionResult, type Detector, type DetectorFactory, snapshotText } from './types.js';
