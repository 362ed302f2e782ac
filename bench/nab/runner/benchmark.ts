import type { Detector } from '@aurora/core';
import {
  type LabelWindow,
  layoutCorpus,
  type Profile,
  type ProfileResult,
  type SeriesFile,
  scoreDetector,
} from '../scorer/index.js';
import { runDetector, type SeriesRun } from './detect.js';
import { runInWorkers } from './pool.js';
import { writeResultFile } from './write-results.js';

/** A detector the benchmark can run: a name and a way to make a fresh instance per file. */
export interface DetectorSpec {
  name: string;
  create(): Detector;
  /** Set when the detector is in @aurora/core's registry, so worker threads can build it too. */
  registered?: boolean;
  /** The registry name worker threads build, when it differs from `name` (e.g. `aurora-live`). */
  registryName?: string;
  /** A reference peer implemented in the benchmark, not one of Aurora's detectors. */
  peer?: boolean;
}

/** Everything one benchmark run needs, already loaded. */
export interface BenchmarkInput {
  corpus: readonly SeriesFile[];
  detectors: readonly DetectorSpec[];
  /** Anomaly windows per file; undefined when the corpus has no labels. */
  windows: ReadonlyMap<string, LabelWindow[]> | undefined;
  profiles: readonly Profile[];
  /** Root of the NAB-style results to write. */
  out: string;
  jobs: number;
  /** Receives one line per finished file (the runner sends them to stderr). */
  progress?: (line: string) => void;
}

/** One detector's outcome over the corpus. */
export interface DetectorReport {
  name: string;
  points: number;
  /** Sum over files of the update loop's wall time on one thread. */
  loopSeconds: number;
  /** points / loopSeconds: throughput of one core. */
  pointsPerSecond: number;
  inputErrors: number;
  /** Per profile, with the threshold that maximises the corpus score; absent when unscored. */
  scores?: ProfileResult[];
  /** A reference peer implemented in the benchmark, not one of Aurora's detectors. */
  peer?: boolean;
}

/** The outcome of a run: per-detector reports, and why scoring was skipped if it was. */
export interface BenchmarkReport {
  detectors: DetectorReport[];
  skippedScoring?: string;
}

function missingLabels(corpus: readonly SeriesFile[], windows: ReadonlyMap<string, LabelWindow[]> | undefined) {
  if (!windows) return 'no labels file for this corpus; pass --labels FILE to score it';
  const missing = corpus.filter((s) => !windows.has(s.relativePath)).map((s) => s.relativePath);
  if (missing.length === 0) return undefined;
  const shown = missing.slice(0, 3).join(', ') + (missing.length > 3 ? `, and ${missing.length - 3} more` : '');
  return `the labels have no entry for ${shown}; pass --labels FILE covering every file to score`;
}

async function runAll(input: BenchmarkInput, spec: DetectorSpec): Promise<SeriesRun[]> {
  const total = input.corpus.length;
  let finished = 0;
  const done = (index: number, run: SeriesRun) => {
    const s = input.corpus[index]!;
    writeResultFile(input.out, spec.name, s, run.scores, input.windows?.get(s.relativePath) ?? []);
    finished++;
    const rate = Math.round(s.times.length / Math.max(run.loopMs / 1000, 1e-9));
    input.progress?.(
      `[${finished}/${total}] ${spec.name} ${s.relativePath}: ${s.times.length} points, ${rate} points/s`,
    );
  };
  if (input.jobs > 1 && spec.registered) {
    const tasks = input.corpus.map((s) => ({
      detector: spec.registryName ?? spec.name,
      times: s.times,
      values: s.values,
    }));
    return runInWorkers(tasks, input.jobs, done);
  }
  return input.corpus.map((s, index) => {
    let run: SeriesRun;
    try {
      run = runDetector(spec.create(), s.times, s.values);
    } catch (error) {
      throw new Error(`${spec.name} on ${s.relativePath}: ${(error as Error).message}`);
    }
    done(index, run);
    return run;
  });
}

/**
 * Runs each detector over every series (a fresh instance per file, each point once, in
 * time order, labels never shown to it), writes NAB-style results, and scores them with
 * NAB's rules and an optimised threshold per profile when every file has labels.
 */
export async function runBenchmark(input: BenchmarkInput): Promise<BenchmarkReport> {
  const skippedScoring = missingLabels(input.corpus, input.windows);
  const layout = skippedScoring ? undefined : layoutCorpus(input.corpus, input.windows!);
  const detectors: DetectorReport[] = [];
  for (const spec of input.detectors) {
    const runs = await runAll(input, spec);
    const points = input.corpus.reduce((n, s) => n + s.times.length, 0);
    const loopSeconds = runs.reduce((t, r) => t + r.loopMs, 0) / 1000;
    const report: DetectorReport = {
      name: spec.name,
      points,
      loopSeconds,
      pointsPerSecond: points / Math.max(loopSeconds, 1e-9),
      inputErrors: runs.reduce((n, r) => n + r.inputErrors, 0),
      ...(spec.peer ? { peer: true } : {}),
    };
    if (layout) {
      const all = new Float64Array(points);
      let offset = 0;
      for (const r of runs) {
        all.set(r.scores, offset);
        offset += r.scores.length;
      }
      report.scores = scoreDetector(layout, all, input.profiles);
    }
    detectors.push(report);
  }
  return skippedScoring ? { detectors, skippedScoring } : { detectors };
}
