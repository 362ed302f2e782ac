import { cloneState, rejectInput } from '../input.js';
import type { DetectionResult, Detector, DetectorFactory } from '../types.js';
import { type ArtConfig, type ArtStreamState, createArtStream, updateArtStream } from './stream.js';

/** Everything the adaptive-resonance detector remembers. */
export interface ArtDetectorState {
  lastTimestamp: number | null;
  stream: ArtStreamState;
}

/** One configuration for every stream; nothing here depends on a stream's length. */
export const artDefaults: ArtConfig = {
  warmup: 150,
  rangePoints: Number.MAX_SAFE_INTEGER,
  blockSize: 4,
  window: 8,
  levels: 80,
  maxCategories: 128,
  seedVigilance: 0.8,
  judgeEarly: 'extremes',
  snapToMedian: 0.075,
  trendSteps: 100,
  maskSteps: 12,
  maxRhoHigh: 0.97,
};

/** Squashes an unbounded novelty strength into (0, 1): 0.5 at strength 1. */
function squash(strength: number): number {
  return strength / (1 + strength);
}

class ArtDetector implements Detector<ArtDetectorState> {
  constructor(private readonly state: ArtDetectorState) {}

  update(timestamp: number, value: number): DetectionResult {
    const s = this.state;
    const rejected = rejectInput(s.lastTimestamp, timestamp, value);
    if (rejected) return rejected;
    s.lastTimestamp = timestamp;
    const stream = s.stream;
    const verdict = updateArtStream(stream, value);
    if (verdict.learning) {
      return { score: 0, explanation: `learning: ${stream.points} of ${stream.config.warmup} points seen` };
    }
    if (verdict.strength > 0) {
      const span = stream.config.blockSize * stream.config.window;
      return {
        score: squash(verdict.strength),
        explanation: `the last ~${span} points form a pattern unlike any of the ${stream.art.norms.length} learned (resonance ${verdict.best.toFixed(2)} below vigilance ${stream.art.rhoLow.toFixed(2)})`,
      };
    }
    return { score: 0, explanation: `resonates with a learned pattern (${verdict.best.toFixed(2)})` };
  }

  snapshot(): ArtDetectorState {
    return cloneState(this.state);
  }
}

function validate(c: ArtConfig): ArtConfig {
  const positive: (keyof ArtConfig)[] = [
    'warmup',
    'blockSize',
    'window',
    'levels',
    'maxCategories',
    'trendSteps',
    'maskSteps',
  ];
  for (const key of positive) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new Error(`art detector: ${key} must be a positive integer, got ${String(v)}`);
    }
  }
  if ((c.window & (c.window - 1)) !== 0 || c.window < 2) {
    throw new Error(`art detector: window must be a power of two of at least 2 (e.g. 8), got ${c.window}`);
  }
  return c;
}

/**
 * Adaptive-resonance detector: a fuzzy ART memory of short, downsampled windows
 * with vigilance that adapts to each stream; a point scores when its window fits
 * no learned cluster, and repeats of a novelty are held back for a while.
 *
 * @example
 * const d = artFactory.create();
 * const { score } = d.update(Date.parse('2026-01-01T00:00:00Z'), 42);
 */
export const artFactory: DetectorFactory<ArtConfig, ArtDetectorState> = {
  name: 'art',
  description: 'adaptive resonance (fuzzy ART) over downsampled windows, with vigilance adapted per stream',
  defaults: artDefaults,
  create(config) {
    const c = validate({ ...artDefaults, ...config });
    return new ArtDetector({ lastTimestamp: null, stream: createArtStream(c) });
  },
  restore(state) {
    return new ArtDetector(cloneState(state));
  },
};
