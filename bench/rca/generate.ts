/**
 * `npm run bench:rca:generate -- [--out DIR] [--seed N] [--faults N]`: writes a synthetic
 * microservice recording with injected faults in the layout `bench:rca` reads.
 * See bench/rca/README.md.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir, writeRecording } from './recording.js';

const USAGE = `usage: npm run bench:rca:generate -- [--out DIR] [--seed N] [--faults N]

Writes a seeded recording of eleven services with injected faults (CPU hog, memory leak,
disk filling, added latency, errors, a crashing process), a harmless change on another
service during every fault, in the layout bench:rca reads:

  DIR/faults.csv              timestamp,duration,kind,target
  DIR/metrics/COMPONENT.csv   timestamp and six metrics, one row per 15 s
  DIR/graph.csv               caller,callee
  DIR/decoys.csv              the harmless change during each fault (not read by bench:rca)

  --seed N    a whole number (default 1); the same seed gives the same files
  --faults N  how many faults (default 60)
  --out DIR   where to write (default: bench/results/rca-data/seed-N, ignored by git)`;

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      faults: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seed = Number(values.seed ?? 1);
  const count = Number(values.faults ?? 60);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed takes a whole number (got "${values.seed}")`);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`--faults takes a whole number >= 1 (got "${values.faults}")`);
  const out = path.resolve(values.out ?? defaultDataDir(seed));
  writeRecording(out, seed, count);
  console.log(`wrote ${count} faults to ${out}`);
}

main();
