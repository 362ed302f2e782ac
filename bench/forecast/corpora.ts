import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATOR_VERSION } from '../corpus/corpus.js';
import { repoRoot } from '../lib/report.js';
import { listCorpusFiles, readSeries } from '../nab/scorer/index.js';

/** One series to forecast, with the corpus it is reported under. */
export interface BenchSeries {
  /** The table it is reported in: the category folder, e.g. "realAWSCloudwatch", or "synthetic". */
  corpus: string;
  /** Path inside its corpus folder, e.g. "realKnownCause/nyc_taxi.csv". */
  relativePath: string;
  times: Float64Array;
  values: Float64Array;
}

/** The NAB categories the issue names as the default corpora. */
export const NAB_CATEGORIES = ['realAWSCloudwatch', 'realKnownCause'] as const;

/** The seed of the synthetic corpus (`bench:corpus`) that the benchmark reads by default. */
export const SYNTHETIC_SEED = 1;

/** Where `bench:corpus` writes that seed by default, and where the benchmark looks for it. */
export const SYNTHETIC_DIR = path.join(repoRoot, 'bench', 'results', 'corpus', `seed-${SYNTHETIC_SEED}`);

/**
 * The data folder of the synthetic corpus, generated with `npm run bench:corpus` when it is missing
 * or was written by another generator version (the corpus is deterministic, so this only saves time).
 * @throws when the generator fails, with the command to run by hand.
 */
export function ensureSyntheticCorpus(dir = SYNTHETIC_DIR, seed = SYNTHETIC_SEED): string {
  const data = path.join(dir, 'data');
  const meta = path.join(dir, 'corpus.json');
  if (existsSync(data) && existsSync(meta)) {
    const written = JSON.parse(readFileSync(meta, 'utf8')) as { seed?: number; generatorVersion?: number };
    if (written.seed === seed && written.generatorVersion === GENERATOR_VERSION) return data;
  }
  const args = ['run', '--silent', 'bench:corpus', '--', '--seed', String(seed), '--out', dir];
  console.error(`generating the synthetic corpus: npm ${args.join(' ')}`);
  const run = spawnSync('npm', args, { cwd: repoRoot, stdio: ['ignore', 2, 2] });
  if (run.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status}`}); run it by hand`);
  }
  return data;
}

/**
 * Reads every series of a corpus in NAB's layout, keeping only the given categories when a list
 * is passed. With a `label`, every series is reported under that corpus name (and its path is
 * prefixed with it); otherwise under its category. Values must all be finite: a forecast
 * benchmark has no sensible score for a gap.
 * @throws naming the folder or file and the fix.
 */
export function loadSeries(dataDir: string, categories?: readonly string[], label?: string): BenchSeries[] {
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
    return {
      corpus: label ?? relativePath.split('/')[0]!,
      relativePath: label ? `${label}/${relativePath}` : relativePath,
      times: s.times,
      values: s.values,
    };
  });
}
