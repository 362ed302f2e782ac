import { expect, test } from 'vitest';
import { createSeasonalNovelty, updateSeasonalNovelty } from './seasonal-novelty.js';

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
