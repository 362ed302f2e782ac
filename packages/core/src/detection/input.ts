import type { DetectionResult } from './types.js';

/**
 * Checks one incoming point before a detector learns from it.
 *
 * Returns a ready-made `inputError` result when the point is unusable (NaN,
 * ±Infinity, a timestamp that is not a finite number, or time going backwards),
 * so the caller can return it without touching its state; returns `undefined`
 * when the point is fine.
 */
export function rejectInput(
  lastTimestamp: number | null,
  timestamp: number,
  value: number,
): DetectionResult | undefined {
  if (!Number.isFinite(timestamp)) {
    return inputError(`timestamp ${String(timestamp)} is not a finite number of milliseconds; the point was ignored`);
  }
  if (!Number.isFinite(value)) {
    return inputError(`value ${String(value)} is not a finite number; the point was ignored and nothing was learned`);
  }
  if (lastTimestamp !== null && timestamp < lastTimestamp) {
    const back = lastTimestamp - timestamp;
    return inputError(`timestamp went back ${back} ms behind the previous point; the point was ignored`);
  }
  return undefined;
}

function inputError(explanation: string): DetectionResult {
  return { score: 0, explanation, inputError: true };
}

/** Formats a metric value for explanations: few significant digits, no exponent noise. */
export function formatValue(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(2);
  return String(Number(value.toPrecision(abs >= 100 ? 5 : 3)));
}

/** Deep-copies a JSON-shaped state so snapshots never alias live arrays. */
export function cloneState<T>(state: T): T {
  return JSON.parse(JSON.stringify(state)) as T;
}
