import type { AlertRule as AlertRuleView, CreateAlertRule } from '@aurora/sdk';
import { parseDurationMs } from '../platform/config/index.js';
import { AuroraError } from '../platform/http/errors.js';
import type { alertRules } from '../platform/store/schema.js';
import { parseSelector, type Selector, SelectorError } from '../telemetry/index.js';

export type ThresholdOp = '>' | '>=' | '<' | '<=';
export type AlertRuleRow = typeof alertRules.$inferSelect;

/** Shortest and longest `for` a rule may have: shorter than a scrape is noise, longer than a day is a report. */
export const MIN_FOR_MS = 10_000;
export const MAX_FOR_MS = 86_400_000;

/** Checks a rule as sent, naming the field at fault; returns its parsed selector and duration. */
export function validateRule(body: CreateAlertRule): { selector: Selector; forMs: number } {
  let selector: Selector;
  try {
    selector = parseSelector(body.selector);
  } catch (error) {
    const why = error instanceof SelectorError ? error.message : String(error);
    throw new AuroraError(
      'AURORA_VALIDATION_FAILED',
      `selector: ${why}; write a Prometheus series selector such as disk_used_pct{node="db-1"}`,
      'selector',
    );
  }
  if (!Number.isFinite(body.value)) {
    throw new AuroraError('AURORA_VALIDATION_FAILED', 'value: must be a finite number', 'value');
  }
  const forMs = parseDurationMs(body.for);
  if (forMs === undefined || forMs < MIN_FOR_MS || forMs > MAX_FOR_MS) {
    throw new AuroraError(
      'AURORA_VALIDATION_FAILED',
      `for: "${body.for.slice(0, 32)}" must be a duration from 10s to 24h, e.g. 5m`,
      'for',
    );
  }
  return { selector, forMs };
}

export function ruleView(r: AlertRuleRow): AlertRuleView {
  return {
    id: r.id,
    name: r.name,
    selector: r.selector,
    op: r.op as ThresholdOp,
    value: r.value,
    forMs: r.forMs,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

/** Whether `v op value` holds. NaN never holds, as in PromQL comparisons. */
export function compare(v: number, op: ThresholdOp, value: number): boolean {
  switch (op) {
    case '>':
      return v > value;
    case '>=':
      return v >= value;
    case '<':
      return v < value;
    case '<=':
      return v <= value;
  }
}

/** Buckets a rule's window is read in: the condition must hold in every one, and data must reach both ends. */
export const RULE_BUCKETS = 10;

/**
 * Whether a rule held for its whole duration: `points` are buckets
 * (`[start, worst value]`, the minimum for `>`/`>=`, the maximum for
 * `<`/`<=`) read from `now - forMs - lateMs` to `now`, so every sample held
 * iff every bucket does. The duration is counted back from the series' newest
 * reading, not from `now`: readings reach the server in heartbeats, so the
 * newest one is routinely a heartbeat interval old, and a rule that demanded
 * data up to `now` would resolve and fire again between heartbeats. A series
 * silent for longer than `lateMs` (and three buckets) is not known to still be
 * in breach; one with no data near the start of the duration has not been in
 * breach for long enough.
 */
export function ruleHeld(
  points: readonly [number, number | string][],
  op: ThresholdOp,
  value: number,
  forMs: number,
  now: number,
  lateMs: number,
): boolean {
  const step = forMs / RULE_BUCKETS;
  const last = points[points.length - 1]?.[0];
  if (last === undefined || last < now - Math.max(3 * step, lateMs)) return false;
  const since = last + step - forMs;
  const held = points.filter(([t]) => t + step > since);
  const first = held[0]?.[0] as number;
  if (first > since + 2 * step) return false;
  return held.every(([, v]) => typeof v === 'number' && compare(v, op, value));
}
