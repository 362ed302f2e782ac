import { buildLayout, type LabelWindow, type ScoringLayout } from './layout.js';
import type { SeriesFile } from './load.js';
import { type Baselines, baselines, normaliseScore } from './normalise.js';
import type { Profile } from './profiles.js';
import { type Counts, optimiseThreshold, scoreAtThreshold } from './sweep.js';

/** A detector's result under one profile. */
export interface ProfileResult extends Counts {
  profile: string;
  threshold: number;
  /** Sum of the per-file raw scores. */
  raw: number;
  /** On NAB's scale: 0 = null detector, 100 = perfect. */
  normalised: number;
  baselines: Baselines;
}

/**
 * Lays out a labelled corpus for scoring.
 * @throws when a series has no entry in the labels (NAB scores only labelled files).
 */
export function layoutCorpus(
  corpus: readonly SeriesFile[],
  windows: ReadonlyMap<string, LabelWindow[]>,
): ScoringLayout {
  return buildLayout(
    corpus.map((s) => {
      const w = windows.get(s.relativePath);
      if (!w)
        throw new Error(`no labels for ${s.relativePath}; add it to the labels file (an empty list means no anomaly)`);
      return { relativePath: s.relativePath, times: s.times, windows: w };
    }),
  );
}

/**
 * Scores a detector's corpus-ordered anomaly scores under each profile, with the given
 * threshold per profile or, where none is given, the threshold that maximises the
 * corpus score (NAB's optimiser; the same one threshold for every file).
 */
export function scoreDetector(
  layout: ScoringLayout,
  scores: ArrayLike<number>,
  profiles: readonly Profile[],
  thresholds: Readonly<Record<string, number>> = {},
): ProfileResult[] {
  return profiles.map((profile) => {
    const threshold = thresholds[profile.name] ?? optimiseThreshold(layout, scores, profile.costs).threshold;
    const at = scoreAtThreshold(layout, scores, profile.costs, threshold);
    const base = baselines(layout, profile.costs);
    return {
      profile: profile.name,
      threshold,
      raw: at.score,
      normalised: normaliseScore(at.score, base),
      baselines: base,
      tp: at.tp,
      tn: at.tn,
      fp: at.fp,
      fn: at.fn,
    };
  });
}
