import {
  baselines,
  buildLayout,
  type LabelWindow,
  normaliseScore,
  OUTSIDE,
  optimiseThreshold,
  type Profile,
  type ScoringLayout,
  type SeriesFile,
  scoreAtThreshold,
} from '../scorer/index.js';
import { runDetector } from './detect.js';
import { benchDetector } from './live.js';

/** One setting of the free settings being chosen: a label and the detector config it stands for. */
export interface Candidate {
  label: string;
  config: Record<string, unknown>;
}

/** Scores of one candidate: per start phase, per file (in corpus order), one score per row. */
export type CandidateRun = Map<number, Float64Array[]>;

/**
 * Runs a candidate over every file at every start phase: the detector of a file starting at
 * phase N sees rows N onwards, and the rows before score 0 (they lie in NAB's probationary
 * period for every phase used here).
 */
export function runCandidate(
  corpus: readonly SeriesFile[],
  detector: string,
  candidate: Candidate,
  skips: readonly number[],
): CandidateRun {
  const run: CandidateRun = new Map();
  for (const skip of skips) {
    run.set(
      skip,
      corpus.map((series) => {
        const from = Math.min(skip, series.times.length);
        const { scores } = runDetector(
          benchDetector(detector, candidate.config),
          series.times.subarray(from),
          series.values.subarray(from),
        );
        const all = new Float64Array(series.times.length);
        all.set(scores, from);
        return all;
      }),
    );
  }
  return run;
}

/** A held-out category's figure under one profile. */
export interface CategoryFigure {
  /** NAB-normalised score of the category alone (undefined for a category without windows). */
  normalised?: number;
  raw: number;
  threshold: number;
  /** Windows detected and in all, and false-alarm rows, summed over start phases. */
  found: number;
  windows: number;
  falseAlarms: number;
  /** The candidate chosen on the other categories. */
  chosen: string;
}

/** The whole evaluation. */
export interface LocoResult {
  categories: { category: string; byProfile: Record<string, CategoryFigure> }[];
  /** Held-out raw scores of every category, pooled and normalised against the whole corpus. */
  pooled: Record<string, number>;
  /** Whole corpus, NAB's optimised threshold per phase (in-sample), mean over phases; first candidate. */
  inSample: Record<string, number>;
  /** The same per phase. */
  inSampleByPhase: Record<string, number[]>;
}

/** Everything the evaluation needs, already run. */
export interface LocoInput {
  corpus: readonly SeriesFile[];
  windows: ReadonlyMap<string, LabelWindow[]>;
  profiles: readonly Profile[];
  skips: readonly number[];
  candidates: readonly Candidate[];
  runs: readonly CandidateRun[];
}

const categoryOf = (f: SeriesFile) => f.relativePath.split('/')[0]!;

interface Part {
  files: number[];
  layout: ScoringLayout;
}

/** A layout of the given files repeated once per start phase, so one threshold spans every phase. */
function partOf(input: LocoInput, files: number[]): Part {
  const inputs = input.skips.flatMap((skip) =>
    files.map((i) => {
      const f = input.corpus[i]!;
      return { relativePath: `${skip}:${f.relativePath}`, times: f.times, windows: input.windows.get(f.relativePath)! };
    }),
  );
  return { files, layout: buildLayout(inputs) };
}

function scoresOf(input: LocoInput, part: Part, run: CandidateRun): Float64Array {
  const all = new Float64Array(part.layout.rows);
  let offset = 0;
  for (const skip of input.skips) {
    const byFile = run.get(skip)!;
    for (const i of part.files) {
      all.set(byFile[i]!, offset);
      offset += byFile[i]!.length;
    }
  }
  return all;
}

function countAt(layout: ScoringLayout, scores: Float64Array, threshold: number) {
  const hit = new Set<number>();
  let falseAlarms = 0;
  for (let i = 0; i < layout.rows; i++) {
    if (!layout.scorable[i] || scores[i]! < threshold) continue;
    if (layout.windowOf[i] === OUTSIDE) falseAlarms++;
    else hit.add(layout.windowOf[i]!);
  }
  return { found: hit.size, falseAlarms };
}

/**
 * Leave one category out: for each category with windows, choose the candidate and the
 * threshold that score best on all the other categories (every phase pooled), then score
 * the held-out category with them. Categories without windows stay in every tuning set
 * and report their false alarms at each fold's threshold (averaged over folds).
 */
export function evaluateLoco(input: LocoInput): LocoResult {
  const indices = (pred: (f: SeriesFile) => boolean) => input.corpus.flatMap((f, i) => (pred(f) ? [i] : []));
  const categories = [...new Set(input.corpus.map(categoryOf))];
  const hasWindows = (c: string) =>
    input.corpus.some((f) => categoryOf(f) === c && (input.windows.get(f.relativePath)?.length ?? 0) > 0);
  const folds = categories.filter(hasWindows);
  const quiet = categories.filter((c) => !hasWindows(c));
  const result: LocoResult = { categories: [], pooled: {}, inSample: {}, inSampleByPhase: {} };
  const byCategory = new Map<string, Record<string, CategoryFigure>>();
  for (const c of categories) byCategory.set(c, {});
  const pooledRaw: Record<string, number> = {};
  const quietRaw: Record<string, number[]> = {};
  const quietFigures = new Map<string, Record<string, CategoryFigure[]>>();

  for (const held of folds) {
    const train = partOf(
      input,
      indices((f) => categoryOf(f) !== held),
    );
    const test = partOf(
      input,
      indices((f) => categoryOf(f) === held),
    );
    const quietParts = quiet.map((q) => ({
      q,
      part: partOf(
        input,
        indices((f) => categoryOf(f) === q),
      ),
    }));
    const trainScores = input.runs.map((r) => scoresOf(input, train, r));
    for (const profile of input.profiles) {
      let best = -1;
      let bestScore = Number.NEGATIVE_INFINITY;
      let threshold = 1.1;
      trainScores.forEach((scores, k) => {
        const top = optimiseThreshold(train.layout, scores, profile.costs);
        if (top.score > bestScore) {
          bestScore = top.score;
          best = k;
          threshold = top.threshold;
        }
      });
      const testScores = scoresOf(input, test, input.runs[best]!);
      const at = scoreAtThreshold(test.layout, testScores, profile.costs, threshold);
      const counts = countAt(test.layout, testScores, threshold);
      byCategory.get(held)![profile.name] = {
        normalised: normaliseScore(at.score, baselines(test.layout, profile.costs)),
        raw: at.score,
        threshold,
        found: counts.found,
        windows: test.layout.windowCount,
        falseAlarms: counts.falseAlarms,
        chosen: input.candidates[best]!.label,
      };
      pooledRaw[profile.name] = (pooledRaw[profile.name] ?? 0) + at.score;
      for (const { q, part } of quietParts) {
        const scores = scoresOf(input, part, input.runs[best]!);
        const qa = scoreAtThreshold(part.layout, scores, profile.costs, threshold);
        quietRaw[profile.name] = [...(quietRaw[profile.name] ?? []), qa.score];
        const figures = quietFigures.get(q) ?? {};
        const list = figures[profile.name] ?? [];
        figures[profile.name] = list;
        list.push({
          raw: qa.score,
          threshold,
          found: 0,
          windows: 0,
          falseAlarms: countAt(part.layout, scores, threshold).falseAlarms,
          chosen: input.candidates[best]!.label,
        });
        quietFigures.set(q, figures);
      }
    }
  }
  for (const [q, figures] of quietFigures) {
    for (const [profile, list] of Object.entries(figures)) {
      const mean = (f: (x: CategoryFigure) => number) => list.reduce((s, x) => s + f(x), 0) / list.length;
      byCategory.get(q)![profile] = {
        raw: mean((x) => x.raw),
        threshold: mean((x) => x.threshold),
        found: 0,
        windows: 0,
        falseAlarms: Math.round(mean((x) => x.falseAlarms)),
        chosen: 'per fold',
      };
    }
  }
  result.categories = categories.map((category) => ({ category, byProfile: byCategory.get(category)! }));

  const whole = partOf(
    input,
    input.corpus.map((_, i) => i),
  );
  for (const profile of input.profiles) {
    const quietMean = (quietRaw[profile.name] ?? []).reduce((s, x) => s + x, 0) / Math.max(1, folds.length);
    result.pooled[profile.name] = normaliseScore(
      (pooledRaw[profile.name] ?? 0) + quietMean,
      baselines(whole.layout, profile.costs),
    );
  }
  // In sample, as split-check.ts --skip N reports it: each phase on its own, NAB's optimised threshold.
  const single = buildLayout(
    input.corpus.map((f) => ({
      relativePath: f.relativePath,
      times: f.times,
      windows: input.windows.get(f.relativePath)!,
    })),
  );
  for (const profile of input.profiles) {
    const base = baselines(single, profile.costs);
    const perPhase = input.skips.map((skip) => {
      const byFile = input.runs[0]!.get(skip)!;
      const all = new Float64Array(single.rows);
      let offset = 0;
      for (const s of byFile) {
        all.set(s, offset);
        offset += s.length;
      }
      return normaliseScore(optimiseThreshold(single, all, profile.costs).score, base);
    });
    result.inSampleByPhase[profile.name] = perPhase;
    result.inSample[profile.name] = perPhase.reduce((a, b) => a + b, 0) / perPhase.length;
  }
  return result;
}
