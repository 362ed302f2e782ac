/** The figures of a fault-injection run, computed from the per-fault records alone (no clock, no I/O). */

export type ResolvedBy = 'auto' | 'human' | 'none';

/** One injected fault as the JSON contract of `bench:faults` names it. */
export interface FaultRecord {
  kind: string;
  /** The node (and service or path) the fault was injected on, e.g. `n2/web`. */
  target: string;
  /** Injection to the first firing alert on the target; null when none came. */
  detectedMs: number | null;
  /** 1-based rank of the target node in the incident's root-cause ranking; null when absent. */
  rootCauseRank: number | null;
  resolvedBy: ResolvedBy;
  /** Injection to the moment the fault was seen gone; null when it never was. */
  resolvedMs: number | null;
  /** Agent actions executed on nodes other than the target while this fault was handled. */
  harmfulActions: number;
}

export interface FaultSummary {
  rcaTop1: number;
  rcaTop3: number;
  autoResolvedShare: number;
  /** Median time to resolution, counting an unresolved fault as infinitely slow; null when that median is unresolved. */
  medianResolveMs: number | null;
  harmfulActions: number;
}

/**
 * The median of times where null means "never": nulls sort after every number, so when half or
 * more of the faults were never resolved the median is null (infinite), not the median of the rest.
 * For an even count the lower middle is taken (nearest rank), so the figure is a time that was measured.
 */
export function medianWithUnresolved(values: readonly (number | null)[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => (a === null ? 1 : 0) - (b === null ? 1 : 0) || (a ?? 0) - (b ?? 0));
  return sorted[Math.ceil(sorted.length / 2) - 1] ?? null;
}

/** Shares as fractions 0..1 of all injected faults (an undetected fault counts against every share). */
export function summarize(faults: readonly FaultRecord[]): FaultSummary {
  const n = faults.length;
  const share = (count: number) => (n === 0 ? 0 : count / n);
  return {
    rcaTop1: share(faults.filter((f) => f.rootCauseRank === 1).length),
    rcaTop3: share(faults.filter((f) => f.rootCauseRank !== null && f.rootCauseRank <= 3).length),
    autoResolvedShare: share(faults.filter((f) => f.resolvedBy === 'auto').length),
    medianResolveMs: medianWithUnresolved(faults.map((f) => (f.resolvedBy === 'none' ? null : f.resolvedMs))),
    harmfulActions: faults.reduce((sum, f) => sum + f.harmfulActions, 0),
  };
}
