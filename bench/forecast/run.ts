/**
 * `npm run bench:forecast -- [--out FILE] [--data DIR]`: Aurora's forecaster and its peers against
 * seasonal naive on NAB's realAWSCloudwatch and realKnownCause and the synthetic corpus of
 * `bench:corpus` (or any corpus in NAB's layout).
 * See bench/forecast/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GENERATOR_VERSION } from '../corpus/corpus.js';
import { formatTable, repoRoot } from '../lib/report.js';
import { nabPaths } from '../nab/dataset.js';
import { parseForecastArgs, USAGE } from './args.js';
import { type BenchSeries, ensureSyntheticCorpus, loadSeries, NAB_CATEGORIES, SYNTHETIC_SEED } from './corpora.js';
import { AURORA, augursModels, builtInModels, type ModelSpec } from './models.js';
import { type ForecastFn, horizonFor, type SeriesScore, scoreSeries, stepOf } from './protocol.js';
import { type ScoredSeries, summarise } from './summary.js';

async function main(): Promise<void> {
  const options = parseForecastArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const dataDirs = options.data ? [options.data] : [nabPaths(options.nab).data, ensureSyntheticCorpus()];
  const series = options.data
    ? loadSeries(options.data)
    : [...loadSeries(dataDirs[0]!, NAB_CATEGORIES), ...loadSeries(dataDirs[1]!, undefined, 'synthetic')];
  const models = [...builtInModels(), ...(options.augurs ? await augursModels() : [])];
  console.error(`${series.length} series from ${dataDirs.join(', ')}; models: ${models.map((m) => m.name).join(', ')}`);

  const milliseconds: Record<string, number> = {};
  let forecasts = 0;
  const scored: ScoredSeries[] = [];
  const skipped: Array<{ corpus: string; name: string; reason: string }> = [];
  for (const s of series) {
    const stepMs = stepOf(s.times);
    const score = scoreSeries(s.values, stepMs, timed(models, milliseconds));
    if (score === undefined) {
      const reason = `too short: its last 20 % (${Math.ceil(0.2 * s.values.length)} points) is shorter than H = ${horizonFor(stepMs)}, or a day of history`;
      skipped.push({ corpus: s.corpus, name: s.relativePath, reason });
      console.error(`${s.relativePath}: skipped, ${reason}`);
      continue;
    }
    forecasts += score.origins.length;
    scored.push(entry(s, stepMs, score));
    const line = Object.entries(score.relativeMae).map(([m, v]) => `${m} ${v.toFixed(3)}`);
    console.error(`${s.relativePath}: ${line.join(', ')}`);
  }

  const summary = summarise(
    scored,
    models.map((m) => m.name),
  );
  console.log(`\nrelative MAE (model MAE / seasonal naive MAE, geometric mean over origins), median over series\n`);
  console.log(
    formatTable(
      ['model', ...summary.corpora.map((c) => c.corpus), 'overall', 'ms/forecast'],
      [
        ['seasonal-naive', ...summary.corpora.map(() => '1.000'), '1.000', '—'],
        ...models.map((m) => [
          m.name,
          ...summary.corpora.map((c) => c.median[m.name]!.toFixed(3)),
          summary.overall.median[m.name]!.toFixed(3),
          (milliseconds[m.name]! / Math.max(1, forecasts)).toFixed(2),
        ]),
      ],
    ),
  );
  console.log(`\n80 % interval coverage (share of actual values inside), over all scored origins\n`);
  console.log(
    formatTable(
      ['model', ...summary.corpora.map((c) => c.corpus), 'overall'],
      Object.keys(summary.overall.coverage).map((m) => [
        m,
        ...summary.corpora.map((c) => fmt(c.coverage[m])),
        fmt(summary.overall.coverage[m]),
      ]),
    ),
  );
  console.log(`\nper series\n`);
  console.log(
    formatTable(
      ['series', 'points', 'H', 'origins', 'skipped', ...models.map((m) => m.name)],
      scored.map((s) => [
        s.name,
        s.points,
        s.horizon,
        s.scoredOrigins,
        s.skippedOrigins,
        ...models.map((m) => s.relativeMaeByModel[m.name]!.toFixed(3)),
      ]),
    ),
  );
  for (const s of skipped) console.log(`skipped ${s.name}: ${s.reason}`);
  for (const s of scored) {
    for (const [m, n] of Object.entries(s.failedOrigins)) {
      console.log(`${m} failed at ${n} of ${s.scoredOrigins} origins of ${s.name}: seasonal naive stood in there`);
    }
  }
  console.log(
    `\n${AURORA}: median relative MAE ${summary.overall.median[AURORA]!.toFixed(3)} over ${scored.length} series (target <= 0.75)`,
  );

  const payload = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      node: process.version,
      load: os.loadavg(),
    },
    data: dataDirs.map((d) => path.relative(repoRoot, d)),
    syntheticCorpus: options.data ? undefined : { seed: SYNTHETIC_SEED, generatorVersion: GENERATOR_VERSION },
    model: AURORA,
    medianRelativeMase: summary.overall.median[AURORA],
    target: 0.75,
    series: scored.map((s) => ({ ...s, relativeMase: s.relativeMaeByModel[AURORA] })),
    skippedSeries: skipped,
    corpora: summary.corpora,
    overall: summary.overall,
    models: [
      { name: 'seasonal-naive', description: 'the yardstick: the same points one day (or one week) earlier' },
      ...models.map((m) => ({
        name: m.name,
        description: m.description,
        msPerForecast: milliseconds[m.name]! / Math.max(1, forecasts),
      })),
    ],
  };
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(payload, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), options.out)}`);
}

function fmt(v: number | undefined): string {
  return v === undefined ? '—' : `${(100 * v).toFixed(1)} %`;
}

/** Wraps each model so the time spent in it is summed (wall time on this thread). */
function timed(models: readonly ModelSpec[], totals: Record<string, number>): Record<string, ForecastFn> {
  return Object.fromEntries(
    models.map((m) => [
      m.name,
      (history: Float64Array, horizon: number, stepMs: number) => {
        const start = performance.now();
        try {
          return m.forecast(history, horizon, stepMs);
        } finally {
          totals[m.name] = (totals[m.name] ?? 0) + performance.now() - start;
        }
      },
    ]),
  );
}

function entry(s: BenchSeries, stepMs: number, score: SeriesScore): ScoredSeries {
  return {
    corpus: s.corpus,
    name: s.relativePath,
    points: s.values.length,
    stepSeconds: stepMs / 1000,
    horizon: horizonFor(stepMs),
    scoredOrigins: score.origins.length,
    skippedOrigins: score.skippedOrigins,
    failedOrigins: score.failedOrigins,
    relativeMaeByModel: score.relativeMae,
    coverageByModel: score.coverage,
  };
}

main().catch((error: unknown) => {
  console.error(`bench:forecast: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
