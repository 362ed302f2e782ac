import type { CreateSilence, Silence } from '@aurora/sdk';
import { parseDurationMs } from '../platform/config/index.js';
import { AuroraError } from '../platform/http/errors.js';
import type { alerts, silences } from '../platform/store/schema.js';

export type SilenceRow = typeof silences.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;

/** Longest a silence may last: one that outlives its reason hides the next real problem. */
export const MAX_SILENCE_MS = 30 * 86_400_000;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Checks a silence as sent, naming the field at fault; returns when it ends. */
export function validateSilence(body: CreateSilence, now: number): number {
  const names = Object.keys(body.matchers);
  if (names.length === 0 || names.length > 16) {
    throw new AuroraError(
      'AURORA_VALIDATION_FAILED',
      'matchers: give 1 to 16 matchers, e.g. {"node": "web-1", "metric": "cpu_usage_pct"}',
      'matchers',
    );
  }
  for (const name of names) {
    if (!LABEL.test(name) || name.length > 128) {
      throw new AuroraError(
        'AURORA_VALIDATION_FAILED',
        `matchers.${name.slice(0, 128)}: a matcher name must be "node", "metric" or a label name ([a-zA-Z_][a-zA-Z0-9_]*, at most 128 characters)`,
        `matchers.${name.slice(0, 128)}`,
      );
    }
  }
  if ((body.endsAt === undefined) === (body.duration === undefined)) {
    throw new AuroraError(
      'AURORA_VALIDATION_FAILED',
      'endsAt: give either endsAt or duration, not both nor neither',
      'endsAt',
    );
  }
  let endsAt: number;
  if (body.duration !== undefined) {
    const ms = parseDurationMs(body.duration);
    if (ms === undefined || ms <= 0) {
      throw new AuroraError(
        'AURORA_VALIDATION_FAILED',
        `duration: "${body.duration}" is not a duration such as 2h`,
        'duration',
      );
    }
    endsAt = now + ms;
  } else {
    endsAt = Date.parse(body.endsAt as string);
    if (!Number.isFinite(endsAt) || endsAt <= now) {
      throw new AuroraError('AURORA_VALIDATION_FAILED', 'endsAt: must be a time in the future', 'endsAt');
    }
  }
  if (endsAt - now > MAX_SILENCE_MS) {
    const field = body.duration !== undefined ? 'duration' : 'endsAt';
    throw new AuroraError('AURORA_VALIDATION_FAILED', `${field}: a silence may last at most 30 days`, field);
  }
  return endsAt;
}

/** Whether the silence is in force at `now`. */
export function active(s: SilenceRow, now: number): boolean {
  return s.startsAt <= now && now < s.endsAt;
}

/** Whether every matcher of the silence holds for the alert ("node" and "metric" match those fields, others labels). */
export function silenceMatches(s: SilenceRow, alert: Pick<AlertRow, 'node' | 'metric' | 'labels'>): boolean {
  for (const [name, value] of Object.entries(s.matchers)) {
    const actual = name === 'node' ? alert.node : name === 'metric' ? alert.metric : alert.labels[name];
    if (actual !== value) return false;
  }
  return true;
}

/** Whether an active silence mutes the alert. */
export function isSilenced(
  alert: Pick<AlertRow, 'node' | 'metric' | 'labels'>,
  all: readonly SilenceRow[],
  now: number,
): boolean {
  return all.some((s) => active(s, now) && silenceMatches(s, alert));
}

export function silenceView(s: SilenceRow, now: number): Silence {
  return {
    id: s.id,
    matchers: s.matchers,
    startsAt: new Date(s.startsAt).toISOString(),
    endsAt: new Date(s.endsAt).toISOString(),
    comment: s.comment,
    state: active(s, now) ? 'active' : 'expired',
  };
}
