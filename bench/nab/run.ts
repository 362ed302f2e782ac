/**
 * `npm run bench:nab -- [flags]`: runs Aurora's detectors over the Numenta Anomaly
 * Benchmark (or any corpus in its layout), scores them with NAB's rules and prints
 * them beside NAB's published scoreboard. See bench/nab/README.md.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Detector, detectorFactories } from '@aurora/core';
import { writeResult } from '../lib/report.js';
import { nabPaths, repoRoot } from './dataset.js';
import { BayesChangePtPeer } from './peers/bayes-changept.js';
import { parseRunArgs, USAGE } from './runner/args.js';
import { type BenchmarkReport, type DetectorSpec, runBenchmark } from './runner/benchmark.js';
import { benchDetector, LIVE_NAME, resolveDetector } from './runner/live.js';
import { formatScoreboard, scoreboardRows } from './runner/scoreboard.js';
import {
  loadByDetectorProfile,
  loadCorpus,
  loadProfiles,
  loadWindows,
  NAB_PROFILES,
  PROFILE_NAMES,
} from './scorer/index.js';

/** Reference peers that live in the benchmark only (not in @aurora/core); run only when named. */
const PEERS: Record<string, () => Detector> = {
  'nab-bayes-changept': () => new BayesChangePtPeer(),
};

/** The detectors to run: those named, or every registered one plus the live default as `aurora-live`. */
function detectorSpecs(names: readonly string[]): DetectorSpec[] {
  const chosen = names.length > 0 ? names : [...detectorFactories.map((f) => f.name), LIVE_NAME];
  if (chosen.length === 0) throw new Error('no detectors are registered in @aurora/core');
  return chosen.map((name) => {
    const peer = PEERS[name];
    if (peer) return { name, create: peer, peer: true };
    benchDetector(name); // fails early, listing the known names, on a typo
    return { name, create: () => benchDetector(name), registered: true, registryName: resolveDetector(name) };
  });
}

function resultJson(report: BenchmarkReport, extra: Record<string, unknown>) {
  return {
    ...extra,
    skippedScoring: report.skippedScoring,
    detectors: report.detectors.map((d) => ({
      name: d.name,
      ...(d.name === LIVE_NAME ? { liveDetector: resolveDetector(LIVE_NAME) } : {}),
      points: d.points,
      loopSeconds: d.loopSeconds,
      pointsPerSecondPerCore: d.pointsPerSecond,
      inputErrors: d.inputErrors,
      scores: d.scores
        ? Object.fromEntries(
            d.scores.map((s) => [
              s.profile,
              { score: s.normalised, raw: s.raw, threshold: s.threshold, tp: s.tp, fp: s.fp, fn: s.fn, tn: s.tn },
            ]),
          )
        : undefined,
    })),
  };
}

async function main(): Promise<void> {
  const options = parseRunArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const nab = nabPaths(options.nab);
  const dataDir = options.data ?? nab.data;
  if (!existsSync(dataDir)) {
    throw new Error(`no corpus at ${dataDir}; pass --data DIR, --nab DIR or set AURORA_NAB_DIR`);
  }
  const isNab = path.resolve(dataDir) === path.resolve(nab.data);
  const labelsFile = options.labels ?? (isNab && existsSync(nab.windows) ? nab.windows : undefined);
  const corpus = loadCorpus(dataDir);
  const windows = labelsFile ? loadWindows(labelsFile) : undefined;
  const profiles = existsSync(nab.profiles) ? loadProfiles(nab.profiles) : [...NAB_PROFILES];
  const detectors = detectorSpecs(options.detectors);
  const points = corpus.reduce((n, s) => n + s.times.length, 0);
  console.error(`${corpus.length} files, ${points} points; detectors: ${detectors.map((d) => d.name).join(', ')}`);

  const report = await runBenchmark({
    corpus,
    detectors,
    windows,
    profiles,
    out: options.out,
    jobs: options.jobs,
    progress: (line) => console.error(line),
  });

  const relative = (p: string | undefined) => (p === undefined ? undefined : path.relative(repoRoot, p));
  console.log(`\nresults written under ${relative(options.out)}`);
  if (report.skippedScoring) console.log(`scoring skipped: ${report.skippedScoring}`);
  const published = isNab && existsSync(nab.finalResults) ? loadByDetectorProfile<number>(nab.finalResults) : undefined;
  const profileNames = profiles.map((p) => p.name).sort((a, b) => order(a) - order(b));
  const rows = scoreboardRows(published, report.detectors);
  console.log(`\n${formatScoreboard(rows, profileNames)}`);
  for (const d of report.detectors) {
    for (const s of d.scores ?? []) {
      console.log(`${d.name} ${s.profile}: threshold ${s.threshold}, raw ${s.raw.toFixed(3)}, TP ${s.tp} FP ${s.fp}`);
    }
  }

  const name = isNab ? 'nab' : `nab-${corpusName(dataDir)}`;
  const extra = {
    corpus: { data: relative(dataDir), labels: relative(labelsFile), files: corpus.length, points },
    jobs: options.jobs,
    scoreboard: published,
  };
  const file = writeResult(name, resultJson(report, extra));
  console.log(`\nwrote ${relative(file)}`);
}

/** A corpus's name for its result file: its folder, or the folder above a folder called `data`. */
function corpusName(dataDir: string): string {
  const base = path.basename(dataDir);
  return base === 'data' ? path.basename(path.dirname(dataDir)) : base;
}

function order(profile: string): number {
  const i = (PROFILE_NAMES as readonly string[]).indexOf(profile);
  return i < 0 ? PROFILE_NAMES.length : i;
}

main().catch((error: unknown) => {
  console.error(`bench:nab: ${(error as Error).message}`);
  process.exitCode = 1;
});
