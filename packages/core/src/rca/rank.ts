/**
 * Root-cause ranking for one incident window.
 *
 * 1. Every series is scored as RCAEval's BARO scores it: robust-scaled against the normal
 *    period (median, interquartile range), its score the largest deviation inside the window.
 *    Unlike BARO, falls count as much as rises by default: a crashed process shows as CPU and
 *    throughput dropping to zero, which BARO's one-sided maximum cannot see.
 * 2. A component's score is its strongest series' score; its onset is the first sample of any
 *    of its series at least `threshold` from normal.
 * 3. Optionally (`onsetWeight`, off by default for the same reason), a later onset lowers the
 *    key: × exp(−w × (onset − earliest onset) / window length).
 * 4. Optionally (`useGraph`, off by default: on the development recordings it did not beat
 *    the ranking without it, see bench/rca/README.md), a dependency graph raises an anomalous
 *    component's key by the share of its callers that turned anomalous no earlier than it did.
 */
import { counterRates, robustReference } from './robust.js';
import type { DependencyEdge, RcaCandidate, RcaCase, RcaEvidence, RcaOptions, RcaResult, RcaSeries } from './types.js';

const DEFAULTS = { threshold: 3, twoSided: true, useGraph: false, onsetWeight: 0, evidencePerCandidate: 3 } as const;

/** A series scored against normal. */
interface Scored {
  series: RcaSeries;
  evidence: RcaEvidence;
}

/** The values a series is scored on: rates for counters, as recorded for gauges. */
export function scoredValues(series: RcaSeries): ArrayLike<number> {
  return series.kind === 'counter' ? counterRates(series.times, series.values) : series.values;
}

/**
 * Scores one series for a case: undefined when it has too few normal samples or none in the window.
 */
export function scoreSeries(series: RcaSeries, rcaCase: RcaCase, options: RcaOptions = {}): RcaEvidence | undefined {
  return scoreOne(series, rcaCase, { ...DEFAULTS, ...options })?.evidence;
}

function scoreOne(series: RcaSeries, rcaCase: RcaCase, o: Required<RcaOptions>): Scored | undefined {
  const values = scoredValues(series);
  const reference = robustReference(series.times, values, rcaCase.normal);
  if (!reference) return undefined;
  const { startMs, endMs } = rcaCase.window;
  let best = Number.NEGATIVE_INFINITY;
  let peak = -1;
  let onsetMs: number | null = null;
  for (let i = 0; i < values.length; i++) {
    const t = series.times[i]!;
    if (t < startMs || t >= endMs) continue;
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const z = (v - reference.median) / reference.spread;
    const s = o.twoSided ? Math.abs(z) : z;
    if (onsetMs === null && s >= o.threshold) onsetMs = t;
    if (s > best) {
      best = s;
      peak = i;
    }
  }
  if (peak < 0) return undefined;
  const peakValue = values[peak]!;
  return {
    series,
    evidence: {
      metric: series.metric,
      score: best,
      direction: peakValue >= reference.median ? 'up' : 'down',
      peakMs: series.times[peak]!,
      peakValue,
      onsetMs,
      normalMedian: reference.median,
      normalSpread: reference.spread,
    },
  };
}

/** Ranks the components of a case, most likely root cause first. Pure and deterministic. */
export function rankRootCauses(rcaCase: RcaCase, options: RcaOptions = {}): RcaResult {
  const o: Required<RcaOptions> = { ...DEFAULTS, ...options };
  const byComponent = new Map<string, Scored[]>();
  for (const series of rcaCase.series) {
    const scored = scoreOne(series, rcaCase, o);
    const list = byComponent.get(series.component) ?? [];
    if (scored) list.push(scored);
    byComponent.set(series.component, list);
  }
  const candidates = new Map<string, RcaCandidate>();
  for (const [component, scored] of byComponent) {
    scored.sort((a, b) => b.evidence.score - a.evidence.score || a.series.metric.localeCompare(b.series.metric));
    const onsets = scored.map((s) => s.evidence.onsetMs).filter((t): t is number => t !== null);
    candidates.set(component, {
      component,
      score: scored[0]?.evidence.score ?? Number.NEGATIVE_INFINITY,
      onsetMs: onsets.length > 0 ? Math.min(...onsets) : null,
      affectedCallers: [],
      evidence: scored.slice(0, o.evidencePerCandidate).map((s) => s.evidence),
    });
  }
  const key = new Map<string, number>();
  for (const c of candidates.values()) key.set(c.component, c.score);
  const w = o.onsetWeight;
  if (w > 0) {
    const onsets = [...candidates.values()].map((c) => c.onsetMs).filter((t): t is number => t !== null);
    const first = Math.min(...onsets); // Infinity when none: no candidate is then touched
    const len = rcaCase.window.endMs - rcaCase.window.startMs;
    for (const c of candidates.values()) {
      if (c.onsetMs !== null) key.set(c.component, c.score * Math.exp((-w * (c.onsetMs - first)) / len));
    }
  }
  if (o.useGraph && rcaCase.graph && rcaCase.graph.length > 0) propagate(candidates, rcaCase.graph, o.threshold, key);
  const ranking = [...candidates.values()].sort(
    (a, b) => key.get(b.component)! - key.get(a.component)! || a.component.localeCompare(b.component),
  );
  return { ranking };
}

/**
 * Raises the ranking key of every anomalous component by the share of its (transitive) callers
 * that turned anomalous no earlier than it did, and lists them as `affectedCallers`: a fault
 * travels up to the callers, a harmless change does not.
 */
function propagate(
  candidates: Map<string, RcaCandidate>,
  graph: readonly DependencyEdge[],
  threshold: number,
  key: Map<string, number>,
) {
  const callers = new Map<string, string[]>();
  for (const { caller, callee } of graph) {
    if (caller === callee) continue;
    callers.set(callee, [...(callers.get(callee) ?? []), caller]);
  }
  const anomalous = (c: RcaCandidate | undefined) => c !== undefined && c.score >= threshold && c.onsetMs !== null;
  for (const c of candidates.values()) {
    if (!anomalous(c)) continue;
    const up = reachable(c.component, callers);
    if (up.length === 0) continue;
    c.affectedCallers = up
      .filter((u) => {
        const other = candidates.get(u);
        return anomalous(other) && other!.onsetMs! >= c.onsetMs!;
      })
      .sort();
    key.set(c.component, c.score * (1 + c.affectedCallers.length / up.length));
  }
}

/** Every component reachable from `start` through callee edges, `start` excluded. */
function reachable(start: string, callees: Map<string, string[]>): string[] {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const next of callees.get(stack.pop()!) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  seen.delete(start);
  return [...seen];
}
