import {
  type CapacityPrediction,
  describeCapacity,
  formatDuration,
  memoryLeak,
  timeToCapacity,
  timeToSaturation,
} from '@aurora/core';
import type { PredictionRule } from './rules.js';

/** What one refresh concluded about one series. */
export type Assessment =
  | {
      state: 'reached';
      current: number;
      limit: number;
      trendPerHour: number;
      message: string;
      /** Steps before the last value at which the series got to the limit and stayed (0: the last). */
      stepsAgo: number;
    }
  | {
      state: 'expected';
      current: number;
      limit: number;
      trendPerHour: number;
      message: string;
      /** From the last value; undefined for a leak whose exhaustion is not foreseen. */
      expectedMs?: number;
      earliestMs?: number;
      latestMs?: number;
    }
  | { state: 'none'; current: number; limit: number; trendPerHour: number; message: string }
  | { state: 'insufficient' };

/** The farthest a prediction looks ahead (core's default). */
const MAX_LOOKAHEAD_MS = 7 * 86_400_000;

/** The interval's coverage of every prediction. */
export const PREDICTION_LEVEL = 0.8;

/** Bytes as an operator reads them (binary units), other units as plain numbers. */
function amount(x: number, metric: string): string {
  if (!metric.endsWith('_bytes')) return `${Math.round(x * 100) / 100}`;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.abs(x);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${x < 0 ? '-' : ''}${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10} ${units[u]}`;
}

const STATE_WORD = { full: 'full', saturated: 'saturated', leak: 'out of memory' } as const;

/** How many steps back the trailing run of values at or over `limit` began. */
function runAtLimit(values: number[], limit: number): number {
  let i = values.length - 1;
  while (i > 0 && values[i - 1]! >= limit) i--;
  return values.length - 1 - i;
}

/** One series' values (oldest first, `stepMs` apart) judged against its rule and capacity. */
export function assess(
  rule: PredictionRule,
  metric: string,
  subject: string,
  values: number[],
  stepMs: number,
  capacity: number | undefined,
): Assessment {
  const limit = capacity === undefined ? Number.POSITIVE_INFINITY : capacity * rule.share;
  if (capacity === undefined && rule.kind !== 'leak') return { state: 'insufficient' };
  // A trend is extrapolated at most twice as far as it was observed: three hours of data say
  // nothing about next week, and would otherwise predict a saturation days away from a wiggle.
  const lookaheadMs = Math.max(stepMs, Math.min(MAX_LOOKAHEAD_MS, 2 * values.length * stepMs));
  const options = { stepMs, capacity: capacity ?? 0, level: PREDICTION_LEVEL, lookaheadMs };
  const fromCapacity = (p: CapacityPrediction, word: string): Assessment => {
    const base = { current: p.current, limit, trendPerHour: p.trendPerHour };
    if (p.status === 'insufficient-history') return { state: 'insufficient' };
    const message =
      describeCapacity(subject, word, p) ?? `${subject}: not expected ${word} within ${formatDuration(p.lookaheadMs)}`;
    if (p.status === 'reached') return { state: 'reached', ...base, message, stepsAgo: runAtLimit(values, limit) };
    if (p.status === 'expected') {
      return {
        state: 'expected',
        ...base,
        message,
        expectedMs: p.expectedMs!,
        earliestMs: p.earliestMs!,
        ...(p.latestMs !== undefined ? { latestMs: p.latestMs } : {}),
      };
    }
    return { state: 'none', ...base, message };
  };
  if (rule.kind === 'full') return fromCapacity(timeToCapacity(values, options), STATE_WORD.full);
  if (rule.kind === 'saturated') {
    return fromCapacity(timeToSaturation(values, { ...options, saturatedAt: rule.share }), STATE_WORD.saturated);
  }
  const leak = memoryLeak(values, {
    stepMs,
    level: PREDICTION_LEVEL,
    ...(capacity === undefined ? {} : { capacity: limit }),
  });
  if (values.length < 12) return { state: 'insufficient' };
  const current = values[values.length - 1]!;
  const base = { current, limit, trendPerHour: leak.growthPerHour };
  const reached = { state: 'reached' as const, ...base, message: `${subject} ${STATE_WORD.leak} now` };
  if (current >= limit) return { ...reached, stepsAgo: runAtLimit(values, limit) };
  if (!leak.leaking) {
    return { state: 'none', ...base, message: `${subject}: no steady growth (tau ${leak.tau.toFixed(2)})` };
  }
  const growth = `${subject} grows ${amount(leak.growthPerHour, metric)}/h, steadily for ${formatDuration(leak.spanMs)} (leak trend)`;
  const ex = leak.exhaustion;
  if (ex?.status === 'reached') return { ...reached, stepsAgo: runAtLimit(values, limit) };
  const exhaustion = ex ? describeCapacity(subject, STATE_WORD.leak, { ...ex, capacity: limit }) : undefined;
  return {
    state: 'expected',
    ...base,
    message: exhaustion ? `${growth}; ${exhaustion.slice(subject.length + 1)}` : growth,
    ...(ex?.status === 'expected'
      ? {
          expectedMs: ex.expectedMs!,
          earliestMs: ex.earliestMs!,
          ...(ex.latestMs !== undefined ? { latestMs: ex.latestMs } : {}),
        }
      : {}),
  };
}
