import { median } from './stats.js';
import type { PointMethod } from './types.js';

/** How a seasonal-profile forecast is built. */
export interface ProfileSettings {
  /** The season in milliseconds (a day, a week), or 0 for a flat forecast at the recent level. */
  periodMs: number;
  /** How many past seasons the profile is the median of. */
  cycles: number;
  /** How many recent steps set the level, in milliseconds. */
  levelMs: number;
  /** Half-width, in steps, of the moving median that smooths the profile across neighbouring phases. */
  smooth: number;
}

/**
 * Forecasts the recent level plus the typical shape of the season: for each phase of the
 * season, the median over the last `cycles` seasons of how far that phase stood from its
 * season's median. Medians everywhere, because machine metrics are spiky and the error that
 * matters is absolute: one burst last Tuesday should not repeat in every forecast.
 */
export function profileForecast(
  values: ArrayLike<number>,
  horizon: number,
  period: number,
  cycles: number,
  levelSteps: number,
  smooth: number,
): number[] {
  const n = values.length;
  const shape = period > 1 ? seasonShape(values, period, cycles, smooth) : undefined;
  const phaseOf = (i: number) => (((i - n) % period) + period) % period;
  const recent: number[] = [];
  for (let i = Math.max(0, n - levelSteps); i < n; i++) recent.push(values[i]! - (shape ? shape[phaseOf(i)]! : 0));
  const level = median(recent);
  const out = new Array<number>(horizon);
  for (let h = 0; h < horizon; h++) out[h] = level + (shape ? shape[h % period]! : 0);
  return out;
}

/**
 * The season's shape: per phase (0 = the step after the last value), the median over the last
 * `cycles` seasons of the deviation from each season's median, smoothed by a circular moving
 * median of half-width `smooth`.
 */
export function seasonShape(values: ArrayLike<number>, period: number, cycles: number, smooth: number): number[] {
  const n = values.length;
  const usable = Math.max(1, Math.min(cycles, Math.floor(n / period)));
  const deviations: number[][] = Array.from({ length: period }, () => []);
  for (let k = 1; k <= usable; k++) {
    const start = n - k * period;
    const block = Array.prototype.slice.call(values, start, start + period) as number[];
    const centre = median(block);
    for (let phase = 0; phase < period; phase++) deviations[phase]!.push(block[phase]! - centre);
  }
  const raw = deviations.map((d) => median(d));
  if (smooth <= 0) return raw;
  // Circular moving median: neighbouring phases of a day behave alike, and a wider window averages noise away.
  return raw.map((_, phase) => {
    const around: number[] = [];
    for (let j = -smooth; j <= smooth; j++) around.push(raw[(((phase + j) % period) + period) % period]!);
    return median(around);
  });
}

/** A seasonal-profile forecast as a selectable method. */
export function profileMethod(name: string, settings: ProfileSettings): PointMethod {
  const periodOf = (stepMs: number) =>
    settings.periodMs > 0 ? Math.max(1, Math.round(settings.periodMs / stepMs)) : 1;
  return {
    name,
    minHistory: (o) => Math.max(periodOf(o.stepMs), 1),
    predict: (values, o) =>
      profileForecast(
        values,
        o.horizon,
        periodOf(o.stepMs),
        settings.cycles,
        Math.max(1, Math.round(settings.levelMs / o.stepMs)),
        settings.smooth,
      ),
  };
}
