import { parseDurationMs } from '../platform/config/index.js';
import { AuroraError } from '../platform/http/errors.js';

/** Most points a series may have; a finer step is widened to fit. */
export const MAX_POINTS_PER_SERIES = 1_000;
const DEFAULT_WINDOW_MS = 15 * 60_000;

/**
 * Parses a time: milliseconds since the epoch, an ISO 8601 date, `now`, or
 * a time relative to now such as `-15m`, `-2h`, `-30s`.
 */
export function parseTime(raw: string, now: number, field: string): number {
  const text = raw.trim();
  if (text === 'now') return now;
  if (/^\d+$/.test(text)) return Number(text);
  const relative = /^-(\d+(?:\.\d+)?(?:ms|s|m|h|d)?)$/.exec(text);
  if (relative?.[1]) {
    const ms = parseDurationMs(relative[1]);
    if (ms !== undefined) return now - ms;
  }
  const parsed = Date.parse(text);
  if (!Number.isNaN(parsed) && /^\d{4}-\d{2}-\d{2}/.test(text)) return parsed;
  throw new AuroraError(
    'AURORA_VALIDATION_FAILED',
    `${field}: expected milliseconds since the epoch, an ISO date or a relative time like "-15m" (got "${raw}")`,
    field,
  );
}

/** A validated range with a step that keeps each series under {@link MAX_POINTS_PER_SERIES}. */
export function parseRange(
  query: { from?: string; to?: string; step?: string },
  now: number,
): { from: number; to: number; stepMs: number } {
  const to = query.to !== undefined ? parseTime(query.to, now, 'to') : now;
  const from = query.from !== undefined ? parseTime(query.from, now, 'from') : to - DEFAULT_WINDOW_MS;
  if (from > to)
    throw new AuroraError('AURORA_VALIDATION_FAILED', `from: must not be after "to" (${from} > ${to})`, 'from');
  let stepMs: number;
  if (query.step !== undefined) {
    const parsed = parseDurationMs(query.step);
    if (parsed === undefined || parsed < 1) {
      throw new AuroraError(
        'AURORA_VALIDATION_FAILED',
        `step: expected a duration like "15s", "1m" or milliseconds (got "${query.step}")`,
        'step',
      );
    }
    stepMs = parsed;
  } else {
    stepMs = Math.max(1_000, Math.ceil((to - from) / 300));
  }
  stepMs = Math.max(stepMs, Math.ceil((to - from + 1) / MAX_POINTS_PER_SERIES));
  return { from, to, stepMs };
}
