/**
 * How `bench:rca` turns a recording into questions and scores the answers.
 *
 * Each fault is one case. Its window runs from the fault's timestamp to its end, both
 * included; nothing after the end is shown. Its normal reference is the recording before the
 * first fault (what the layout declares normal); with `reference: 'recent'` also the last
 * `recentMs` before the window that lie outside every fault window and at least `settleMs` after
 * a fault ended (the same system minutes before the fault, following the load's daily rhythm).
 */
import type { RcaCase, TimeSpan } from '@aurora/core';
import type { Fault, RcaDataset } from './dataset.js';

export type Reference = 'first' | 'recent';

export interface ProtocolOptions {
  reference: Reference;
  /** How much recent normal data a case learns from. */
  recentMs: number;
  /** How long after a fault's end its effects may linger. */
  settleMs: number;
  /** Hand the case the recording's dependency graph (the ranking decides whether to use it). */
  useGraph: boolean;
}

export const DEFAULT_PROTOCOL: ProtocolOptions = {
  reference: 'first',
  recentMs: 30 * 60_000,
  settleMs: 5 * 60_000,
  useGraph: true,
};

/** The case for fault `index` of a dataset. */
export function caseFor(data: RcaDataset, index: number, o: ProtocolOptions = DEFAULT_PROTOCOL): RcaCase {
  const fault = data.faults[index]!;
  const first = data.faults[0]!;
  const window = { startMs: fault.startMs, endMs: fault.startMs + fault.durationMs + 1 };
  const normal: TimeSpan[] = [{ startMs: Number.NEGATIVE_INFINITY, endMs: first.startMs }];
  if (o.reference === 'recent' && index > 0) {
    normal.push(...recentNormal(data.faults, fault, o.recentMs, o.settleMs));
  }
  return {
    series: data.series,
    normal,
    window,
    ...(o.useGraph && data.graph ? { graph: data.graph } : {}),
  };
}

/** Up to `recentMs` of time before `fault`, outside every fault window and its settling time. */
export function recentNormal(faults: readonly Fault[], fault: Fault, recentMs: number, settleMs: number): TimeSpan[] {
  const from = fault.startMs - recentMs;
  let spans: TimeSpan[] = [{ startMs: from, endMs: fault.startMs }];
  for (const f of faults) {
    const cut = { startMs: f.startMs, endMs: f.startMs + f.durationMs + settleMs };
    spans = spans.flatMap((s) => {
      if (cut.endMs <= s.startMs || cut.startMs >= s.endMs) return [s];
      const parts: TimeSpan[] = [];
      if (cut.startMs > s.startMs) parts.push({ startMs: s.startMs, endMs: cut.startMs });
      if (cut.endMs < s.endMs) parts.push({ startMs: cut.endMs, endMs: s.endMs });
      return parts;
    });
  }
  return spans;
}

/** Accuracy of a set of rankings: top-1, top-3 and the mean of top-1 … top-5. */
export interface Accuracy {
  cases: number;
  top1: number;
  top3: number;
  avgAt5: number;
}

/** The 1-based rank of the target in a ranking, null when absent. */
export function rankOf(ranking: readonly string[], target: string): number | null {
  const i = ranking.indexOf(target);
  return i < 0 ? null : i + 1;
}

/** Scores ranks (null: never ranked). */
export function accuracy(ranks: readonly (number | null)[]): Accuracy {
  const n = ranks.length;
  const topK = (k: number) => (n === 0 ? 0 : ranks.filter((r) => r !== null && r <= k).length / n);
  return { cases: n, top1: topK(1), top3: topK(3), avgAt5: (topK(1) + topK(2) + topK(3) + topK(4) + topK(5)) / 5 };
}
