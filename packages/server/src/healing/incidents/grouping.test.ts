import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { episodeStart } from './grouping.js';

describe('episodeStart', () => {
  it('is the first start while alerts overlap, and the reopening alert after a quiet gap', () => {
    expect(episodeStart([])).toBeUndefined();
    expect(episodeStart([{ startsAt: 100, endsAt: null }])).toBe(100);
    // A cascade: the cause's alert ended after the effect's began, so one episode.
    expect(
      episodeStart([
        { startsAt: 100, endsAt: 250 },
        { startsAt: 200, endsAt: null },
      ]),
    ).toBe(100);
    // Resolved at 250, reopened at 400: ranked from 400.
    expect(
      episodeStart([
        { startsAt: 400, endsAt: null },
        { startsAt: 100, endsAt: 250 },
      ]),
    ).toBe(400);
    // A still-firing early alert keeps every later one in its episode.
    expect(
      episodeStart([
        { startsAt: 100, endsAt: null },
        { startsAt: 150, endsAt: 160 },
        { startsAt: 900, endsAt: null },
      ]),
    ).toBe(100);
  });

  it('is always the start of one of the alerts, and no alert starting after it ends before it', () => {
    const span = fc
      .tuple(fc.integer({ min: 0, max: 1_000 }), fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }))
      .map(([startsAt, length]) => ({ startsAt, endsAt: length === null ? null : startsAt + length }));
    fc.assert(
      fc.property(fc.array(span, { minLength: 1, maxLength: 20 }), (spans) => {
        const start = episodeStart(spans) as number;
        expect(spans.some((s) => s.startsAt === start)).toBe(true);
        // Everything before the episode had ended before it began.
        for (const s of spans) if (s.startsAt < start) expect(s.endsAt ?? Number.POSITIVE_INFINITY).toBeLessThan(start);
      }),
    );
  });
});
