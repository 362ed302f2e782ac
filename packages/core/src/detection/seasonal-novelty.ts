import { createExceedance, type ExceedanceState, updateExceedance } from './exceedance.js';
import { quantile } from './sorted-window.js';

/**
 * Seasonality breaks: the average of each slot of the day (an hour by default)
 * against the same slot on the last few days. A busy Monday morning that stays
 * quiet, or a night that is as busy as a day, can look ordinary to range and
 * pattern novelty (both shapes occur every day, just not at this hour). The
 * distance to the nearest same-slot average, in units of the range of slot
 * averages seen, is judged against its own history as pattern novelty is.
 */
export interface SeasonalNoveltyConfig {
  /** Length of one season in ms (a day). */
  period: number;
  /** Slots per season. */
  slots: number;
  /** Past seasons kept per slot. */
  seasons: number;
  /** Past seasons a slot needs before it is judged. */
  minSeasons: number;
  /** Distances kept to judge the current one (three weeks of hourly slots, so weekly rhythms are in it). */
  calibration: number;
  /**
   * Distances to collect before scoring. "Beyond the 99.9th percentile" of a few
   * dozen distances means little; two days of slots keep a young calibration quiet.
   */
  learningPeriod: number;
  /** Quantile of past distances beyond which a slot is news. */
  upper: number;
  /** Distance (as a fraction of the range) below which slots count as the same. */
  distanceFloor: number;
  /** Distance ratio to the typical one below which scores are scaled down (≤ 1 = off). */
  minRatio: number;
  /** Points a slot must hold to be judged or remembered (an average of one or two points is mostly noise). */
  minPoints: number;
}

/** Everything the seasonal component remembers. */
export interface SeasonalNoveltyState {
  config: SeasonalNoveltyConfig;
  /** The slot being filled, as a count of slot lengths since the epoch. */
  slot: number | null;
  sum: number;
  count: number;
  /** Per slot of the season, its averages on past seasons, newest last. */
  past: number[][];
  min: number | null;
  max: number | null;
  calibration: ExceedanceState;
  /** The last judgement, for explanations. */
  score: number;
  mean: number;
  nearest: number;
  /** Start of the last judged slot, ms since the epoch (absent in states saved before it existed). */
  judgedStart?: number;
}

/** Defaults tuned once on the whole NAB corpus (never per file). */
export const seasonalNoveltyDefaults: SeasonalNoveltyConfig = {
  period: 86_400_000,
  slots: 24,
  seasons: 7,
  minSeasons: 5,
  calibration: 500,
  learningPeriod: 48,
  upper: 0.999,
  distanceFloor: 0.02,
  minRatio: 4,
  minPoints: 6,
};

/** Creates an empty component. */
export function createSeasonalNovelty(config: Partial<SeasonalNoveltyConfig> = {}): SeasonalNoveltyState {
  const c = { ...seasonalNoveltyDefaults, ...config };
  return {
    config: c,
    slot: null,
    sum: 0,
    count: 0,
    past: Array.from({ length: c.slots }, () => []),
    min: null,
    max: null,
    calibration: createExceedance({ history: c.calibration, upper: c.upper, learningPeriod: c.learningPeriod }),
    score: 0,
    mean: 0,
    nearest: 0,
  };
}

function judgeSlot(s: SeasonalNoveltyState, slot: number, mean: number): number {
  const c = s.config;
  s.min = s.min === null ? mean : Math.min(s.min, mean);
  s.max = s.max === null ? mean : Math.max(s.max, mean);
  const past = s.past[((slot % c.slots) + c.slots) % c.slots]!;
  let score = 0;
  if (past.length >= c.minSeasons) {
    let nearest = past[0]!;
    for (const p of past) if (Math.abs(p - mean) < Math.abs(nearest - mean)) nearest = p;
    const range = s.max * 0.5 - s.min * 0.5 || 0.5;
    const distance = Math.abs(nearest * 0.5 - mean * 0.5) / range;
    const typical = Math.exp(quantile(s.calibration.window, 0.5));
    score = updateExceedance(s.calibration, Math.log(distance + c.distanceFloor)).score;
    if (c.minRatio > 1) {
      // Rare is not enough for noisy metrics: the slot must also be clearly further than usual.
      const lr = Math.log((distance + c.distanceFloor) / typical);
      score *= Math.max(0, Math.min(1, lr / Math.log(c.minRatio)));
    }
    s.mean = mean;
    s.nearest = nearest;
    s.judgedStart = slot * (c.period / c.slots);
  }
  past.push(mean);
  if (past.length > c.seasons) past.shift();
  return score;
}

/** Feeds one point; returns the novelty of a slot when the point closes it, 0 otherwise. */
export function updateSeasonalNovelty(s: SeasonalNoveltyState, timestamp: number, value: number): number {
  const slot = Math.floor(timestamp / (s.config.period / s.config.slots));
  let score = 0;
  if (s.slot !== null && slot !== s.slot && s.count >= s.config.minPoints) score = judgeSlot(s, s.slot, s.sum);
  if (slot !== s.slot) {
    s.slot = slot;
    s.sum = 0;
    s.count = 0;
  }
  // A running mean (rather than a sum) keeps even values near the largest double finite.
  s.count++;
  s.sum += (value - s.sum) / s.count;
  s.score = score;
  return score;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function clockOf(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/**
 * When the last judged slot ran, as a reader finds it on a dashboard: "14:00–15:00 UTC", with
 * the weekday when the season is longer than a day. Empty before any judgement.
 */
export function describeSlot(s: SeasonalNoveltyState): string {
  if (s.judgedStart === undefined) return '';
  const start = s.judgedStart;
  const end = start + s.config.period / s.config.slots;
  const day = s.config.period > 86_400_000 ? `${WEEKDAYS[new Date(start).getUTCDay()]} ` : '';
  return `${day}${clockOf(start)}–${clockOf(end)} UTC`;
}
