import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayout, type LabelWindow } from './layout.js';
import type { CostMatrix } from './profiles.js';
import { MAX_TP, probationaryLength, scaledSigmoid } from './sigmoid.js';
import { optimiseThreshold, scoreAtThreshold, sweepThresholds } from './sweep.js';

const standard: CostMatrix = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1, tnWeight: 1 };

describe('the scaled sigmoid', () => {
  it('takes the values NAB documents at the window edges', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3.0001)).toBe(-1);
  });

  it('never rises as a detection moves later, and stays within (-1, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (x, d) => {
        expect(scaledSigmoid(x + d)).toBeLessThanOrEqual(scaledSigmoid(x));
        expect(Math.abs(scaledSigmoid(x))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is odd up to the cut-off at 3', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), (x) => {
        expect(scaledSigmoid(-x)).toBeCloseTo(-scaledSigmoid(x), 12);
      }),
    );
  });
});

describe('the probationary period', () => {
  it('is 15 % of the rows rounded down, and at most 750', () => {
    expect(probationaryLength(4032)).toBe(604);
    expect(probationaryLength(22695)).toBe(750);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
        expect(probationaryLength(n)).toBe(Math.min(Math.floor(0.15 * n), 750));
      }),
    );
  });
});

// 100 rows one minute apart; the first 15 are probationary.
const times = Array.from({ length: 100 }, (_, i) => i * 60_000);
const at = (row: number) => row * 60_000;
const layoutWith = (windows: LabelWindow[]) => buildLayout([{ relativePath: 'c/f.csv', times, windows }]);
const detect = (...rows: number[]) => {
  const s = new Float64Array(100);
  for (const r of rows) s[r] = 1;
  return s;
};
const score = (windows: LabelWindow[], ...rows: number[]) =>
  scoreAtThreshold(layoutWith(windows), detect(...rows), standard, 0.5).score;

describe('window scoring', () => {
  const window = { start: at(40), end: at(49) };

  it('costs fnWeight for a missed window and nothing for silence elsewhere', () => {
    expect(score([window])).toBe(-1);
    expect(score([])).toBe(0);
  });

  it('pays tpWeight for a detection at the left edge, and less the later it comes', () => {
    expect(score([window], 40)).toBeCloseTo(1, 12);
    expect(score([window], 45)).toBeCloseTo(scaledSigmoid(-5 / 10) / MAX_TP, 12);
    expect(score([window], 49)).toBeLessThan(score([window], 45));
    expect(score([window], 49)).toBeGreaterThan(0);
  });

  it('counts only the best detection in a window', () => {
    expect(score([window], 42, 44, 48)).toBe(score([window], 42));
  });

  it('charges fpWeight for a false positive with no window before it, and less just after a window', () => {
    expect(score([window], 40, 30)).toBeCloseTo(score([window], 40) - 0.11, 12);
    const justAfter = score([window], 40, 50) - score([window], 40);
    expect(justAfter).toBeCloseTo(0.11 * scaledSigmoid(1 / 9), 12);
    expect(justAfter).toBeGreaterThan(-0.11);
    expect(score([window], 40, 90) - score([window], 40)).toBeCloseTo(-0.11, 12);
  });

  it('ignores detections in the probationary period', () => {
    expect(score([window], 3, 14)).toBe(score([window]));
    expect(score([], 14, 15)).toBeCloseTo(-0.11, 12);
  });

  it('refuses windows whose limits are not row timestamps, naming the file', () => {
    expect(() => layoutWith([{ start: at(40) + 1, end: at(49) }])).toThrow(
      /c\/f\.csv: window limit .* is not a timestamp/,
    );
  });
});

describe('the threshold sweep', () => {
  const windows = fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { minLength: 0, maxLength: 6 }).map((edges) => {
    const sorted = [...edges].sort((a, b) => a - b);
    const out: LabelWindow[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) out.push({ start: at(sorted[i]!), end: at(sorted[i + 1]!) });
    return out;
  });
  const scores = fc.array(fc.constantFrom(0, 0.1, 0.25, 0.5, 0.7, 0.9, 1), { minLength: 100, maxLength: 100 });
  const costs = fc.record({
    tpWeight: fc.constantFrom(1, 2),
    fpWeight: fc.constantFrom(0.11, 0.22),
    fnWeight: fc.constantFrom(1, 2),
    tnWeight: fc.constant(1),
  });

  it('gives at every threshold the same score as scoring directly at that threshold', () => {
    fc.assert(
      fc.property(windows, scores, costs, (w, s, c) => {
        const layout = layoutWith(w);
        for (const row of sweepThresholds(layout, s, c)) {
          const direct = scoreAtThreshold(layout, s, c, row.threshold);
          expect(row.score).toBeCloseTo(direct.score, 9);
          expect([row.tp, row.tn, row.fp, row.fn]).toEqual([direct.tp, direct.tn, direct.fp, direct.fn]);
        }
      }),
    );
  });

  it('finds a threshold no other threshold beats', () => {
    fc.assert(
      fc.property(windows, scores, costs, fc.double({ min: 0, max: 1.2, noNaN: true }), (w, s, c, t) => {
        const layout = layoutWith(w);
        const best = optimiseThreshold(layout, s, c);
        expect(best.score).toBeGreaterThanOrEqual(scoreAtThreshold(layout, s, c, t).score - 1e-9);
      }),
    );
  });
});
