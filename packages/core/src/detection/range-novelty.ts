/**
 * Values outside everything seen recently. A metric that has lived between 12
 * and 48 for days and now reads 60 is news regardless of its noise; this is the
 * component that says so, with a tolerance so slow drift is not news.
 *
 * The range covers the last `horizon` points (0 = since the start), kept as
 * per-block minima and maxima so memory stays at 32 blocks whatever the horizon.
 */
export interface RangeNoveltyConfig {
  /** Fraction of the seen range a value must exceed it by to count. */
  tolerance: number;
  /**
   * Extra tolerance (a fraction of the range) right after warm-up, shrinking as √(warmup / seen):
   * the extremes of a few hundred points understate a metric's spread, so a young range is
   * exceeded by chance far more often than one learned over weeks.
   */
  youngTolerance: number;
  /** Points to see before judging (the range is meaningless before). */
  warmup: number;
  /** How many recent points the range covers; 0 keeps the range since the start. */
  horizon: number;
}

/** Everything the range component remembers. */
export interface RangeNoveltyState {
  config: RangeNoveltyConfig;
  seen: number;
  /** The range judged against (over the horizon). */
  min: number;
  max: number;
  /** Closed blocks, oldest first: [min, max] pairs. */
  blocks: [number, number][];
  blockMin: number;
  blockMax: number;
  blockCount: number;
}

const BLOCKS = 32;

/** Defaults tuned once on the whole NAB corpus. */
export const rangeNoveltyDefaults: RangeNoveltyConfig = {
  tolerance: 0.02,
  youngTolerance: 0.03,
  warmup: 150,
  horizon: 8640,
};

/** Creates an empty component. */
export function createRangeNovelty(config: Partial<RangeNoveltyConfig> = {}): RangeNoveltyState {
  return {
    config: { ...rangeNoveltyDefaults, ...config },
    seen: 0,
    min: 0,
    max: 0,
    blocks: [],
    blockMin: 0,
    blockMax: 0,
    blockCount: 0,
  };
}

function learn(s: RangeNoveltyState, value: number): void {
  if (s.blockCount === 0) {
    s.blockMin = value;
    s.blockMax = value;
  } else {
    s.blockMin = Math.min(s.blockMin, value);
    s.blockMax = Math.max(s.blockMax, value);
  }
  s.blockCount++;
  if (s.seen === 0) {
    s.min = value;
    s.max = value;
  }
  s.min = Math.min(s.min, value);
  s.max = Math.max(s.max, value);
  const blockSize = Math.ceil(s.config.horizon / BLOCKS);
  if (s.config.horizon <= 0 || s.blockCount < blockSize) return;
  s.blocks.push([s.blockMin, s.blockMax]);
  if (s.blocks.length > BLOCKS) s.blocks.shift();
  s.blockCount = 0;
  let min = s.blocks[0]![0];
  let max = s.blocks[0]![1];
  for (const [lo, hi] of s.blocks) {
    if (lo < min) min = lo;
    if (hi > max) max = hi;
  }
  s.min = min;
  s.max = max;
}

/**
 * Scores one value against the range seen before it (0 inside; rising from
 * 0.5 towards 1 as the excess grows to a whole range), then widens the range.
 */
export function updateRangeNovelty(s: RangeNoveltyState, value: number): number {
  let score = 0;
  if (s.seen >= s.config.warmup) {
    const range = s.max - s.min;
    const excess = value > s.max ? value - s.max : value < s.min ? s.min - value : 0;
    const { tolerance, youngTolerance, warmup } = s.config;
    const slack = (tolerance + youngTolerance * Math.sqrt(warmup / Math.max(1, s.seen))) * range;
    if (excess > slack) {
      const relative = range > 0 ? (excess - slack) / range : 1;
      score = 0.5 + 0.5 * Math.min(1, relative);
    }
  }
  learn(s, value);
  s.seen++;
  return score;
}
