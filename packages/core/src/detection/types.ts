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
   * The snapshot as text in one pass over the live state (no deep copy first): `encode` (by
   * default `JSON.stringify`) is handed the live state and must neither keep nor change it.
   * Optional; {@link snapshotText} falls back to encoding a copy.
   */
  serialize?(encode?: (state: State) => string): string;
}

/**
 * A detector's snapshot as text: by default JSON, so that `restore(JSON.parse(text))` resumes
 * it; with `encode`, whatever that makes of the state (the store uses a denser JSON, see the
 * server's detection state codec).
 */
export function snapshotText(detector: Detector, encode: (state: unknown) => string = JSON.stringify): string {
  return detector.serialize ? detector.serialize(encode) : encode(detector.snapshot());
}

/** Creates detectors of one kind from a typed config, or from a snapshot. */
export interface DetectorFactory<Config = unknown, State = unknown> {
  readonly name: string;
  readonly description: string;
  readonly defaults: Config;
  create(config?: Partial<Config>): Detector<State>;
  restore(state: State): Detector<State>;
}
