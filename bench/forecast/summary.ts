/** Medians per corpus and overall, for the tables and the JSON of `bench:forecast`. */

/** One scored series as the JSON records it. */
export interface ScoredSeries {
  corpus: string;
  name: string;
  points: number;
  stepSeconds: number;
  horizon: number;
  scoredOrigins: number;
  skippedOrigins: number;
  /** Per model that failed somewhere: origins where seasonal naive stood in for it. */
  failedOrigins: Record<string, number>;
  /** Geometric mean over scored origins of model MAE / seasonal naive MAE, per model. */
  relativeMaeByModel: Record<string, number>;
  /** Share of actual values inside the 80 % interval, per model that gives one. */
  coverageByModel: Record<string, number>;
}

/** The figures of one group of series (a corpus, or all of them). */
export interface GroupSummary {
  corpus: string;
  series: number;
  /** Median over the group's series of each model's relative MAE. */
  median: Record<string, number>;
  /** Each model's interval coverage, pooled over the group's scored origins. */
  coverage: Record<string, number>;
  skippedOrigins: number;
}

/** The median of a list, the mean of the middle two for an even count; NaN when empty. */
export function medianOf(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** Summarises the scored series per corpus (in first-seen order) and overall. */
export function summarise(
  scored: readonly ScoredSeries[],
  models: readonly string[],
): { corpora: GroupSummary[]; overall: GroupSummary } {
  const names = [...new Set(scored.map((s) => s.corpus))];
  const group = (corpus: string, members: readonly ScoredSeries[]): GroupSummary => {
    const coverage: Record<string, number> = {};
    for (const m of models) {
      const withInterval = members.filter((s) => s.coverageByModel[m] !== undefined);
      const points = withInterval.reduce((n, s) => n + s.scoredOrigins * s.horizon, 0);
      if (points > 0) {
        coverage[m] =
          withInterval.reduce((n, s) => n + s.coverageByModel[m]! * s.scoredOrigins * s.horizon, 0) / points;
      }
    }
    return {
      corpus,
      series: members.length,
      median: Object.fromEntries(models.map((m) => [m, medianOf(members.map((s) => s.relativeMaeByModel[m]!))])),
      coverage,
      skippedOrigins: members.reduce((n, s) => n + s.skippedOrigins, 0),
    };
  };
  return {
    corpora: names.map((c) =>
      group(
        c,
        scored.filter((s) => s.corpus === c),
      ),
    ),
    overall: group('overall', scored),
  };
}
