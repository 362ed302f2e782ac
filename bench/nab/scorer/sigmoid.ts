/**
 * The two shaping rules of NAB's score: where a file's scored part begins, and
 * how much a detection is worth given where it falls relative to a window.
 */

/** Share of each file that is a learning period, never scored. */
export const PROBATION_PERCENT = 0.15;

/**
 * Rows at the start of a file that are not scored: 15 % of the rows, rounded
 * down, and never more than 750 (15 % of 5,000). Row i is scored when i >= this.
 */
export function probationaryLength(rows: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/**
 * NAB's scaled sigmoid, 2·σ(−5x) − 1, of a relative position x. Inside a window x runs
 * from −1 (left edge, ≈ 0.987) to 0 (right edge, 0); after a window x > 0 and the value
 * turns negative; beyond x = 3 it is exactly −1.
 */
export function scaledSigmoid(position: number): number {
  if (position > 3) return -1;
  // Same operation order as NAB's 2 * sigmoid(-5x) - 1, so results agree to the last bit.
  return 2 * (1 / (1 + Math.exp(5 * position))) - 1;
}

/** The largest value a detection can earn, at the very left edge of a window. */
export const MAX_TP = scaledSigmoid(-1);
