/**
 * `npm run bench:corpus -- [--out DIR] [--seed N]`: writes a synthetic corpus of production
 * service metrics with injected anomalies in NAB's layout, for developing detectors and
 * forecasters on data that is not NAB. See bench/corpus/README.md.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printTable, repoRoot } from '../lib/report.js';
import { GENERATOR_VERSION, generateCorpus, toCsv } from './corpus.js';
import { ANOMALY_KINDS, CATEGORIES } from './metrics.js';

const USAGE = `usage: npm run bench:corpus -- [--out DIR] [--seed N]

Writes a synthetic corpus of service and host metrics (latency, requests, errors, CPU,
memory, disk) with anomalies injected at known onsets, laid out as a NAB checkout:

  DIR/data/<category>/<file>.csv         timestamp,value
  DIR/labels/combined_windows.json       NAB windows (10 % of each file, centred on each onset)
  DIR/labels/combined_labels.json        the onsets
  DIR/labels/anomalies.json              kind, onset, end and effect of each anomaly
  DIR/corpus.json                        seed and generator version

  --seed N   the corpus seed, a whole number (default 1); the same seed gives the same files
  --out DIR  where to write (default: bench/results/corpus/seed-N, ignored by git);
             an existing DIR/data and DIR/labels are replaced

Score it:  npm run bench:nab -- --data DIR/data --labels DIR/labels/combined_windows.json`;

function parse(argv: string[]): { out: string; seed: number } | undefined {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) return undefined;
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0x7fffffff) {
    throw new Error(`--seed takes a whole number from 0 to 2147483647 (got "${values.seed}")`);
  }
  const out = path.resolve(values.out ?? path.join(repoRoot, 'bench', 'results', 'corpus', `seed-${seed}`));
  return { out, seed };
}

function main(): void {
  const options = parse(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
    return;
  }
  const { out, seed } = options;
  const corpus = generateCorpus(seed);
  const data = path.join(out, 'data');
  const labels = path.join(out, 'labels');
  rmSync(data, { recursive: true, force: true });
  rmSync(labels, { recursive: true, force: true });
  for (const file of corpus.files) {
    const target = path.join(data, file.relativePath);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, toCsv(file));
  }
  mkdirSync(labels, { recursive: true });
  const json = (value: unknown) => `${JSON.stringify(value, null, 4)}\n`;
  writeFileSync(path.join(labels, 'combined_windows.json'), json(corpus.windows));
  writeFileSync(path.join(labels, 'combined_labels.json'), json(corpus.labels));
  writeFileSync(path.join(labels, 'anomalies.json'), json(corpus.anomalies));
  writeFileSync(path.join(out, 'corpus.json'), json({ seed, generatorVersion: GENERATOR_VERSION }));

  const rows = CATEGORIES.map((category) => {
    const files = corpus.files.filter((f) => f.relativePath.startsWith(`${category}/`));
    const kinds = ANOMALY_KINDS.map((k) =>
      files.reduce((n, f) => n + f.anomalies.filter((a) => a.kind === k).length, 0),
    );
    return [category, files.length, files.reduce((n, f) => n + f.values.length, 0), ...kinds];
  });
  printTable(['category', 'files', 'points', ...ANOMALY_KINDS], rows);
  console.log(`\nseed ${seed}: ${corpus.files.length} files written under ${out}`);
  console.log(`score it: npm run bench:nab -- --data ${data} --labels ${path.join(labels, 'combined_windows.json')}`);
}

try {
  main();
} catch (error) {
  console.error(`bench:corpus: ${(error as Error).message}`);
  process.exitCode = 1;
}
