import type { CapacityPrediction } from './capacity.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration rounded the way an operator reads one: "45 min", "6 h", "2.5 d". */
export function formatDuration(ms: number): string {
  if (ms < HOUR) return `${Math.max(1, Math.round(ms / MINUTE))} min`;
  if (ms < 2 * DAY) return `${roundTo(ms / HOUR)} h`;
  return `${roundTo(ms / DAY)} d`;
}

/** Whole numbers from 10 up, one decimal below (without a trailing .0). */
function roundTo(x: number): string {
  return x >= 10 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

/**
 * The sentence an operator reads for a capacity prediction, or undefined when nothing is coming.
 * `subject` names the resource ("disk /var on node-3"), `state` what reaching capacity means
 * ("full", "saturated", "out of memory").
 *
 * @example
 * describeCapacity('disk /var on node-3', 'full', p);
 * // "disk /var on node-3 full in about 6 h (80 % interval 4–9 h)"
 */
export function describeCapacity(subject: string, state: string, p: CapacityPrediction): string | undefined {
  const level = `${Math.round(p.level * 100)} %`;
  const late = p.latestMs === undefined ? `beyond ${formatDuration(p.lookaheadMs)}` : formatDuration(p.latestMs);
  switch (p.status) {
    case 'reached':
      return `${subject} ${state} now`;
    case 'expected':
      return `${subject} ${state} in about ${formatDuration(p.expectedMs!)} (${level} interval ${formatDuration(p.earliestMs!)}–${late})`;
    case 'possible':
      return `${subject} may be ${state} in ${formatDuration(p.earliestMs!)} or later (upper end of the ${level} interval; not expected within ${formatDuration(p.lookaheadMs)})`;
    default:
      return undefined;
  }
}
