/**
 * The one interface every streaming anomaly detector implements.
 *
 * A detector learns what normal looks like for one metric and scores each new
 * point as it arrives. It is pure: no clock, no I/O, randomness only if seeded,
 * bounded memory, and its whole state is a plain JSON value so a restarted or
 * newly elected controller resumes exactly where the previous one stopped.
 */

/** What a detector says about one point. */
export interface DetectionResult {
  /** Anomaly score in [0, 1]; 0 is perfectly normal. */
  score: number;
  /** A sentence a human can act on, e.g. "3.4σ above the Tuesday 14:00 baseline". */
  explanation: string;
  /** True when the input itself was unusable (NaN, ±Infinity, time going backwards). */
  inputError?: boolean;
}

export interface Detector<State = unknown> {
  /** Scores the point at `timestamp` (ms since epoch) and learns from it. */
  update(timestamp: number, value: number): DetectionResult;
  /** The whole state as a JSON-serialisable value. */
  snapshot(): State;
  /**
   * The snapshot as JSON text, equal to `JSON.stringify(snapshot())` but in one pass over the
   * live state (no deep copy first). Optional; {@link snapshotText} falls back to the copy.
   */
  serialize?(): string;
}

/** A detector's snapshot as JSON text: what a store keeps so that `restore(JSON.parse(text))` resumes it. */
export function snapshotText(detector: Detector): string {
  return detector.serialize ? detector.serialize() : JSON.stringify(detector.snapshot());
}

/** Creates detectors of one kind from a typed config, or from a snapshot. */
export interface DetectorFactory<Config = unknown, State = unknown> {
  readonly name: string;
  readonly description: string;
  readonly defaults: Config;
  create(config?: Partial<Config>): Detector<State>;
  restore(state: State): Detector<State>;
}
