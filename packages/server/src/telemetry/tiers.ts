/** Span of a raw chunk and of a 1-minute rollup row: one hour. */
export const HOUR_MS = 3_600_000;
/** Width of a 1-minute rollup bucket. */
export const MINUTE_MS = 60_000;
/** Span of a 1-hour rollup row: one UTC day. */
export const DAY_MS = 86_400_000;

/** Where a query reads from: raw samples or a rollup tier. */
export type Tier = 'raw' | '1m' | '1h';

/**
 * The tier a step reads: the coarsest rollup whose bucket width divides the
 * step (1 h, then 1 min), otherwise raw samples. Buckets are aligned to
 * multiples of the step since the epoch, so a rollup bucket always falls
 * inside exactly one step bucket.
 */
export function tierForStep(stepMs: number): Tier {
  if (stepMs >= HOUR_MS && stepMs % HOUR_MS === 0) return '1h';
  if (stepMs >= MINUTE_MS && stepMs % MINUTE_MS === 0) return '1m';
  return 'raw';
}

/** How long each tier is kept. */
export interface TierRetention {
  rawMs: number;
  rollup1mMs: number;
  rollup1hMs: number;
}
