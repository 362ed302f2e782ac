/** Writes the synthetic recordings of synth.ts to disk in the layout of dataset.ts. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../lib/report.js';
import { formatFaults, formatMetrics, formatTimestamp } from './dataset.js';
import { EDGES, generateRecording, RCA_GENERATOR_VERSION } from './synth.js';

/** Where a seed's recording goes by default. */
export function defaultDataDir(seed: number): string {
  return path.join(repoRoot, 'bench', 'results', 'rca-data', `seed-${seed}`);
}

/** Writes one recording to DIR, replacing what was there. */
export function writeRecording(dir: string, seed: number, faultCount: number): void {
  const rec = generateRecording(seed, faultCount);
  rmSync(path.join(dir, 'metrics'), { recursive: true, force: true });
  mkdirSync(path.join(dir, 'metrics'), { recursive: true });
  writeFileSync(
    path.join(dir, 'faults.csv'),
    formatFaults(rec.faults, (i) => `${rec.faults[i]!.durationMs / 60_000}m`),
  );
  for (const [component, columns] of Object.entries(rec.metrics)) {
    writeFileSync(path.join(dir, 'metrics', `${component}.csv`), formatMetrics(rec.times, columns));
  }
  writeFileSync(path.join(dir, 'graph.csv'), `caller,callee\n${EDGES.map(([a, b]) => `${a},${b}`).join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'decoys.csv'),
    `fault_timestamp,decoy_timestamp,kind,target\n${rec.faults
      .map((f) => `${formatTimestamp(f.startMs)},${formatTimestamp(f.decoy.startMs)},${f.decoy.kind},${f.decoy.target}`)
      .join('\n')}\n`,
  );
  writeFileSync(
    path.join(dir, 'generator.json'),
    `${JSON.stringify({ seed, faults: faultCount, version: RCA_GENERATOR_VERSION })}\n`,
  );
}
