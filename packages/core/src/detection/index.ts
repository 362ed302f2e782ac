export type { DetectionResult, Detector, DetectorFactory } from './types.js';
export { detectorFactories, createDetector, restoreDetector } from './registry.js';
