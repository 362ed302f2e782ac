import type { Detector } from '@aurora/core';

/** What one detector produced over one series. */
export interface SeriesRun {
  /** One anomaly score per row, in row order. */
  scores: Float64Array;
  /** Wall time of the update loop alone, on one thread. */
  loopMs: number;
  /** Rows the detector flagged as unusable input. */
  inputErrors: number;
}

/**
 * Feeds a series to a fresh detector once, in time order, and records its scores.
 * Only the update loop is timed; checking the scores comes after the clock stops.
 * @throws when a score is outside [0, 1], naming the row.
 */
export function runDetector(detector: Detector, times: ArrayLike<number>, values: ArrayLike<number>): SeriesRun {
  const n = times.length;
  const scores = new Float64Array(n);
  let inputErrors = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const result = detector.update(times[i]!, values[i]!);
    scores[i] = result.score;
    if (result.inputError) inputErrors++;
  }
  const loopMs = performance.now() - started;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!(s >= 0 && s <= 1)) throw new Error(`row ${i + 2}: score ${s} is outside [0, 1]`);
  }
  return { scores, loopMs, inputErrors };
}
