import { existsSync } from 'node:fs';
import { listCorpusFiles, readSeries } from '../nab/scorer/index.js';

/** One series to forecast, with the corpus it is reported under. */
export interface BenchSeries {
  /** The table it is reported in: the category folder, e.g. "realAWSCloudwatch". */
  corpus: string;
  /** Path inside its corpus folder, e.g. "realKnownCause/nyc_taxi.csv". */
  relativePath: string;
  times: Float64Array;
  values: Float64Array;
}

/** The NAB categories the issue names as the default corpora. */
export const NAB_CATEGORIES = ['realAWSCloudwatch', 'realKnownCause'] as const;

/**
 * Reads every series of a corpus in NAB's layout, keeping only the given categories when a list
 * is passed. Values must all be finite: a forecast benchmark has no sensible score for a gap.
 * @throws naming the folder or file and the fix.
 */
export function loadSeries(dataDir: string, categories?: readonly string[]): BenchSeries[] {
  if (!existsSync(dataDir)) throw new Error(`no corpus at ${dataDir}; pass --data DIR or --nab DIR`);
  const files = listCorpusFiles(dataDir).filter(
    (f) => categories === undefined || categories.includes(f.split('/')[0]!),
  );
  if (files.length === 0) throw new Error(`${dataDir}: no <category>/<file>.csv files to forecast`);
  return files.map((relativePath) => {
    const s = readSeries(dataDir, relativePath);
    const bad = s.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new Error(`${dataDir}/${relativePath} row ${bad + 2}: value "${s.valueTexts[bad]}" is not a number`);
    return { corpus: relativePath.split('/')[0]!, relativePath, times: s.times, values: s.values };
  });
}
