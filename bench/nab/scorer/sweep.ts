import { detectionWorth, OUTSIDE, type ScoringLayout } from './layout.js';
import type { CostMatrix } from './profiles.js';

/** Row counts at one threshold, over scored rows only (the probationary period is left out). */
export interface Counts {
  tp: number;
  tn: number;
  fp: number;
  fn: number;
}

/** The raw NAB score of a corpus when every row scoring at least `threshold` is a detection. */
export interface ThresholdScore extends Counts {
  threshold: number;
  score: number;
}

/** NAB's sweep starts above every possible score, where nothing is detected. */
export const START_THRESHOLD = 1.1;

function checkScores(layout: ScoringLayout, scores: ArrayLike<number>): void {
  if (scores.length !== layout.rows) {
    throw new Error(`expected ${layout.rows} anomaly scores (one per row), got ${scores.length}`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!))
      throw new Error(`anomaly score of row ${i} is ${scores[i]}; scores must be finite`);
  }
}

/** Windows that have at least one scored row; only these can be missed. */
function scoredWindows(layout: ScoringLayout): Uint8Array {
  const scored = new Uint8Array(layout.windowCount);
  for (let i = 0; i < layout.rows; i++) {
    const w = layout.windowOf[i]!;
    if (w !== OUTSIDE && layout.scorable[i]) scored[w] = 1;
  }
  return scored;
}

/**
 * The score at every distinct threshold, from START_THRESHOLD down to the lowest score,
 * in one pass over the scored rows sorted by anomaly score (O(n log n)): lowering the
 * threshold past a score turns those rows into detections, each false positive adds
 * its (negative) worth, and each window is worth the best detection in it so far, or
 * −fnWeight while it has none. Equivalent to NAB's sweeper.
 */
export function sweepThresholds(layout: ScoringLayout, scores: ArrayLike<number>, costs: CostMatrix): ThresholdScore[] {
  checkScores(layout, scores);
  const scored = scoredWindows(layout);
  const best = new Float64Array(layout.windowCount).fill(-costs.fnWeight);
  let windowSum = 0;
  for (let w = 0; w < scored.length; w++) if (scored[w]) windowSum -= costs.fnWeight;
  const order: number[] = [];
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < layout.rows; i++) {
    if (!layout.scorable[i]) continue;
    order.push(i);
    if (layout.windowOf[i] === OUTSIDE) tn++;
    else fn++;
  }
  order.sort((a, b) => scores[b]! - scores[a]!);
  const result: ThresholdScore[] = [];
  let fpSum = 0;
  let tp = 0;
  let fp = 0;
  let threshold = START_THRESHOLD;
  for (const row of order) {
    const s = scores[row]!;
    if (s !== threshold) {
      result.push({ threshold, score: fpSum + windowSum, tp, tn, fp, fn });
      threshold = s;
    }
    const worth = detectionWorth(layout, row, costs);
    const w = layout.windowOf[row]!;
    if (w === OUTSIDE) {
      fp++;
      tn--;
      fpSum += worth;
    } else {
      tp++;
      fn--;
      if (worth > best[w]!) {
        windowSum += worth - best[w]!;
        best[w] = worth;
      }
    }
  }
  result.push({ threshold, score: fpSum + windowSum, tp, tn, fp, fn });
  return result;
}

/**
 * The threshold with the highest corpus score. Ties go to the higher threshold, as in
 * NAB (its optimiser keeps the first maximum of the descending sweep).
 */
export function optimiseThreshold(layout: ScoringLayout, scores: ArrayLike<number>, costs: CostMatrix): ThresholdScore {
  let top: ThresholdScore | undefined;
  for (const row of sweepThresholds(layout, scores, costs)) if (top === undefined || row.score > top.score) top = row;
  return top!;
}

/** One file's score at a threshold. */
export interface FileScore extends Counts {
  relativePath: string;
  score: number;
}

/** The corpus score at one threshold, with the per-file parts it sums. */
export interface CorpusScore extends ThresholdScore {
  files: FileScore[];
}

/**
 * Scores each file with rows whose anomaly score is at least `threshold` taken as
 * detections, and sums them, as NAB's scoring step does with a fixed threshold.
 */
export function scoreAtThreshold(
  layout: ScoringLayout,
  scores: ArrayLike<number>,
  costs: CostMatrix,
  threshold: number,
): CorpusScore {
  checkScores(layout, scores);
  const scored = scoredWindows(layout);
  const best = new Float64Array(layout.windowCount).fill(-costs.fnWeight);
  const files: FileScore[] = [];
  for (const file of layout.files) {
    const f: FileScore = { relativePath: file.relativePath, score: 0, tp: 0, tn: 0, fp: 0, fn: 0 };
    const windows = new Set<number>();
    for (let row = file.offset; row < file.offset + file.rows; row++) {
      if (!layout.scorable[row]) continue;
      const w = layout.windowOf[row]!;
      const detected = scores[row]! >= threshold;
      if (w === OUTSIDE) {
        if (!detected) f.tn++;
        else {
          f.fp++;
          f.score += detectionWorth(layout, row, costs);
        }
      } else {
        windows.add(w);
        if (!detected) f.fn++;
        else {
          f.tp++;
          best[w] = Math.max(best[w]!, detectionWorth(layout, row, costs));
        }
      }
    }
    for (const w of windows) if (scored[w]) f.score += best[w]!;
    files.push(f);
  }
  const total = { threshold, score: 0, tp: 0, tn: 0, fp: 0, fn: 0 };
  for (const f of files) {
    total.score += f.score;
    total.tp += f.tp;
    total.tn += f.tn;
    total.fp += f.fp;
    total.fn += f.fn;
  }
  return { ...total, files };
}
