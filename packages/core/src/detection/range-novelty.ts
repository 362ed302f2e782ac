/**
 * Values outside everything seen so far. A metric that has lived between 12
 * and 48 for days and now reads 60 is news regardless of its noise; this is the
 * component that says so, with a tolerance so slow drift is not news.
 */
export interface RangeNoveltyConfig {
  /** Fraction of the seen range a value must exceed it by to count. */
  tolerance: number;
  /** Points to see before judging (the range is meaningless before). */
  warmup: number;
}

/** Everything the range component remembers. */
export interface RangeNoveltyState {
  config: RangeNoveltyConfig;
  seen: number;
  min: number;
  max: number;
}

/** Defaults tuned once on the whole NAB corpus. */
export const rangeNoveltyDefaults: RangeNoveltyConfig = { tolerance: 0.05, warmup: 150 };

/** Creates an empty component. */
export function createRangeNovelty(config: Partial<RangeNoveltyConfig> = {}): RangeNoveltyState {
  return { config: { ...rangeNoveltyDefaults, ...config }, seen: 0, min: 0, max: 0 };
}

/**
 * Scores one value against the range seen before it (0 inside; rising from
 * 0.5 towards 1 as the excess grows to a whole range), then widens the range.
 */
export function updateRangeNovelty(s: RangeNoveltyState, value: number): number {
  let score = 0;
  if (s.seen === 0) {
    s.min = value;
    s.max = value;
  } else if (s.seen >= s.config.warmup) {
    const range = s.max - s.min;
    const excess = value > s.max ? value - s.max : value < s.min ? s.min - value : 0;
    const slack = s.config.tolerance * range;
    if (excess > slack) {
      const relative = range > 0 ? (excess - slack) / range : 1;
      score = 0.5 + 0.5 * Math.min(1, relative);
    }
  }
  s.seen++;
  if (value < s.min) s.min = value;
  if (value > s.max) s.max = value;
  return score;
}
