import { createDetector, LIVE_DETECTOR, restoreDetector, snapshotText } from '@aurora/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, MIN_PACKED } from './state-codec.js';

/** JSON-shaped values whose arrays are often long runs of doubles, with the odd NaN, ±Infinity and -0. */
const number = fc.oneof(
  { weight: 8, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.MIN_VALUE) },
);
const state = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    number,
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.array(number, { maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('detector state codec', () => {
  it('reads back exactly what a JSON round trip would give', () => {
    fc.assert(
      fc.property(state, (value) => {
        expect(decodeState(encodeState(value))).toStrictEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('packs long arrays of finite numbers, bit for bit, and leaves the encoded value untouched', () => {
    const values = Array.from({ length: 100 }, (_, i) => Math.sin(i) * 1e6 + 1 / 3);
    const live = { window: values, small: [1, 2, 3], flags: { last: 0.1 + 0.2 } };
    const before = JSON.stringify(live);
    const text = encodeState(live);
    expect(JSON.stringify(live)).toBe(before);
    expect(text).toContain('"$f64"');
    expect(text).toContain('"small":[1,2,3]');
    expect(text.length).toBeLessThan(before.length);
    const back = decodeState(text) as typeof live;
    expect(back.window).toEqual(values);
    expect(back.window.every((v, i) => Object.is(v, values[i]))).toBe(true);
    expect(MIN_PACKED).toBeGreaterThan(3);
  });

  it('plain JSON snapshots written before packing still read back', () => {
    const plain = { window: Array.from({ length: 20 }, (_, i) => i / 7), note: 'x' };
    expect(decodeState(JSON.stringify(plain))).toEqual(plain);
  });

  it('refuses a packed array of a length no float64 array has', () => {
    expect(() => decodeState('{"w":{"$f64":"AAAA"}}')).toThrow(/multiple of 8/);
  });

  it('the live detector resumes from a packed snapshot with identical scores, and its snapshot is smaller', () => {
    const original = createDetector(LIVE_DETECTOR);
    const at = (i: number) => 1_700_000_000_000 + i * 1_000;
    const value = (i: number) => 40 + 10 * Math.sin(i / 30) + ((i * 7919) % 13) / 5 + (i === 700 ? 60 : 0);
    for (let i = 0; i < 500; i++) original.update(at(i), value(i));
    const packed = snapshotText(original, encodeState);
    expect(packed.length).toBeLessThan(snapshotText(original).length * 0.8);
    const restored = restoreDetector(LIVE_DETECTOR, decodeState(packed));
    for (let i = 500; i < 800; i++) expect(restored.update(at(i), value(i))).toEqual(original.update(at(i), value(i)));
  });
});
