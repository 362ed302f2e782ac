import { createDetector, LIVE_DETECTOR } from '@aurora/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feed, resume, type SeriesRuntime } from './series-state.js';

function runtime(): SeriesRuntime {
  return {
    id: 1,
    partition: 0,
    metric: 'cpu_usage_pct',
    labels: { node: 'n' },
    node: 'n',
    detector: createDetector(LIVE_DETECTOR),
    lastTs: Number.MIN_SAFE_INTEGER,
    points: 0,
    dirty: false,
  };
}

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const nonFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

describe('live series state', () => {
  it('NaN and ±Infinity anywhere, and a snapshot round trip through the store anywhere, never change a score', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ arbitrary: finite, weight: 4 }, { arbitrary: nonFinite, weight: 1 }), {
          minLength: 1,
          maxLength: 260,
        }),
        fc.nat(260),
        (values, cut) => {
          const clean = runtime();
          const dirty = runtime();
          const cleanScores: (number | undefined)[] = [];
          const dirtyScores: (number | undefined)[] = [];
          let ts = 1_700_000_000_000;
          for (const [i, v] of values.entries()) {
            ts += 1_000;
            if (i === cut) {
              // What the controller stores and a new owner restores.
              const stored = {
                detector: LIVE_DETECTOR,
                state: JSON.stringify(dirty.detector.snapshot()),
                lastTs: dirty.lastTs,
                points: dirty.points,
              };
              const back = resume(LIVE_DETECTOR, stored);
              expect(back.failure).toBeUndefined();
              Object.assign(dirty, { detector: back.detector, lastTs: back.lastTs, points: back.points });
            }
            const r = feed(dirty, ts, v, LIVE_DETECTOR, () => {
              throw new Error('a detector threw');
            });
            if (!Number.isFinite(v)) {
              expect(r).toBeUndefined();
              continue;
            }
            dirtyScores.push(r?.score);
            cleanScores.push(feed(clean, ts, v, LIVE_DETECTOR, () => {})?.score);
            if (r) expect(r.score >= 0 && r.score <= 1).toBe(true);
          }
          expect(dirtyScores).toEqual(cleanScores);
          expect(dirty.points).toBe(clean.points);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a snapshot from another detector, or one that is not JSON, starts the series afresh with a reason', () => {
    expect(resume(LIVE_DETECTOR, { detector: 'robust-zscore', state: '{}', lastTs: 5, points: 9 })).toMatchObject({
      points: 0,
      failure: expect.stringContaining('robust-zscore'),
    });
    expect(resume(LIVE_DETECTOR, { detector: LIVE_DETECTOR, state: '{"config', lastTs: 5, points: 9 })).toMatchObject({
      points: 0,
      failure: expect.stringContaining('did not load'),
    });
  });
});
