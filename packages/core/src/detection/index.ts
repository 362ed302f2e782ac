export { createDetector, detectorFactories, restoreDetector } from './registry.js';
export type { DetectionResult, Detector, DetectorFactory } from './types.js';
