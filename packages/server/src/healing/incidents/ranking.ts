import { kindFromName, type RcaSeries, rankRootCauses } from '@aurora/core';
import type { StoredRootCause } from '../../platform/store/schema.js';
import type { QueryEngine } from '../../telemetry/index.js';
import { parseSelector } from '../../telemetry/index.js';

/** How an incident's root causes are ranked from the store's metrics. */
export interface RankingWindow {
  /** How much history before the incident counts as normal. */
  normalMs: number;
  /** How long before the first alert the incident's window starts (onsets precede alerts). */
  leadMs: number;
  /** Candidates kept. */
  top: number;
}

export const DEFAULT_RANKING: RankingWindow = { normalMs: 30 * 60_000, leadMs: 60_000, top: 5 };

function toNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** The series of one node as RCA input: every series labelled with the node, named by metric and other labels. */
async function nodeSeries(query: QueryEngine, node: string, from: number, to: number): Promise<RcaSeries[]> {
  const stepMs = Math.max(5_000, Math.ceil((to - from) / 2_000 / 1000) * 1000);
  const answer = await query.range({
    selector: parseSelector(`{node=${JSON.stringify(node)}}`),
    from,
    to,
    stepMs,
    agg: 'avg',
  });
  return answer.series.map((s) => {
    const points = JSON.parse(s.pointsJson) as [number, number | string][];
    const rest = Object.entries(s.labels)
      .filter(([k]) => k !== 'node')
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    return {
      component: node,
      metric: rest ? `${s.name}{${rest}}` : s.name,
      kind: kindFromName(s.name),
      times: points.map((p) => p[0]),
      values: points.map((p) => toNumber(p[1])),
    };
  });
}

/**
 * Ranks the nodes an incident touches (its alerts' nodes and the nodes of their services) by how far
 * their metrics moved from the `normalMs` before the incident, with core's RCA ranking; every
 * candidate keeps its evidence. A node whose series cannot be read is left out, not fatal.
 */
export async function rankIncident(
  query: QueryEngine,
  o: { nodes: readonly string[]; openedAt: number; now: number; window?: RankingWindow },
): Promise<StoredRootCause[]> {
  const w = o.window ?? DEFAULT_RANKING;
  const windowStart = o.openedAt - w.leadMs;
  const from = windowStart - w.normalMs;
  const series: RcaSeries[] = [];
  for (const node of o.nodes) {
    try {
      series.push(...(await nodeSeries(query, node, from, o.now + 1)));
    } catch {
      // too many series or an unreadable selector for this node: rank the others
    }
  }
  const { ranking } = rankRootCauses({
    series,
    normal: [{ startMs: from, endMs: windowStart }],
    window: { startMs: windowStart, endMs: o.now + 1 },
  });
  // JSON has no Infinity or NaN: a spread of zero (a series flat at 0 before the incident) scores as the largest finite number.
  const finite = (v: number) => (Number.isFinite(v) ? v : Number.isNaN(v) ? 0 : Math.sign(v) * Number.MAX_VALUE);
  return ranking.slice(0, w.top).map((c) => ({
    component: c.component,
    score: finite(c.score),
    onsetMs: c.onsetMs,
    evidence: c.evidence.map((e) => ({
      ...e,
      score: finite(e.score),
      peakValue: finite(e.peakValue),
      normalMedian: finite(e.normalMedian),
      normalSpread: finite(e.normalSpread),
    })),
  }));
}
