import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DURATION_FORMS, DurationSyntaxError, parseDuration, tryParseDuration } from './duration.js';

const SCALE = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof SCALE;
const unit = fc.constantFrom<Unit>('ms', 's', 'm', 'h', 'd');
const space = fc.stringMatching(/^[ \t]{0,3}$/);
/** Whole numbers small enough that every unit keeps the result a safe integer. */
const count = fc.integer({ min: 0, max: 100_000_000 });

describe('the duration grammar', () => {
  it('a whole number with any unit, padded or spaced, is that many units in milliseconds', () => {
    fc.assert(
      fc.property(count, unit, space, space, space, (n, u, before, inner, after) => {
        expect(parseDuration(`${before}${n}${inner}${u}${after}`)).toBe(n * SCALE[u]);
      }),
    );
  });

  it('a bare number is milliseconds, as a string or as a number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(parseDuration(String(n))).toBe(n);
        expect(parseDuration(n)).toBe(n);
      }),
    );
  });

  it('a decimal is scaled and then rounded to the nearest millisecond', () => {
    fc.assert(
      fc.property(count, fc.stringMatching(/^\d{1,6}$/), unit, (whole, fraction, u) => {
        const text = `${whole}.${fraction}`;
        expect(parseDuration(`${text}${u}`)).toBe(Math.round(Number(text) * SCALE[u]));
      }),
    );
  });

  it('a duration printed in its largest whole unit parses back to itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (ms) => {
        const largest = (['d', 'h', 'm', 's', 'ms'] as const).find((u) => ms % SCALE[u] === 0) ?? 'ms';
        expect(parseDuration(`${ms / SCALE[largest]}${largest}`)).toBe(ms);
      }),
    );
  });

  it('a longer number of the same unit is never a shorter duration', () => {
    fc.assert(
      fc.property(count, count, unit, (a, b, u) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(parseDuration(`${lo}${u}`)).toBeLessThanOrEqual(parseDuration(`${hi}${u}`));
      }),
    );
  });

  it('any string is either a safe whole number of milliseconds or a DurationSyntaxError naming the forms', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[\d.a-zA-Z +-]{0,8}$/)), (text) => {
        let ms: number | undefined;
        try {
          ms = parseDuration(text);
        } catch (error) {
          expect(error).toBeInstanceOf(DurationSyntaxError);
          expect((error as Error).message).toContain(DURATION_FORMS);
          expect((error as Error).message).toContain(JSON.stringify(text));
          expect(tryParseDuration(text)).toBeUndefined();
          return;
        }
        expect(Number.isSafeInteger(ms) && ms >= 0).toBe(true);
        // Whatever was accepted starts with a digit and ends with a digit or a unit once trimmed.
        expect(text.trim()).toMatch(/^\d([\s\S]*(\d|ms|s|m|h|d))?$/);
        expect(tryParseDuration(text)).toBe(ms);
      }),
    );
  });

  it('numbers that are not durations are refused', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ max: -Number.MIN_VALUE }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY)),
        (n) => {
          expect(() => parseDuration(n)).toThrow(DurationSyntaxError);
        },
      ),
    );
  });
});

describe('durations the grammar refuses on purpose', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['-5s', 'signed'],
    ['+5s', 'signed'],
    ['1e3', 'exponent'],
    ['5S', 'unit case: M could be months'],
    ['5M', 'unit case: M could be months'],
    ['1h30m', 'compound'],
    ['5 s s', 'two units'],
    ['.5s', 'no whole part'],
    ['5.s', 'no fraction digits'],
    ['5w', 'unknown unit'],
    ['5sec', 'unknown unit'],
    ['thirty seconds', 'words'],
    ['0x10', 'hexadecimal'],
    ['5,000', 'grouping'],
  ])('%j (%s)', (text) => {
    expect(() => parseDuration(text)).toThrow(DurationSyntaxError);
    expect(tryParseDuration(text)).toBeUndefined();
  });

  it('a duration past the largest safe integer is too long, not silently imprecise', () => {
    expect(() => parseDuration('9007199254740993')).toThrow(/too long/);
    expect(() => parseDuration('104249992d')).toThrow(/too long/);
    expect(parseDuration('104249991d')).toBe(104_249_991 * 86_400_000);
  });

  it('non-strings other than numbers are not durations', () => {
    for (const value of [null, undefined, true, {}, ['5s']]) expect(tryParseDuration(value)).toBeUndefined();
  });
});

describe('documented examples', () => {
  it.each([
    ['1500', 1_500],
    ['250ms', 250],
    ['30s', 30_000],
    ['5 s', 5_000],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
  ])('%j is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
