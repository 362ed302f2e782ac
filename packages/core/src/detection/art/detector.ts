import { cloneState, rejectInput } from '../input.js';
import type { DetectionResult, Detector, DetectorFactory } from '../types.js';
import { type ArtLadderConfig, type ArtLadderState, createLadder, updateLadder } from './stages.js';

/** Everything the adaptive-resonance detector remembers. */
export interface ArtDetectorState {
  lastTimestamp: number | null;
  config: ArtLadderConfig;
  ladder: ArtLadderState;
}

/** One configuration for every stream; nothing here depends on a stream's length. */
export const artDefaults: ArtLadderConfig = {
  blockSizes: [2, 4, 7],
  warmupBlocks: 104,
  minWarmup: 150,
  handover: 6.7,
  rangePoints: Number.MAX_SAFE_INTEGER,
  rangeMargin: 0,
  window: 8,
  levels: 80,
  maxCategories: 128,
  seedVigilance: 0.8,
  judgeEarly: 'extremes',
  snapToMedian: 0.075,
  maskSteps: 12,
  maxRhoHigh: 0.97,
};

// Most points say the same thing; one shared string keeps the hot path free of formatting.
const FITS = 'the recent points fit a learned pattern';

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
    const { verdict, stage: stream } = updateLadder(s.ladder, value, s.config.handover);
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
    return { score: 0, explanation: FITS };
  }

  snapshot(): ArtDetectorState {
    return cloneState(this.state);
  }

  serialize(encode: (state: ArtDetectorState) => string = JSON.stringify): string {
    return encode(this.state);
  }
}

function validate(c: ArtLadderConfig): ArtLadderConfig {
  const positive: (keyof ArtLadderConfig)[] = [
    'warmupBlocks',
    'minWarmup',
    'window',
    'levels',
    'maxCategories',
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
  if (
    c.blockSizes.length === 0 ||
    c.blockSizes.some((b, i) => !Number.isInteger(b) || b < 1 || b <= (c.blockSizes[i - 1] ?? 0))
  ) {
    throw new Error(
      `art detector: blockSizes must be increasing positive integers (e.g. [1, 2, 4, 7]), got [${c.blockSizes.join(', ')}]`,
    );
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
export const artFactory: DetectorFactory<ArtLadderConfig, ArtDetectorState> = {
  name: 'art',
  description: 'adaptive resonance (fuzzy ART) over downsampled windows, with vigilance adapted per stream',
  defaults: artDefaults,
  create(config) {
    const c = validate({ ...artDefaults, ...config });
    return new ArtDetector({ lastTimestamp: null, config: c, ladder: createLadder(c) });
  },
  restore(state) {
    return new ArtDetector(cloneState(state));
  },
};
