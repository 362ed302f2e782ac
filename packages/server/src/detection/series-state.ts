import { createDetector, type DetectionResult, type Detector, restoreDetector } from '@aurora/core';
import { decodeState } from './state-codec.js';

/**
 * Points a series must have been learned from before its scores count,
 * whatever the detector's own warm-up: a young detector has seen too little
 * of a metric's noise, and infrastructure metrics are noisy. At 1 s
 * heartbeats this is one minute; the live detector's own range warm-up
 * (150 points) comes on top, so a new series at 1 s is judged after about
 * 2.5 minutes and at the agents' default 5 s after about 12 — near
 * Netdata's 15 minutes of 1 s data for a first model.
 */
export const MIN_POINTS = 60;

/** What the controller keeps for one series it judges. */
export interface SeriesRuntime {
  id: number;
  partition: number;
  metric: string;
  labels: Record<string, string>;
  /** The node's name (`node` label, else `instance`), when the series has one. */
  node: string | null;
  detector: Detector;
  lastTs: number;
  points: number;
  /** Learned from since the last snapshot. */
  dirty: boolean;
}

/** A stored snapshot of one series. */
export interface StoredSnapshot {
  detector: string;
  state: string;
  lastTs: number;
  points: number;
}

/** The outcome of resuming a series from its snapshot. */
export type Resumed =
  | { detector: Detector; lastTs: number; points: number; failure?: undefined }
  | { detector: Detector; lastTs: number; points: number; failure: string };

/**
 * Resumes a detector from its snapshot, or starts afresh: when there is
 * none, when it was made by another detector (a snapshot restores only into
 * the detector that made it), or when it does not load — then `failure`
 * says why, for the caller to report; a bad snapshot never stops the series.
 */
export function resume(name: string, stored: StoredSnapshot | undefined): Resumed {
  const fresh = () => createDetector(name);
  if (!stored) return { detector: fresh(), lastTs: Number.MIN_SAFE_INTEGER, points: 0 };
  if (stored.detector !== name) {
    return {
      detector: fresh(),
      lastTs: Number.MIN_SAFE_INTEGER,
      points: 0,
      failure: `snapshot was made by detector "${stored.detector}", the live detector is "${name}"`,
    };
  }
  try {
    const detector = restoreDetector(name, decodeState(stored.state));
    // A restored detector must score a point without throwing, or the series would fail on every pass.
    detector.snapshot();
    return { detector, lastTs: stored.lastTs, points: stored.points };
  } catch (error) {
    return {
      detector: fresh(),
      lastTs: Number.MIN_SAFE_INTEGER,
      points: 0,
      failure: `snapshot did not load: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * Feeds one sample to a series: samples at or before the last judged time
 * are skipped (a resent batch, or rows read again after a restart), NaN and
 * ±Infinity are refused by the detector without learning from them. Returns
 * the result when the point was judged after warm-up, else undefined. A
 * detector that throws is replaced by a fresh one (`onReset`), so one bad
 * state cannot stop detection.
 */
export function feed(
  s: SeriesRuntime,
  ts: number,
  value: number,
  name: string,
  onReset: (error: unknown) => void,
): DetectionResult | undefined {
  if (ts <= s.lastTs) return undefined;
  let result: DetectionResult;
  try {
    result = s.detector.update(ts, value);
  } catch (error) {
    onReset(error);
    s.detector = createDetector(name);
    s.points = 0;
    s.lastTs = ts;
    s.dirty = true;
    return undefined;
  }
  if (result.inputError) return undefined;
  s.lastTs = ts;
  s.points++;
  s.dirty = true;
  return s.points > MIN_POINTS ? result : undefined;
}
