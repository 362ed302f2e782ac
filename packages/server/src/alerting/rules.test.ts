import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULE_BUCKETS, ruleHeld } from './rules.js';

const FOR_MS = 10_000;
const STEP = FOR_MS / RULE_BUCKETS;
const NOW = 1_800_000_000_000;
const LATE_MS = 10_000;

/** One-second buckets from `from` to `to` (bucket starts), each with `value`. */
function buckets(from: number, to: number, value: number): [number, number][] {
  const out: [number, number][] = [];
  for (let t = from; t <= to; t += STEP) out.push([t, value]);
  return out;
}

describe('ruleHeld', () => {
  it('holds when every reading of the duration before the newest one breaches, however late that one is within the allowance', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: LATE_MS / STEP }), fc.integer({ min: 0, max: 5 }), (lateSteps, extra) => {
        const last = NOW - lateSteps * STEP;
        const points = buckets(last - FOR_MS + STEP - extra * STEP, last, 80);
        expect(ruleHeld(points, '>', 50, FOR_MS, NOW, LATE_MS)).toBe(true);
      }),
    );
  });

  it('does not hold once the newest reading is older than the allowance', () => {
    fc.assert(
      fc.property(fc.integer({ min: LATE_MS / STEP + 1, max: 60 }), (lateSteps) => {
        const last = NOW - lateSteps * STEP;
        expect(ruleHeld(buckets(last - FOR_MS, last, 80), '>', 50, FOR_MS, NOW, LATE_MS)).toBe(false);
      }),
    );
  });

  it('does not hold when one bucket of the duration is not in breach, and ignores buckets before it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: RULE_BUCKETS + 4 }), (at) => {
        const last = NOW - 2 * STEP;
        const points = buckets(last - FOR_MS - 4 * STEP, last, 20);
        const index = points.length - 1 - at;
        points[index] = [points[index]?.[0] as number, 90];
        const withinDuration = (points[index]?.[0] as number) + STEP > last + STEP - FOR_MS;
        expect(ruleHeld(points, '<', 50, FOR_MS, NOW, LATE_MS)).toBe(!withinDuration);
      }),
    );
  });

  it('does not hold for a series whose data starts well inside the duration, nor for no data', () => {
    const last = NOW - STEP;
    expect(ruleHeld(buckets(last - FOR_MS / 2, last, 80), '>=', 50, FOR_MS, NOW, LATE_MS)).toBe(false);
    expect(ruleHeld([], '>=', 50, FOR_MS, NOW, LATE_MS)).toBe(false);
  });
});
