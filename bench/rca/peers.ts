/**
 * The RCAEval baselines the ranking is compared with in the same run, on the same normal spans
 * and windows: BARO's robust scoring exactly as RCAEval runs it (one-sided: the largest rise
 * above the normal median in interquartile ranges, no graph) and NSigma (the largest rise in
 * standard deviations of the normal period). A component is ranked by its best metric, as
 * RCAEval's service-level evaluation does (a service's first appearance in the metric ranking).
 */
import { type RcaCase, rankRootCauses, scoredValues } from '@aurora/core';

/** BARO as RCAEval implements it: robust scaling, one-sided maximum. */
export function baroRanking(rcaCase: RcaCase): string[] {
  return rankRootCauses(rcaCase, { twoSided: false, useGraph: false }).ranking.map((c) => c.component);
}

/** NSigma: standard scaling against the normal period, one-sided maximum. */
export function nsigmaRanking(rcaCase: RcaCase): string[] {
  const best = new Map<string, number>();
  for (const s of rcaCase.series) {
    const values = scoredValues(s);
    const normal: number[] = [];
    const window: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const t = s.times[i]!;
      if (!Number.isFinite(v)) continue;
      if (rcaCase.normal.some((n) => t >= n.startMs && t < n.endMs)) normal.push(v);
      else if (t >= rcaCase.window.startMs && t < rcaCase.window.endMs) window.push(v);
    }
    if (normal.length < 5 || window.length === 0) continue;
    const mean = normal.reduce((a, b) => a + b, 0) / normal.length;
    const sd = Math.sqrt(normal.reduce((a, b) => a + (b - mean) ** 2, 0) / normal.length) || 1;
    const score = Math.max(...window.map((v) => (v - mean) / sd));
    best.set(s.component, Math.max(best.get(s.component) ?? Number.NEGATIVE_INFINITY, score));
  }
  return [...best.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}
