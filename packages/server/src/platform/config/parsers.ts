import { DURATION_FORMS, tryParseDuration } from '@aurora/core';

// The generic parsers every group of settings uses, in a file of their own so the
// key groups (keys-*.ts) and keys.ts, which imports them, can all share them.

/** Parses one raw value (string from env/file/flag, or an already typed value) or returns an error message. */
export type Parser<T> = (raw: unknown) => { ok: true; value: T } | { ok: false; expected: string };

export const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    return Number.isInteger(n) && n >= min && n <= max
      ? { ok: true, value: n }
      : { ok: false, expected: `must be an integer ${min}-${max}` };
  };

/**
 * Durations in settings and query parameters use core's one grammar; kept
 * under this name for the server's callers, `undefined` when not a duration.
 */
export const parseDurationMs: (raw: unknown) => number | undefined = tryParseDuration;

export const duration =
  (min: number): Parser<number> =>
  (raw) => {
    const ms = parseDurationMs(raw);
    return ms !== undefined && ms >= min
      ? { ok: true, value: ms }
      : { ok: false, expected: `must be a duration of at least ${min} ms: ${DURATION_FORMS}` };
  };

export const text =
  (pattern?: RegExp, hint = 'must be a non-empty string'): Parser<string> =>
  (raw) =>
    typeof raw === 'string' && raw.length > 0 && (!pattern || pattern.test(raw))
      ? { ok: true, value: raw }
      : { ok: false, expected: hint };
