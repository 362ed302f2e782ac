/**
 * The one duration grammar of Aurora, shared by configuration, CLI flags,
 * query parameters and benchmarks so `30s` means the same everywhere.
 *
 *     duration := space* number space* unit? space*
 *     number   := digit+ ( "." digit+ )?
 *     unit     := "ms" | "s" | "m" | "h" | "d"        (none: milliseconds)
 *
 * Units are case-sensitive (`M` could be read as months), there is no sign
 * (a negative duration means nothing in any caller), no exponent and no
 * compound form such as `1h30m` (`90m` or `1.5h` say the same). Results are
 * rounded to whole milliseconds and must stay within
 * `Number.MAX_SAFE_INTEGER`, so they survive a bigint column unchanged.
 */

/** Milliseconds per unit of the grammar. */
export const DURATION_UNITS: Readonly<Record<DurationUnit, number>> = Object.freeze({
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
});

/** A unit a duration may carry. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

/** The accepted forms, worded for error messages and help texts. */
export const DURATION_FORMS = 'milliseconds (1500) or a number with a unit ms, s, m, h or d (250ms, 30s, 1.5m, 2h, 7d)';

const GRAMMAR = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/;

/** A value that is not a duration; the message quotes it and names the accepted forms. */
export class DurationSyntaxError extends Error {
  readonly input: unknown;
  constructor(input: unknown, problem = 'not a duration') {
    super(`${problem}: ${typeof input === 'string' ? JSON.stringify(input) : String(input)}; use ${DURATION_FORMS}`);
    this.name = 'DurationSyntaxError';
    this.input = input;
  }
}

/**
 * Parses a duration into whole milliseconds. A number is taken as
 * milliseconds already (YAML and JSON carry `5000` as a number).
 *
 * @example
 * parseDuration('30s'); // 30000
 * parseDuration('1.5h'); // 5400000
 * parseDuration(250); // 250
 * parseDuration('soon'); // throws DurationSyntaxError naming the accepted forms
 */
export function parseDuration(input: string | number): number {
  let ms: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new DurationSyntaxError(input, 'not a non-negative duration');
    ms = Math.round(input);
  } else {
    const match = typeof input === 'string' ? GRAMMAR.exec(input) : null;
    if (!match?.[1]) throw new DurationSyntaxError(input);
    ms = Math.round(Number(match[1]) * DURATION_UNITS[(match[2] as DurationUnit | undefined) ?? 'ms']);
  }
  if (!Number.isSafeInteger(ms)) throw new DurationSyntaxError(input, 'duration too long');
  return ms;
}

/** Like {@link parseDuration}, but `undefined` for anything that is not a duration, including non-strings. */
export function tryParseDuration(input: unknown): number | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  try {
    return parseDuration(input);
  } catch (error) {
    if (error instanceof DurationSyntaxError) return undefined;
    throw error;
  }
}
