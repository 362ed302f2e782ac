import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../dataset.js';

/** The runner's options after validation. */
export interface RunOptions {
  /** Root of NAB's results layout that the run writes. */
  out: string;
  /** Detector names to run; empty means every registered detector. */
  detectors: string[];
  /** Corpus folder in NAB's layout; undefined means NAB's own data. */
  data: string | undefined;
  /** NAB checkout; undefined means AURORA_NAB_DIR or the default location. */
  nab: string | undefined;
  /** Labels (NAB's combined_windows.json format); undefined means NAB's. */
  labels: string | undefined;
  /** Files run in parallel, each on its own worker thread. */
  jobs: number;
  help: boolean;
}

/** The text `--help` prints. */
export const USAGE = `usage: npm run bench:nab -- [options]

Runs Aurora's detectors over every file of a corpus in NAB's layout, writes NAB-style
results, scores them with NAB's rules and prints them beside NAB's scoreboard.

  --detector NAME   a registered detector to run (repeatable, or comma-separated;
                    aurora-live is the control plane's default detector;
                    nab-bayes-changept is a reference peer modelled on NAB's bayesChangePt;
                    default: all registered detectors and aurora-live)
  --out DIR         where results go (default: bench/results/nab)
  --data DIR        any corpus laid out as <category>/<file>.csv (default: NAB's data)
  --labels FILE     anomaly windows in NAB's combined_windows.json format
                    (default: NAB's; scoring is skipped if a file has no labels)
  --nab DIR         the NAB checkout (default: $AURORA_NAB_DIR or ../shared/datasets/nab)
  --jobs N          files processed in parallel on worker threads (default: 1)
  --help            this text`;

/**
 * Parses the runner's command line.
 * @throws naming the flag and the fix when a value is invalid.
 */
export function parseRunArgs(argv: readonly string[]): RunOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      detector: { type: 'string', multiple: true },
      data: { type: 'string' },
      nab: { type: 'string' },
      labels: { type: 'string' },
      jobs: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  const jobs = values.jobs === undefined ? 1 : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a whole number >= 1 (got "${values.jobs}")`);
  const resolve = (p: string | undefined) => (p === undefined ? undefined : path.resolve(p));
  return {
    out: path.resolve(values.out ?? path.join(repoRoot, 'bench', 'results', 'nab')),
    detectors: (values.detector ?? []).flatMap((d) => d.split(',')).filter((d) => d !== ''),
    data: resolve(values.data),
    nab: resolve(values.nab),
    labels: resolve(values.labels),
    jobs,
    help: values.help ?? false,
  };
}
