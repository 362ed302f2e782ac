import {
  addToBlock,
  type BlockState,
  blockValue,
  closeBlock,
  createBlock,
  features,
  flatSpan,
  type RangeState,
  scale,
} from './features.js';
import {
  complementCode,
  createFuzzyArt,
  type FuzzyArtState,
  probeFuzzyArt,
  rescaleFuzzyArt,
  trainFuzzyArt,
} from './fuzzy-art.js';
import {
  afterStep,
  createVigilance,
  initialVigilance,
  isFresh,
  noveltyStrength,
  recordNovelty,
  type VigilanceConfig,
  type VigilanceState,
} from './vigilance.js';

/** Settings of the resonance detector; one set serves every stream. */
export interface ArtConfig extends VigilanceConfig {
  /** Points seen before anything is scored; the range and starting vigilance are learned from them. */
  warmup: number;
  /** Until this many points, a value outside the range widens it (and the memory is re-expressed); later it is clipped. */
  rangePoints: number;
  /** Headroom added on each side of the range seen, as a fraction of it, so ordinary growth does not fill the scale. */
  rangeMargin: number;
  /** Raw points folded into one block value. */
  blockSize: number;
  /** Block values per feature vector (a power of two). */
  window: number;
  /** Quantisation steps of a scaled block value. */
  levels: number;
  /** Most categories the memory keeps. */
  maxCategories: number;
  /** Vigilance used to measure the warm-up's self-resonance. */
  seedVigilance: number;
  /**
   * When the unfinished block is judged (without learning) so a novelty is
   * reported as its point arrives: `always`, only when the point is a new
   * extreme of the range (`extremes`), or `never` (only at block ends).
   */
  judgeEarly: 'always' | 'extremes' | 'never';
  /** A scaled block value this close to the running median becomes the median (noise is not a pattern). */
  snapToMedian: number;
}

/** Everything the resonance detector remembers between points. */
export interface ArtStreamState {
  config: ArtConfig;
  points: number;
  block: BlockState;
  range: RangeState;
  /** Raw block values of the warm-up, scaled only once the warm-up range is known. */
  warmupBlocks: number[];
  /** Scaled block values of the current window, oldest first. */
  window: number[];
  /** How many block values fell on each quantisation level: the running median comes from it. */
  levelCounts: number[];
  levelTotal: number;
  /** Learning steps (completed blocks with a full window). */
  step: number;
  art: FuzzyArtState;
  vigilance: VigilanceState;
}

/** What the stream made of one point. */
export interface ArtVerdict {
  /** Novelty strength (0 when nothing new). */
  strength: number;
  best: number;
  learning: boolean;
}

// Shared verdicts for the common cases, so most points allocate nothing.
const LEARNING: ArtVerdict = Object.freeze({ strength: 0, best: 1, learning: true });
const QUIET: ArtVerdict = Object.freeze({ strength: 0, best: 1, learning: false });

/** Creates the stream state for a config. */
export function createArtStream(config: ArtConfig): ArtStreamState {
  return {
    config,
    points: 0,
    block: createBlock(),
    range: { low: 0, high: 0 },
    warmupBlocks: [],
    window: [],
    levelCounts: Array.from({ length: config.levels + 1 }, () => 0),
    levelTotal: 0,
    step: 0,
    art: createFuzzyArt(2 * config.window, config.maxCategories),
    vigilance: createVigilance(config),
  };
}

const buffers = {
  vector: new Float64Array(0),
  coded: new Float64Array(0),
  work: new Float64Array(0),
  window: [] as number[],
};

function ensureBuffers(window: number): void {
  if (buffers.vector.length === 2 * window) return;
  buffers.vector = new Float64Array(2 * window);
  buffers.coded = new Float64Array(4 * window);
  buffers.work = new Float64Array(2 * window);
}

/** Feeds one valid point; returns the novelty verdict for it. */
export function updateArtStream(s: ArtStreamState, value: number): ArtVerdict {
  const c = s.config;
  ensureBuffers(c.window);
  s.points++;
  const widened = s.points <= c.rangePoints && widenRange(s, value);
  addToBlock(s.block, value);
  const blockDone = s.block.count >= c.blockSize;
  if (s.points <= c.warmup) {
    if (blockDone) {
      const { value: v, level } = blockValue(s.block);
      s.warmupBlocks.push(v);
      closeBlock(s.block, level);
    }
    if (s.points === c.warmup) finishWarmup(s);
    return LEARNING;
  }
  if (!blockDone) {
    const early = c.judgeEarly === 'always' || (c.judgeEarly === 'extremes' && widened);
    return early ? probePartial(s) : QUIET;
  }
  const { value: v, level } = blockValue(s.block);
  closeBlock(s.block, level);
  pushWindow(s.window, settle(s, scaled(s, v), true), c.window);
  if (s.window.length < c.window) return QUIET;
  return learn(s, true);
}

/** Widens the range to take `value`; true when it did. */
function widenRange(s: ArtStreamState, value: number): boolean {
  const r = s.range;
  if (s.points === 1) {
    r.low = value;
    r.high = value;
    return false;
  }
  if (value >= r.low && value <= r.high) return false;
  const before = { ...r };
  if (value < r.low) r.low = value;
  if (value > r.high) r.high = value;
  if (s.points <= s.config.warmup) return true;
  // Keep the learned memory and window meaning what they meant: u_old maps to a·u_old + b.
  const m = s.config.rangeMargin;
  const newSpan = spanOf(r, m);
  const a = spanOf(before, m) / newSpan;
  const b = (lowOf(before, m) - lowOf(r, m)) / newSpan;
  rescaleFuzzyArt(s.art, s.config.window, a, b);
  rebinLevels(s, a, b);
  for (let k = 0; k < s.window.length; k++) s.window[k] = a * s.window[k]! + b;
  return true;
}

/** Width of the scaled interval: the range seen plus a margin on each side. */
function spanOf(r: RangeState, margin: number): number {
  return (r.high > r.low ? r.high - r.low : flatSpan(r.high)) * (1 + 2 * margin);
}

/** Value that scales to 0. */
function lowOf(r: RangeState, margin: number): number {
  const base = r.high > r.low ? r.high - r.low : flatSpan(r.high);
  return r.high > r.low ? r.low - margin * base : r.low - base / 2 - margin * base;
}

function scaled(s: ArtStreamState, v: number): number {
  const r = s.range;
  const low = lowOf(r, s.config.rangeMargin);
  return scale({ low, high: low + spanOf(r, s.config.rangeMargin) }, v, s.config.levels);
}

/** Counts the level (when `count`) and snaps it to the running median when close. */
function settle(s: ArtStreamState, u: number, count: boolean): number {
  const levels = s.config.levels;
  if (count) {
    s.levelCounts[Math.round(u * levels)]!++;
    s.levelTotal++;
  }
  if (s.levelTotal === 0) return u;
  const half = s.levelTotal / 2;
  let seen = 0;
  let level = 0;
  while (level < levels && seen + s.levelCounts[level]! < half) seen += s.levelCounts[level++]!;
  const median = level / levels;
  return Math.abs(u - median) < s.config.snapToMedian ? median : u;
}

function rebinLevels(s: ArtStreamState, a: number, b: number): void {
  const levels = s.config.levels;
  const moved = s.levelCounts.map(() => 0);
  s.levelCounts.forEach((n, i) => {
    const j = Math.round((a * (i / levels) + b) * levels);
    moved[Math.max(0, Math.min(levels, j))]! += n;
  });
  s.levelCounts = moved;
}

function pushWindow(window: number[], v: number, size: number): void {
  if (window.length >= size) window.shift();
  window.push(v);
}

function finishWarmup(s: ArtStreamState): void {
  const c = s.config;
  const vectors: Float64Array[] = [];
  for (const raw of s.warmupBlocks) {
    pushWindow(s.window, settle(s, scaled(s, raw), true), c.window);
    if (s.window.length < c.window) continue;
    features(s.window, buffers.vector, buffers.work);
    vectors.push(buffers.vector.slice());
  }
  s.warmupBlocks = [];
  const rho = initialVigilance(vectors, 2 * c.window, c.seedVigilance);
  s.art.rhoLow = rho;
  s.art.rhoHigh = rho;
  for (const vector of vectors) {
    s.step++;
    complementCode(vector, buffers.coded);
    const r = trainFuzzyArt(s.art, buffers.coded);
    afterStep(s.vigilance, c, s.art, s.step, r.best, r.kind === 'novel', false);
  }
}

function learn(s: ArtStreamState, mayReport: boolean): ArtVerdict {
  const c = s.config;
  s.step++;
  features(s.window, buffers.vector, buffers.work);
  complementCode(buffers.vector, buffers.coded);
  const r = trainFuzzyArt(s.art, buffers.coded);
  let strength = 0;
  if (mayReport && r.kind === 'novel' && isFresh(s.vigilance, c, s.step, r.best)) {
    strength = noveltyStrength(r.best, r.bestLevel, s.art);
    recordNovelty(s.vigilance, s.step, r.best);
  }
  afterStep(s.vigilance, c, s.art, s.step, r.best, r.kind === 'novel', true);
  return { strength, best: r.best, learning: false };
}

/** Judges the window as it would be if the unfinished block closed now, without learning it. */
function probePartial(s: ArtStreamState): ArtVerdict {
  const c = s.config;
  if (s.window.length < c.window - 1 || s.art.norms.length === 0) return QUIET;
  const { value: v } = blockValue(s.block);
  const w = buffers.window;
  w.length = 0;
  for (let k = s.window.length - c.window + 1; k < s.window.length; k++) w.push(s.window[k]!);
  w.push(settle(s, scaled(s, v), false));
  features(w, buffers.vector, buffers.work);
  complementCode(buffers.vector, buffers.coded);
  const r = probeFuzzyArt(s.art, buffers.coded);
  const step = s.step + 1;
  if (r.kind !== 'novel' || !isFresh(s.vigilance, c, step, r.best))
    return { strength: 0, best: r.best, learning: false };
  recordNovelty(s.vigilance, step, r.best);
  return { strength: noveltyStrength(r.best, r.bestLevel, s.art), best: r.best, learning: false };
}
