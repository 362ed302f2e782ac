/** The inputs and outputs of root-cause ranking. See README.md in this folder. */

/** How a series' values are to be read before scoring. */
export type SeriesKind = 'gauge' | 'counter';

/** One recorded metric of one component (a service, a node, a container). */
export interface RcaSeries {
  /** The candidate this series is evidence about. */
  component: string;
  /** The metric's name, as recorded. */
  metric: string;
  /**
   * `counter`: a cumulative total (Prometheus `_total`), scored as its per-second rate with resets
   * read as restarts from zero; `gauge`: scored as recorded.
   */
  kind: SeriesKind;
  /** Sample times in milliseconds, ascending. */
  times: ArrayLike<number>;
  /** Sample values, one per time; NaN marks a missing sample. */
  values: ArrayLike<number>;
}

/** A half-open span of time, `[startMs, endMs)`. */
export interface TimeSpan {
  startMs: number;
  endMs: number;
}

/** `caller` depends on `callee`: a fault in the callee can show up in the caller, not the other way round. */
export interface DependencyEdge {
  caller: string;
  callee: string;
}

/** One question: which component caused what happened in `window`? */
export interface RcaCase {
  series: readonly RcaSeries[];
  /** Spans known to be normal; the reference every score is measured against. */
  normal: readonly TimeSpan[];
  /** The incident's window; only samples inside it (and none after it) are scored. */
  window: TimeSpan;
  /** The dependency graph, when one is known; without it ranking uses scores and onset order only. */
  graph?: readonly DependencyEdge[];
}

/** Why one series made its component a candidate. */
export interface RcaEvidence {
  metric: string;
  /** The largest robust score in the window: (value − normal median) / normal spread. */
  score: number;
  /** `up` when the value rose above normal, `down` when it fell below. */
  direction: 'up' | 'down';
  /** When the largest deviation was seen. */
  peakMs: number;
  /** The value (a rate for counters) at the peak. */
  peakValue: number;
  /** The first time in the window the series was at least `threshold` away from normal; null when never. */
  onsetMs: number | null;
  /** The normal median and spread the score is measured against. */
  normalMedian: number;
  normalSpread: number;
}

/** One ranked component. */
export interface RcaCandidate {
  component: string;
  /** The component's score: its strongest evidence's score. */
  score: number;
  /** The earliest onset among its series; null when none crossed the threshold. */
  onsetMs: number | null;
  /**
   * Callers (direct or not) that turned anomalous no earlier than this component: how far its
   * trouble travelled. Filled only when the graph step runs.
   */
  affectedCallers: string[];
  /** Its series, strongest first (at most `evidencePerCandidate`). */
  evidence: RcaEvidence[];
}

/** Tuning of the ranking; every field has a default. */
export interface RcaOptions {
  /** Robust score at which a series counts as anomalous (onset, graph step). Default 3. */
  threshold?: number;
  /** Score deviations in both directions (true) or only rises as RCAEval's BARO does (false). Default true. */
  twoSided?: boolean;
  /** Use the case's dependency graph when it has one. Default false (see bench/rca/README.md for why). */
  useGraph?: boolean;
  /**
   * How much a later onset lowers a candidate: its key is multiplied by
   * exp(−onsetWeight × (onset − earliest onset) / window length). Default 0 (off; see bench/rca/README.md).
   */
  onsetWeight?: number;
  /** How many series of evidence each candidate keeps. Default 3. */
  evidencePerCandidate?: number;
}

/** The answer: candidates, most likely cause first. */
export interface RcaResult {
  ranking: RcaCandidate[];
}
