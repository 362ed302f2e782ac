export { type ArtDetectorState, artDefaults, artFactory } from './detector.js';
export type { ArtLadderConfig } from './stages.js';
export type { ArtConfig } from './stream.js';
