import type { Random } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The daily and weekly rhythm of a service's load, in (0, 1]: a smooth peak at `peakHour` UTC,
 * a night trough at `floor`, weekends scaled by `weekend`, and a slow day-to-day wander
 * (interpolated between days, so no step at midnight).
 */
export interface Rhythm {
  peakHour: number;
  /** Load at the deepest point of the night, as a fraction of the peak. */
  floor: number;
  /** Larger is a narrower peak. */
  sharpness: number;
  /** Weekend load as a fraction of a weekday's. */
  weekend: number;
  /** Per-day multiplicative wander, one knot per day from the first day. */
  dayFactors: number[];
  firstDay: number;
}

/** A rhythm drawn for one series covering [start, end] ms. */
export function drawRhythm(random: Random, start: number, end: number): Rhythm {
  const firstDay = Math.floor(start / DAY);
  const days = Math.floor(end / DAY) - firstDay + 2;
  const wander = random.uniform(0.02, 0.07);
  const dayFactors: number[] = [];
  let log = 0;
  for (let d = 0; d < days; d++) {
    log = 0.7 * log + wander * random.normal();
    dayFactors.push(Math.exp(log));
  }
  return {
    peakHour: random.uniform(12, 21),
    floor: random.uniform(0.12, 0.6),
    sharpness: random.uniform(0.6, 2.2),
    weekend: random.chance(0.2) ? 1 : random.uniform(0.45, 0.95),
    dayFactors,
    firstDay,
  };
}

/** The load at time t (ms), in (0, 1] before the day-to-day wander. */
export function loadAt(r: Rhythm, t: number): number {
  const hour = (t % DAY) / HOUR;
  const c = Math.cos((2 * Math.PI * (hour - r.peakHour)) / 24);
  const shape = Math.exp(r.sharpness * (c - 1));
  const floorShape = Math.exp(-2 * r.sharpness);
  const daily = r.floor + ((1 - r.floor) * (shape - floorShape)) / (1 - floorShape);
  // Each day's factor (weekend and wander) holds at its noon and blends linearly into the next
  // day's, so a weekend fades in overnight instead of stepping at midnight.
  const dayIndex = t / DAY - r.firstDay - 0.5;
  const d = Math.max(0, Math.min(r.dayFactors.length - 2, Math.floor(dayIndex)));
  const f = Math.min(1, Math.max(0, dayIndex - d));
  const factor = (k: number) => r.dayFactors[k]! * weekFactor(r, r.firstDay + k);
  const wander = factor(d) * (1 - f) + factor(d + 1) * f;
  return daily * wander;
}

function weekFactor(r: Rhythm, day: number): number {
  // 1970-01-01 was a Thursday: day 0 is weekday 4; Saturday is 6, Sunday 0.
  const weekday = (day + 4) % 7;
  return weekday === 0 || weekday === 6 ? r.weekend : 1;
}

/** Hours since midnight UTC, for periodic jobs. */
export function hourOfDay(t: number): number {
  return (t % DAY) / HOUR;
}
