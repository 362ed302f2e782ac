import { formatTable } from '../../lib/report.js';
import type { DetectorReport } from './benchmark.js';

/** One line of the printed table. */
export interface ScoreRow {
  name: string;
  /** Normalised score per profile name. */
  scores: Record<string, number>;
  /** Only for detectors measured in this run. */
  pointsPerSecond?: number;
}

/**
 * The published scoreboard (final_results.json, plus the perfect detector at 100) and
 * this run's detectors, sorted by standard score, best first.
 */
export function scoreboardRows(
  published: Record<string, Record<string, number>> | undefined,
  ours: readonly DetectorReport[],
): ScoreRow[] {
  const rows: ScoreRow[] = [];
  if (published) {
    rows.push({ name: 'perfect', scores: { standard: 100, reward_low_FP_rate: 100, reward_low_FN_rate: 100 } });
    for (const [name, scores] of Object.entries(published)) rows.push({ name, scores });
  }
  for (const d of ours) {
    const scores = Object.fromEntries((d.scores ?? []).map((s) => [s.profile, s.normalised]));
    rows.push({ name: `${d.name} (${d.peer ? 'peer' : 'aurora'})`, scores, pointsPerSecond: d.pointsPerSecond });
  }
  return rows.sort((a, b) => (b.scores.standard ?? -Infinity) - (a.scores.standard ?? -Infinity));
}

/** Formats rows as an aligned text table: detector, the three profiles, points/s per core. */
export function formatScoreboard(rows: readonly ScoreRow[], profiles: readonly string[]): string {
  const header = ['detector', ...profiles, 'points/s/core'];
  const cells = rows.map((r) => [
    r.name,
    ...profiles.map((p) => (r.scores[p] === undefined ? '-' : r.scores[p]!.toFixed(2))),
    r.pointsPerSecond === undefined ? '-' : Math.round(r.pointsPerSecond).toLocaleString('en-US'),
  ]);
  return formatTable(header, cells);
}
