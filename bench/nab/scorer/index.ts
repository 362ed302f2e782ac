/**
 * A TypeScript implementation of the Numenta Anomaly Benchmark scorer, checked
 * against NAB's published results (see scorer.test.ts).
 */
export { type CsvTable, columnIndex, formatCsvRow, parseCsv } from './csv.js';
export { buildLayout, detectionWorth, type LabelWindow, OUTSIDE, type ScoringLayout } from './layout.js';
export * from './load.js';
export { type Baselines, baselines, normaliseScore } from './normalise.js';
export { type CostMatrix, NAB_PROFILES, PROFILE_NAMES, type Profile, parseProfiles } from './profiles.js';
export { layoutCorpus, type ProfileResult, scoreDetector } from './score-detector.js';
export { MAX_TP, PROBATION_PERCENT, probationaryLength, scaledSigmoid } from './sigmoid.js';
export * from './sweep.js';
export { parseTimestamp } from './timestamp.js';
