import { type ArtConfig, type ArtStreamState, type ArtVerdict, createArtStream, updateArtStream } from './stream.js';

/**
 * Settings of the multi-scale resonance detector. A stream's length is never
 * known in advance, so instead of one block size the detector runs a ladder of
 * them: fine blocks go live after a short warm-up, and each coarser scale takes
 * over once it has seen enough points to learn from, after which the finer ones
 * are dropped. Early on the detector reacts at a fine time scale; on a long
 * stream it settles on a coarse, cheap, less jumpy one.
 */
export interface ArtLadderConfig extends Omit<ArtConfig, 'warmup' | 'blockSize' | 'trendSteps'> {
  /** Block sizes from fine to coarse, each taking over from the previous one. */
  blockSizes: number[];
  /** Blocks a scale learns from before it goes live (its warm-up is this many blocks, at least `minWarmup` points). */
  warmupBlocks: number;
  /** No scale goes live before this many points. */
  minWarmup: number;
  /** A coarser scale takes over only once the stream is this many times its warm-up long, having learned in silence till then. */
  handover: number;
}

/** The scales still running, finest first; the first one is the one that speaks. */
export interface ArtLadderState {
  stages: ArtStreamState[];
}

/** The stream config of the scale with block size `blockSize`. */
export function stageConfig(c: ArtLadderConfig, blockSize: number): ArtConfig {
  const { blockSizes: _sizes, warmupBlocks, minWarmup, handover: _handover, ...shared } = c;
  const warmup = Math.max(minWarmup, blockSize * warmupBlocks);
  return { ...shared, blockSize, warmup, trendSteps: Math.floor(warmup / blockSize) };
}

/** Creates every scale of the ladder. */
export function createLadder(c: ArtLadderConfig): ArtLadderState {
  return { stages: c.blockSizes.map((b) => createArtStream(stageConfig(c, b))) };
}

/** Feeds a point to every running scale; returns the speaking scale's verdict and that scale. */
export function updateLadder(
  l: ArtLadderState,
  value: number,
  handover: number,
): { verdict: ArtVerdict; stage: ArtStreamState } {
  let speaking = 0;
  let verdict = updateArtStream(l.stages[0]!, value);
  for (let i = 1; i < l.stages.length; i++) {
    const stage = l.stages[i]!;
    const v = updateArtStream(stage, value);
    if (!v.learning && stage.points >= handover * stage.config.warmup) {
      speaking = i;
      verdict = v;
    }
  }
  // A coarser scale that has gone live makes the finer ones redundant.
  if (speaking > 0) l.stages.splice(0, speaking);
  return { verdict, stage: l.stages[0]! };
}
