import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haproxyWeight } from './config.js';

describe('haproxyWeight', () => {
  it('scales the largest weight to 100 and keeps fractions apart', () => {
    expect([haproxyWeight(1, 1), haproxyWeight(0.5, 1), haproxyWeight(0.1, 1)]).toEqual([100, 50, 10]);
    expect([haproxyWeight(2_000, 1_000), haproxyWeight(1_000, 1_000)]).toEqual([100, 100]);
  });

  it('drains only a weight of 0, and always stays within HAProxy range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1_000, noNaN: true }),
        fc.double({ min: 1, max: 1_000, noNaN: true }),
        (w, l) => {
          const h = haproxyWeight(w, l);
          expect(Number.isInteger(h) && h >= 0 && h <= 256).toBe(true);
          expect(h === 0).toBe(w === 0);
        },
      ),
    );
  });
});
