/**
 * Retry delays after failed heartbeats: exponential growth with "full jitter"
 * (a uniform pick between 0 and the exponential ceiling), so a fleet that lost
 * its control plane at the same moment does not come back in lockstep.
 */
import type { Random } from '../runtime/runtime.js';

/** Bounds of the backoff curve, in milliseconds. */
export interface BackoffPolicy {
  /** Ceiling after the first failure; the agent uses its heartbeat interval. */
  baseMs: number;
  /** The ceiling never grows past this. */
  capMs: number;
}

/**
 * The ceiling for the `attempt`-th consecutive failure (1-based):
 * `min(cap, base * 2^(attempt-1))`.
 */
export function backoffCeiling(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^exponent overflows to Infinity for huge attempt counts; min() then yields the cap.
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/**
 * A delay in `[0, ceiling]` for the `attempt`-th consecutive failure, drawn
 * with `random`.
 *
 * @example
 * backoffDelay({ baseMs: 5_000, capMs: 60_000 }, 3, Math.random) // somewhere in 0..20 000 ms
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: Random): number {
  return Math.floor(random() * backoffCeiling(policy, attempt));
}

/** First retry ceiling when the heartbeat interval is longer. */
export const RETRY_BASE_MS = 1_000;

/**
 * The agent's policy: the first ceiling is the heartbeat interval or 1 s, whichever is shorter, doubling up to
 * `capMs` (5 s by default), so a control plane that restarts sees its agents back within seconds.
 */
export function retryPolicy(intervalMs: number, capMs: number): BackoffPolicy {
  return { baseMs: Math.min(intervalMs, RETRY_BASE_MS, capMs), capMs };
}
