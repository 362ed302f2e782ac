import { type CapacityPrediction, timeToCapacity } from './capacity.js';
import { DAY_MS, stepsIn } from './stats.js';
import { theilSen } from './trend.js';

/** Settings of the leak check. */
export interface LeakOptions {
  /** The series' step in milliseconds. */
  stepMs: number;
  /** How much recent history is judged (default 1 day). */
  historyMs?: number;
  /** The least steadiness of growth, as Kendall's tau (default 0.6): a leak rises nearly monotonically. */
  minTau?: number;
  /** The least time the history must span (default 2 hours): a short climb is a workload, not a leak. */
  minSpanMs?: number;
  /** The memory available, in the series' unit: when given, the time until it runs out is predicted. */
  capacity?: number;
  /** Coverage of the intervals (default 0.8). */
  level?: number;
}

/** What the leak check found. */
export interface LeakReport {
  /** True when memory grows steadily: the slope's whole interval is above 0 and tau is at least minTau. */
  leaking: boolean;
  /** Growth in the series' unit per hour (median slope), with its interval. */
  growthPerHour: number;
  growthPerHourLower: number;
  growthPerHourUpper: number;
  /** Kendall's tau over the judged history. */
  tau: number;
  /** The time the judged history spans. */
  spanMs: number;
  /** When a capacity is given and memory is leaking: when it runs out. */
  exhaustion?: CapacityPrediction;
}

/**
 * Judges whether a memory series leaks: steady growth (a monotone climb, not a sawtooth of
 * allocations and collections or one step up) over a long enough stretch. With a capacity it also
 * predicts when memory runs out, so "leak on node-3: +120 MiB/h, out of memory in about 9 h".
 */
export function memoryLeak(values: ArrayLike<number>, options: LeakOptions): LeakReport {
  const { stepMs } = options;
  if (!(stepMs > 0)) throw new RangeError(`stepMs must be positive (got ${stepMs})`);
  const level = options.level ?? 0.8;
  const keep = stepsIn(options.historyMs ?? DAY_MS, stepMs);
  const recent = Array.prototype.slice.call(values, Math.max(0, values.length - keep)) as number[];
  const spanMs = Math.max(0, recent.length - 1) * stepMs;
  if (recent.length < 3) {
    return { leaking: false, growthPerHour: 0, growthPerHourLower: 0, growthPerHourUpper: 0, tau: 0, spanMs };
  }
  const trend = theilSen(recent, level);
  const perHour = 3_600_000 / stepMs;
  const leaking =
    trend.slopeLower > 0 && trend.tau >= (options.minTau ?? 0.6) && spanMs >= (options.minSpanMs ?? 2 * 3_600_000);
  const report: LeakReport = {
    leaking,
    growthPerHour: trend.slope * perHour,
    growthPerHourLower: trend.slopeLower * perHour,
    growthPerHourUpper: trend.slopeUpper * perHour,
    tau: trend.tau,
    spanMs,
  };
  if (leaking && options.capacity !== undefined) {
    report.exhaustion = timeToCapacity(values, {
      stepMs,
      capacity: options.capacity,
      level,
      historyMs: options.historyMs ?? DAY_MS,
    });
  }
  return report;
}
