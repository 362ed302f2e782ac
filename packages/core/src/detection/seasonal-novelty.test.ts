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

test('a slot whose last step gets no points is judged as soon as the next slot begins', () => {
  const s = createSeasonalNovelty();
  const lastDay = 10 * DAY_POINTS;
  const judged: { at: number; window: string; mean: number }[] = [];
  for (let i = 0; i < 11 * DAY_POINTS; i++) {
    const minute = (i - lastDay) * 5;
    // 02:00–02:25 of the last day reads 1000; then nothing arrives until 03:00.
    if (i >= lastDay && minute >= 150 && minute < 180) continue;
    const value = i >= lastDay && minute >= 120 && minute < 150 ? 1000 : dayAndNight(i);
    const score = updateSeasonalNovelty(s, i * FIVE_MINUTES, value);
    if (i >= lastDay && score > 0.5) judged.push({ at: minute, window: describeSlot(s), mean: Math.round(s.mean) });
  }
  // The window 01:30–02:30 is the only one of the 02:00–03:00 slot; it is judged by the first point at 03:00.
  expect(judged).toEqual([{ at: 180, window: '01:30–02:30 UTC', mean: 505 }]);
});

test('weekly windows name their day, and both days when they run past midnight', () => {
  const s = createSeasonalNovelty({ period: 7 * 24 * 3_600_000, slots: 56, hops: 3 });
  const wednesday = Date.parse('2026-11-25T00:00:00Z');
  s.judgedStart = wednesday + 21 * 3_600_000;
  expect(describeSlot(s)).toBe('Wednesday 21:00–00:00 UTC');
  s.judgedStart = wednesday + 22 * 3_600_000;
  expect(describeSlot(s)).toBe('Wednesday 22:00–Thursday 01:00 UTC');
});

test('settings that cannot describe a season are refused with the rule they break', () => {
  expect(() => createSeasonalNovelty({ hops: 0 })).toThrow(/hops must be a whole number of at least 1 \(got 0\)/);
  expect(() => createSeasonalNovelty({ slots: 2.5 })).toThrow(/slots must be a whole number/);
  expect(() => createSeasonalNovelty({ period: -1 })).toThrow(/period must be a positive number of ms/);
});
