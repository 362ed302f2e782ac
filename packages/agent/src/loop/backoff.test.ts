import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from './backoff.js';

const policy = { baseMs: 5_000, capMs: 60_000 };

describe('backoff with full jitter', () => {
  it('doubles the ceiling with each failure until the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(policy, n))).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000, 60_000,
    ]);
  });

  it('never exceeds the cap, even after very many failures', () => {
    expect(backoffCeiling(policy, 10_000)).toBe(60_000);
  });

  it('draws every delay between zero and the ceiling for the attempt', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseMs, extra, attempt, r) => {
          const p = { baseMs, capMs: baseMs + extra };
          const delay = backoffDelay(p, attempt, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(backoffCeiling(p, attempt));
          expect(delay).toBeLessThanOrEqual(p.capMs);
        },
      ),
    );
  });

  it('spreads delays across the whole range instead of clustering', () => {
    let seed = 42;
    // A seeded linear congruential generator keeps the spread check deterministic.
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = Array.from({ length: 1_000 }, () => backoffDelay(policy, 4, random));
    expect(Math.min(...delays)).toBeLessThan(4_000);
    expect(Math.max(...delays)).toBeGreaterThan(36_000);
  });
});
