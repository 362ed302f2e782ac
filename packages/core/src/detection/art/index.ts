export { type ArtDetectorState, artDefaults, artFactory } from './detector.js';
export type { ArtConfig } from './stream.js';
