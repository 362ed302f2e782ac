import { type InjectedAnomaly, planAnomalies, renderSeries } from './anomalies.js';
import { formatTimestamp, formatWindowLimit, nabWindowRows } from './labels.js';
import { type Category, drawMetric } from './metrics.js';
import { fileSeed, Random } from './random.js';

/** Files per category in one corpus (36 in all), weighted towards the service metrics. */
export const FILES_PER_CATEGORY: Readonly<Record<Category, number>> = {
  serviceLatency: 8,
  serviceRequests: 8,
  serviceErrors: 6,
  hostCpu: 6,
  hostMemory: 4,
  hostDisk: 4,
};

/** Bumped whenever the same seed would produce different files, so results name what they measured. */
export const GENERATOR_VERSION = 1;

/** One generated series and what was injected into it. */
export interface GeneratedFile {
  /** `<category>/<name>.csv`, as NAB names files. */
  relativePath: string;
  timestamps: string[];
  times: Float64Array;
  values: number[];
  intervalSeconds: number;
  anomalies: InjectedAnomaly[];
  /** NAB windows as [first row, last row]. */
  windowRows: [number, number][];
}

/** A whole corpus: its files, and its labels in NAB's three label files' shapes. */
export interface GeneratedCorpus {
  seed: number;
  files: GeneratedFile[];
  /** As NAB's labels/combined_windows.json. */
  windows: Record<string, [string, string][]>;
  /** As NAB's labels/combined_labels.json: the labelled points (the onsets). */
  labels: Record<string, string[]>;
  /** What was injected where, by file: kind, onset, end and effect. */
  anomalies: Record<string, { kind: string; onset: string; end: string; effect: string }[]>;
}

const DAY = 86_400_000;

/** Row timestamps: a start in 2024, a 1- or 5-minute interval, a few days to a few weeks, and collector gaps. */
function drawTimes(random: Random): { times: Float64Array; intervalSeconds: number } {
  const intervalSeconds = random.chance(0.6) ? 60 : 300;
  const days = intervalSeconds === 60 ? random.uniform(2, 7) : random.uniform(7, 28);
  const interval = intervalSeconds * 1000;
  const start = Date.UTC(2024, 0, 1) + random.int(0, 300) * DAY + random.int(0, 287) * 300_000;
  const rows = Math.floor((days * DAY) / interval);
  const keep = new Uint8Array(rows).fill(1);
  // A quarter of the series lose a few short stretches, as scrapes sometimes fail; not anomalies.
  if (random.chance(0.25)) {
    for (let g = random.int(1, 4); g > 0; g--) {
      const at = random.int(1, rows - 20);
      keep.fill(0, at, at + random.int(1, 15));
    }
  }
  const times: number[] = [];
  for (let i = 0; i < rows; i++) if (keep[i]) times.push(start + i * interval);
  return { times: Float64Array.from(times), intervalSeconds };
}

function generateFile(random: Random, category: Category, index: number): GeneratedFile {
  const { times, intervalSeconds } = drawTimes(random);
  const id = (index + 1).toString().padStart(2, '0');
  const model = drawMetric(random, category, times, id);
  const count = random.pick([0, 1, 2, 3], [0.15, 0.45, 0.28, 0.12]);
  const anomalies = planAnomalies(random, model, times.length, count, intervalSeconds);
  const values = renderSeries(random, model, anomalies);
  return {
    relativePath: `${category}/${model.name}.csv`,
    timestamps: Array.from(times, formatTimestamp),
    times,
    values,
    intervalSeconds,
    anomalies,
    windowRows: nabWindowRows(
      times.length,
      anomalies.map((a) => a.onset),
    ),
  };
}

/**
 * Generates the whole corpus for a seed, deterministically: the same seed gives the same
 * files, byte for byte, on any machine; each file draws from its own stream.
 */
export function generateCorpus(seed: number): GeneratedCorpus {
  const files: GeneratedFile[] = [];
  let index = 0;
  for (const [category, count] of Object.entries(FILES_PER_CATEGORY) as [Category, number][]) {
    for (let k = 0; k < count; k++, index++) files.push(generateFile(new Random(fileSeed(seed, index)), category, k));
  }
  const corpus: GeneratedCorpus = { seed, files, windows: {}, labels: {}, anomalies: {} };
  for (const f of files) {
    const at = (row: number) => f.times[row]!;
    corpus.windows[f.relativePath] = f.windowRows.map(([l, r]) => [formatWindowLimit(at(l)), formatWindowLimit(at(r))]);
    corpus.labels[f.relativePath] = f.anomalies.map((a) => formatTimestamp(at(a.onset)));
    corpus.anomalies[f.relativePath] = f.anomalies.map((a) => ({
      kind: a.kind,
      onset: formatTimestamp(at(a.onset)),
      end: formatTimestamp(at(a.end)),
      effect: a.effect,
    }));
  }
  return corpus;
}

/** A series as NAB's CSV: header `timestamp,value`, one row per point. */
export function toCsv(file: GeneratedFile): string {
  const lines = ['timestamp,value'];
  for (let i = 0; i < file.values.length; i++) lines.push(`${file.timestamps[i]},${file.values[i]}`);
  return `${lines.join('\n')}\n`;
}
