import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../lib/report.js';

/** The options of `bench:forecast` after validation. */
export interface ForecastBenchOptions {
  /** The JSON file the run writes. */
  out: string;
  /** A corpus in NAB's layout replacing the default corpora; undefined means the defaults. */
  data: string | undefined;
  /** NAB checkout; undefined means AURORA_NAB_DIR or ../shared/datasets/nab. */
  nab: string | undefined;
  /** Run the augurs peers (WASM); they take most of the run's time. */
  augurs: boolean;
  help: boolean;
}

/** The text `--help` prints. */
export const USAGE = `usage: npm run bench:forecast -- [options]

Scores Aurora's forecaster and its peers against seasonal naive: for every series, 20 forecast
origins from 80 % of the series to its end minus H (one day of steps, at most 288); each series'
score is the geometric mean over origins of the model's MAE / seasonal naive's MAE.

  --out FILE      where the JSON goes (default: bench/results/forecast.json)
  --data DIR      a corpus in NAB's layout (<category>/<file>.csv), replacing the default
                  corpora: NAB's realAWSCloudwatch and realKnownCause, and the synthetic corpus
                  of bench:corpus (seed 1, generated under bench/results/corpus if missing)
  --nab DIR       the NAB checkout (default: $AURORA_NAB_DIR or ../shared/datasets/nab)
  --no-augurs     leave out the augurs peers (WASM, about 40 ms a forecast)
  --help          this text`;

/**
 * Parses the command line of `bench:forecast`.
 * @throws naming the flag and the fix when the line is invalid.
 */
export function parseForecastArgs(argv: readonly string[]): ForecastBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      data: { type: 'string' },
      nab: { type: 'string' },
      'no-augurs': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  for (const flag of ['out', 'data', 'nab'] as const) {
    if (values[flag] === '') throw new Error(`--${flag} needs a path (got an empty string)`);
  }
  const resolve = (p: string | undefined) => (p === undefined ? undefined : path.resolve(p));
  return {
    out: path.resolve(values.out ?? path.join(repoRoot, 'bench', 'results', 'forecast.json')),
    data: resolve(values.data),
    nab: resolve(values.nab),
    augurs: !(values['no-augurs'] ?? false),
    help: values.help ?? false,
  };
}
