/**
 * `node --conditions=@aurora/source --import tsx bench/nab/split-check.ts [flags]`:
 * a held-out check for detector changes. NAB is split by category into a tune set
 * and a check set; each half is scored on its own (its own optimised threshold, as
 * NAB does for a whole corpus), beside the whole corpus. A change that only helps
 * the half it was tuned on is fitting the corpus, not detecting better.
 *
 * Flags: --detector NAME (default aurora-ensemble), --config JSON (overrides passed to
 * the detector), --nab DIR (else $AURORA_NAB_DIR, else ../shared/datasets/nab),
 * --misses (list the windows the whole-corpus standard threshold does not catch),
 * --shift DURATION (feed the detector every timestamp moved later by DURATION, e.g. 20m: slots
 * of the day and week then start at other moments of the data, which shows how much a figure
 * owes to where they fall; scoring is unchanged), --skip N (start every file's detector at
 * row N; the rows before score 0, inside NAB's probationary period: buckets, warm-ups and
 * learned ranges then start from other points, which shows how much a figure owes to them).
 */
import { createDetector, parseDuration } from '@aurora/core';
import { nabPaths } from './dataset.js';
import { runDetector } from './runner/detect.js';
import {
  layoutCorpus,
  loadCorpus,
  loadProfiles,
  loadWindows,
  OUTSIDE,
  type Profile,
  type ScoringLayout,
  type SeriesFile,
  scoreDetector,
} from './scorer/index.js';

/** Categories the split puts in the tune set; every other category is held out. */
export const TUNE_CATEGORIES = ['artificialWithAnomaly', 'realAdExchange', 'realAWSCloudwatch', 'realTraffic'];

interface Options {
  detector: string;
  config?: Record<string, unknown>;
  nab?: string;
  misses: boolean;
  shiftMs: number;
  skipRows: number;
}

function parseSkip(text: string): number {
  const rows = Number(text);
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`--skip takes a whole number of rows (got "${text}")`);
  return rows;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { detector: 'aurora-ensemble', misses: false, shiftMs: 0, skipRows: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--misses') options.misses = true;
    else if (flag === '--detector' && value) options.detector = argv[++i]!;
    else if (flag === '--config' && value) options.config = JSON.parse(argv[++i]!) as Record<string, unknown>;
    else if (flag === '--nab' && value) options.nab = argv[++i]!;
    else if (flag === '--shift' && value) options.shiftMs = parseDuration(argv[++i]!);
    else if (flag === '--skip' && value) options.skipRows = parseSkip(argv[++i]!);
    else
      throw new Error(
        `unknown or incomplete flag "${flag}"; use --detector, --config, --nab, --misses, --shift or --skip`,
      );
  }
  return options;
}

interface Part {
  name: string;
  files: SeriesFile[];
}

function scoresOf(files: readonly SeriesFile[], byFile: ReadonlyMap<string, Float64Array>): Float64Array {
  const all = new Float64Array(files.reduce((n, s) => n + s.times.length, 0));
  let offset = 0;
  for (const f of files) {
    all.set(byFile.get(f.relativePath)!, offset);
    offset += f.times.length;
  }
  return all;
}

/** Windows with a detection and scored rows raising a false alarm at a threshold. */
function countAt(layout: ScoringLayout, scores: Float64Array, threshold: number) {
  const hit = new Map<number, number>();
  let falseAlarms = 0;
  for (let i = 0; i < layout.rows; i++) {
    if (!layout.scorable[i] || scores[i]! < threshold) continue;
    const w = layout.windowOf[i]!;
    if (w === OUTSIDE) falseAlarms++;
    else hit.set(w, Math.max(hit.get(w) ?? -1, layout.unweighted[i]!));
  }
  let worth = 0;
  for (const v of hit.values()) worth += v;
  return { found: hit.size, falseAlarms, meanWorth: hit.size > 0 ? worth / hit.size : 0 };
}

function listFalseAlarms(layout: ScoringLayout, scores: Float64Array, threshold: number): void {
  for (const file of layout.files) {
    const rows: string[] = [];
    for (let i = file.offset; i < file.offset + file.rows; i++) {
      if (layout.scorable[i] && layout.windowOf[i] === OUTSIDE && scores[i]! >= threshold) {
        rows.push(`${i - file.offset}(${layout.unweighted[i]!.toFixed(2)})`);
      }
    }
    if (rows.length > 0) console.log(`false ${file.relativePath} of ${file.rows}: ${rows.join(' ')}`);
  }
}

function listMisses(
  files: readonly SeriesFile[],
  byFile: ReadonlyMap<string, Float64Array>,
  windows: ReturnType<typeof loadWindows>,
  threshold: number,
): void {
  for (const f of files) {
    const scores = byFile.get(f.relativePath)!;
    for (const w of windows.get(f.relativePath) ?? []) {
      let best = 0;
      for (let i = 0; i < f.times.length; i++) {
        if (f.times[i]! >= w.start && f.times[i]! <= w.end) best = Math.max(best, scores[i]!);
      }
      if (best < threshold) {
        const start = f.times.findIndex((t) => t >= w.start);
        console.log(`miss ${f.relativePath} window from row ${start} of ${f.times.length}: best ${best.toFixed(3)}`);
      }
    }
  }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const nab = nabPaths(options.nab);
  const corpus = loadCorpus(nab.data);
  const windows = loadWindows(nab.windows);
  const profiles: Profile[] = loadProfiles(nab.profiles);
  const byFile = new Map<string, Float64Array>();
  let points = 0;
  let loopMs = 0;
  for (const series of corpus) {
    const from = Math.min(options.skipRows, series.times.length);
    const times = series.times.subarray(from).map((t) => t + options.shiftMs);
    const run = runDetector(createDetector(options.detector, options.config), times, series.values.subarray(from));
    const scores = new Float64Array(series.times.length);
    scores.set(run.scores, from);
    byFile.set(series.relativePath, scores);
    points += times.length;
    loopMs += run.loopMs;
  }
  const category = (f: SeriesFile) => f.relativePath.split('/')[0]!;
  const parts: Part[] = [
    { name: 'all', files: corpus },
    { name: 'tune', files: corpus.filter((f) => TUNE_CATEGORIES.includes(category(f))) },
    { name: 'check', files: corpus.filter((f) => !TUNE_CATEGORIES.includes(category(f))) },
  ];
  console.log(`${options.detector}: ${Math.round(points / (loopMs / 1000))} points/s`);
  console.log(`part   ${profiles.map((p) => p.name.padStart(26)).join(' ')}`);
  for (const part of parts) {
    const layout = layoutCorpus(part.files, windows);
    const scores = scoresOf(part.files, byFile);
    const results = scoreDetector(layout, scores, profiles);
    const cells = results.map((r) => {
      const { found, falseAlarms, meanWorth } = countAt(layout, scores, r.threshold);
      return `${r.normalised.toFixed(2)} ${found}/${layout.windowCount}×${meanWorth.toFixed(2)} ${falseAlarms}fp`.padStart(
        26,
      );
    });
    console.log(`${part.name.padEnd(6)} ${cells.join(' ')}`);
    if (options.misses && part.name === 'all') {
      const standard = results.find((r) => r.profile === 'standard') ?? results[0]!;
      listMisses(part.files, byFile, windows, standard.threshold);
      listFalseAlarms(layout, scores, standard.threshold);
    }
  }
}

main();
