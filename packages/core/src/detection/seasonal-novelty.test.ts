import { expect, test } from 'vitest';
import {
  createSeasonalNovelty,
  describeSlot,
  updateSeasonalNovelty,
  upgradeSeasonalNovelty,
} from './seasonal-novelty.js';

const FIVE_MINUTES = 300_000;
const DAY_POINTS = 288;

/** Busy days, quiet nights, with a little deterministic noise. */
function dayAndNight(i: number): number {
  const hour = Math.floor((i % DAY_POINTS) / 12);
  return (hour >= 8 && hour < 20 ? 100 : 10) + ((i * 7919) % 11) / 5;
}

function feed(days: number, value: (i: number) => number) {
  const s = createSeasonalNovelty();
  let best = 0;
  let bestAt = -1;
  for (let i = 0; i < days * DAY_POINTS; i++) {
    const score = updateSeasonalNovelty(s, i * FIVE_MINUTES, value(i));
    if (i >= (days - 1) * DAY_POINTS && score > best) {
      best = score;
      bestAt = i;
    }
  }
  return { s, best, bestAt };
}

test('a metric that repeats its day stays quiet', () => {
  expect(feed(20, dayAndNight).best).toBeLessThan(0.1);
});

test('a night as busy as a day is news although that level is seen every day', () => {
  const lastDay = 19 * DAY_POINTS;
  // The last day's first hours run at the daytime level.
  const { best, bestAt } = feed(20, (i) => (i >= lastDay && i < lastDay + 36 ? 100 : dayAndNight(i)));
  expect(best).toBeGreaterThan(0.5);
  // The first busy hour of the night is judged when its slot closes, one point later.
  expect(bestAt).toBe(lastDay + 12);
});

test('slots with too few points are neither judged nor remembered', () => {
  const s = createSeasonalNovelty();
  for (let hour = 0; hour < 24 * 20; hour++) updateSeasonalNovelty(s, hour * 3_600_000, hour % 24 === 3 ? 99 : 1);
  expect(s.past.every((p) => p.length === 0)).toBe(true);
});

test('an hour that starts on the half hour is judged in full', () => {
  const lastDay = 19 * DAY_POINTS;
  // 02:30–03:30 of the last day runs at the daytime level; hourly slots would each see half of it.
  const busyHalfPast = (i: number) => (i >= lastDay + 30 && i < lastDay + 42 ? 100 : dayAndNight(i));
  const judged = (s: ReturnType<typeof createSeasonalNovelty>) => {
    const seen: { at: number; window: string; mean: number }[] = [];
    for (let i = 0; i < 20 * DAY_POINTS; i++) {
      const score = updateSeasonalNovelty(s, i * FIVE_MINUTES, busyHalfPast(i));
      if (i >= lastDay && score > 0.5)
        seen.push({ at: i - lastDay, window: describeSlot(s), mean: Math.round(s.mean) });
    }
    return seen;
  };
  // Each slot is judged once, when it closes, by its window furthest from the past: the 02:00–03:00
  // slot by itself (half busy), the 03:00–04:00 slot by the window ending at 03:30 (all busy).
  expect(judged(createSeasonalNovelty())).toEqual([
    { at: 36, window: '02:00–03:00 UTC', mean: 55 },
    { at: 48, window: '02:30–03:30 UTC', mean: 100 },
  ]);
  // Hourly slots alone never see the busy hour whole.
  expect(judged(createSeasonalNovelty({ hops: 1 })).map((j) => j.mean)).toEqual([55, 56]);
});

test('a state saved before windows per slot existed resumes exactly as it would have gone on', () => {
  const older = createSeasonalNovelty({ hops: 1 });
  for (let i = 0; i < 12 * DAY_POINTS; i++) updateSeasonalNovelty(older, i * FIVE_MINUTES, dayAndNight(i));
  const saved = JSON.parse(JSON.stringify(older));
  delete saved.config.hops;
  delete saved.recent;
  delete saved.candidate;
  const resumed = upgradeSeasonalNovelty(saved);
  for (let i = 12 * DAY_POINTS; i < 14 * DAY_POINTS; i++) {
    const value = i % 97 === 0 ? 60 : dayAndNight(i);
    expect(updateSeasonalNovelty(resumed, i * FIVE_MINUTES, value)).toBe(
      updateSeasonalNovelty(older, i * FIVE_MINUTES, value),
    );
  }
});
