import { createExceedance, type ExceedanceState, updateExceedance } from './exceedance.js';
import { quantile } from './sorted-window.js';

/**
 * Seasonality breaks: the average of each slot of the day (an hour by default)
 * against the same slot on the last few days. A busy Monday morning that stays
 * quiet, or a night that is as busy as a day, can look ordinary to range and
 * pattern novelty (both shapes occur every day, just not at this hour). The
 * distance to the nearest same-slot average, in units of the range of slot
 * averages seen, is judged against its own history as pattern novelty is.
 *
 * An event rarely starts on the hour. Each slot is therefore looked at through
 * `hops` windows of a slot's length, ending at even steps inside it (on the hour
 * and on the half hour for two), and judged once, by the window that differs most
 * from its own past: an event from 14:30 to 15:30 counts in full instead of being
 * split across two hourly averages, and a slot still raises at most one alarm.
 */
export interface SeasonalNoveltyConfig {
  /** Length of one season in ms (a day). */
  period: number;
  /** Slots per season. */
  slots: number;
  /** Windows per slot, ending at even steps (1 = the slot alone). */
  hops: number;
  /** Past seasons kept per window. */
  seasons: number;
  /** Past seasons a window needs before it is compared. */
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
  /** Points a window must hold to be compared or remembered (an average of one or two points is mostly noise). */
  minPoints: number;
}

/** A window compared with its past, waiting for its slot to be judged. */
export interface SeasonalCandidate {
  /** The slot it belongs to, counted since the epoch. */
  slot: number;
  /** Start of the window, ms since the epoch. */
  start: number;
  distance: number;
  mean: number;
  nearest: number;
}

/** Everything the seasonal component remembers. */
export interface SeasonalNoveltyState {
  config: SeasonalNoveltyConfig;
  /**
   * The step being filled (a slot / hops), counted since the epoch. Still called `slot`: with one
   * window per slot the two are the same, and states saved before windows existed use this name.
   */
  slot: number | null;
  sum: number;
  count: number;
  /** The last closed steps, newest last: [step, average, points]. */
  recent: [number, number, number][];
  /** Per step of the season, the averages of the windows ending there on past seasons, newest last. */
  past: number[][];
  /** The window of the current slot furthest from its past so far. */
  candidate: SeasonalCandidate | null;
  min: number | null;
  max: number | null;
  calibration: ExceedanceState;
  /** The last judgement, for explanations. */
  score: number;
  mean: number;
  nearest: number;
  /** Start of the window behind the last judgement, ms since the epoch (absent in states saved before it existed). */
  judgedStart?: number;
}

/** Defaults tuned once on the whole NAB corpus (never per file). */
export const seasonalNoveltyDefaults: SeasonalNoveltyConfig = {
  period: 86_400_000,
  slots: 24,
  hops: 2,
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
  for (const key of ['slots', 'hops', 'seasons', 'minSeasons', 'minPoints'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1) {
      throw new RangeError(`seasonal novelty: ${key} must be a whole number of at least 1 (got ${c[key]})`);
    }
  }
  if (!(c.period > 0))
    throw new RangeError(`seasonal novelty: period must be a positive number of ms (got ${c.period})`);
  return {
    config: c,
    slot: null,
    sum: 0,
    count: 0,
    recent: [],
    past: Array.from({ length: c.slots * c.hops }, () => []),
    candidate: null,
    min: null,
    max: null,
    calibration: createExceedance({ history: c.calibration, upper: c.upper, learningPeriod: c.learningPeriod }),
    score: 0,
    mean: 0,
    nearest: 0,
  };
}

/**
 * Brings a state saved before windows per slot existed up to date: it keeps judging
 * each slot by itself (one window), exactly as it did when it was saved.
 */
export function upgradeSeasonalNovelty(s: SeasonalNoveltyState): SeasonalNoveltyState {
  s.config.hops ??= 1;
  s.recent ??= [];
  s.candidate ??= null;
  return s;
}

function stepMs(c: SeasonalNoveltyConfig): number {
  return c.period / (c.slots * c.hops);
}

/** The slot's verdict: its most distant window against the history of verdicts. */
function judge(s: SeasonalNoveltyState, candidate: SeasonalCandidate): number {
  const c = s.config;
  const typical = Math.exp(quantile(s.calibration.window, 0.5));
  let score = updateExceedance(s.calibration, Math.log(candidate.distance + c.distanceFloor)).score;
  if (c.minRatio > 1) {
    // Rare is not enough for noisy metrics: the slot must also be clearly further than usual.
    const lr = Math.log((candidate.distance + c.distanceFloor) / typical);
    score *= Math.max(0, Math.min(1, lr / Math.log(c.minRatio)));
  }
  s.mean = candidate.mean;
  s.nearest = candidate.nearest;
  s.judgedStart = candidate.start;
  return score;
}

/**
 * Compares the window ending with `step` to the same window on past seasons, keeps it as its
 * slot's candidate if no window of the slot so far differs more, and remembers it.
 */
function closeWindow(s: SeasonalNoveltyState, step: number, mean: number): void {
  const c = s.config;
  s.min = s.min === null ? mean : Math.min(s.min, mean);
  s.max = s.max === null ? mean : Math.max(s.max, mean);
  const steps = c.slots * c.hops;
  const past = s.past[((step % steps) + steps) % steps]!;
  const slot = Math.floor(step / c.hops);
  if (past.length >= c.minSeasons) {
    let nearest = past[0]!;
    for (const p of past) if (Math.abs(p - mean) < Math.abs(nearest - mean)) nearest = p;
    const range = s.max * 0.5 - s.min * 0.5 || 0.5;
    const distance = Math.abs(nearest * 0.5 - mean * 0.5) / range;
    if (!s.candidate || distance > s.candidate.distance) {
      s.candidate = { slot, start: (step - c.hops + 1) * stepMs(c), distance, mean, nearest };
    }
  }
  past.push(mean);
  if (past.length > c.seasons) past.shift();
}

/** Feeds one point; returns the novelty of a slot when the point closes it, 0 otherwise. */
export function updateSeasonalNovelty(s: SeasonalNoveltyState, timestamp: number, value: number): number {
  const c = s.config;
  const step = Math.floor(timestamp / stepMs(c));
  let score = 0;
  if (s.slot !== null && step !== s.slot && s.count > 0) {
    s.recent.push([s.slot, s.sum, s.count]);
    if (s.recent.length > c.hops) s.recent.shift();
    // The window is the last `hops` steps; steps missing from it (a gap) just hold no points.
    let points = 0;
    let mean = 0;
    for (const [index, average, n] of s.recent) {
      if (index <= s.slot - c.hops) continue;
      points += n;
      mean += (average - mean) * (n / points);
    }
    if (points >= c.minPoints) closeWindow(s, s.slot, mean);
  }
  // A slot is judged as soon as a later slot begins, when none of its windows can close any more:
  // usually with the point that closes its last step, and after a gap (its last step skipped or too
  // thin to close a window) with the first point that arrives.
  if (s.candidate && Math.floor(step / c.hops) !== s.candidate.slot) {
    score = judge(s, s.candidate);
    s.candidate = null;
  }
  if (step !== s.slot) {
    s.slot = step;
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
  if (s.config.period <= 86_400_000) return `${clockOf(start)}–${clockOf(end)} UTC`;
  const dayOf = (ms: number) => WEEKDAYS[new Date(ms).getUTCDay()];
  // A window that runs past midnight names both days; one that ends at midnight does not.
  const endDay = dayOf(end - 1) === dayOf(start) ? '' : `${dayOf(end)} `;
  return `${dayOf(start)} ${clockOf(start)}–${endDay}${clockOf(end)} UTC`;
}
