import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { columnIndex, parseCsv } from './csv.js';
import type { LabelWindow } from './layout.js';
import { type Profile, parseProfiles } from './profiles.js';
import { parseTimestamp } from './timestamp.js';

/** One time series of a corpus in NAB's layout (`<category>/<file>.csv`). */
export interface SeriesFile {
  /** Path relative to the data folder with forward slashes, e.g. "realKnownCause/nyc_taxi.csv". */
  relativePath: string;
  /** Timestamps exactly as written in the file, so outputs can repeat them verbatim. */
  timestamps: string[];
  /** The same timestamps in ms since the epoch. */
  times: Float64Array;
  values: Float64Array;
  /** Values exactly as written in the file. */
  valueTexts: string[];
}

/** Lists `<category>/<file>.csv` under a data folder, sorted so runs are reproducible. */
export function listCorpusFiles(dataDir: string): string[] {
  const found: string[] = [];
  for (const category of readdirSync(dataDir).sort()) {
    const dir = path.join(dataDir, category);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) if (file.endsWith('.csv')) found.push(`${category}/${file}`);
  }
  return found;
}

/**
 * Reads one series file (columns `timestamp,value`, others ignored).
 * @throws naming the file and row of a bad timestamp or value.
 */
export function readSeries(dataDir: string, relativePath: string): SeriesFile {
  const file = path.join(dataDir, relativePath);
  const table = parseCsv(readFileSync(file, 'utf8'));
  const tCol = columnIndex(table, 'timestamp', file);
  const vCol = columnIndex(table, 'value', file);
  const n = table.rows.length;
  const series: SeriesFile = {
    relativePath,
    timestamps: new Array<string>(n),
    times: new Float64Array(n),
    values: new Float64Array(n),
    valueTexts: new Array<string>(n),
  };
  table.rows.forEach((row, i) => {
    const text = row[tCol] ?? '';
    series.timestamps[i] = text;
    try {
      series.times[i] = parseTimestamp(text);
    } catch (error) {
      throw new Error(`${file} row ${i + 2}: ${(error as Error).message}`);
    }
    series.valueTexts[i] = row[vCol] ?? '';
    series.values[i] = Number(row[vCol]);
  });
  return series;
}

/** Reads every series of a corpus in NAB's layout. */
export function loadCorpus(dataDir: string): SeriesFile[] {
  const files = listCorpusFiles(dataDir);
  if (files.length === 0)
    throw new Error(`${dataDir}: no <category>/<file>.csv files; point --data at a corpus folder`);
  return files.map((f) => readSeries(dataDir, f));
}

/** Reads NAB's combined_windows.json: relative path → windows (limits as ms). */
export function loadWindows(file: string): Map<string, LabelWindow[]> {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const windows = new Map<string, LabelWindow[]>();
  for (const [relativePath, list] of Object.entries(json)) {
    if (!Array.isArray(list)) throw new Error(`${file}: "${relativePath}" must be a list of [start, end] pairs`);
    windows.set(
      relativePath,
      list.map((pair: unknown) => {
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new Error(`${file}: "${relativePath}" has a window that is not a [start, end] pair`);
        }
        return { start: parseTimestamp(String(pair[0])), end: parseTimestamp(String(pair[1])) };
      }),
    );
  }
  return windows;
}

/** Reads NAB's profiles.json. */
export function loadProfiles(file: string): Profile[] {
  return parseProfiles(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** Where a detector's output for a series lives in NAB's results layout. */
export function resultPath(resultsDir: string, detector: string, relativePath: string): string {
  const [category, name] = relativePath.split('/');
  return path.join(resultsDir, detector, category!, `${detector}_${name}`);
}

/**
 * Reads a detector's `anomaly_score` column for every series, laid end to end in
 * corpus order (the order a scoring layout uses).
 * @throws when a file is missing, has the wrong number of rows, or a score is not a number.
 */
export function loadDetectorScores(resultsDir: string, detector: string, corpus: readonly SeriesFile[]): Float64Array {
  const scores = new Float64Array(corpus.reduce((n, s) => n + s.times.length, 0));
  let offset = 0;
  for (const series of corpus) {
    const file = resultPath(resultsDir, detector, series.relativePath);
    const table = parseCsv(readFileSync(file, 'utf8'));
    const col = columnIndex(table, 'anomaly_score', file);
    if (table.rows.length !== series.times.length) {
      throw new Error(`${file}: ${table.rows.length} rows, but the data file has ${series.times.length}`);
    }
    table.rows.forEach((row, i) => {
      const score = Number(row[col]);
      if (!Number.isFinite(score)) throw new Error(`${file} row ${i + 2}: anomaly_score "${row[col]}" is not a number`);
      scores[offset + i] = score;
    });
    offset += series.times.length;
  }
  return scores;
}

/** Per detector, per profile: a number (NAB's final_results.json) or `{ threshold, score }` (thresholds.json). */
export type ByDetectorProfile<T> = Record<string, Record<string, T>>;

/** Reads a JSON file shaped detector → profile → value. */
export function loadByDetectorProfile<T>(file: string): ByDetectorProfile<T> {
  return JSON.parse(readFileSync(file, 'utf8')) as ByDetectorProfile<T>;
}
