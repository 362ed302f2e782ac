/**
 * `npm run bench:loco -- [flags]`: leave-one-category-out evaluation of a detector.
 *
 * For each category with anomalies, the free settings (the threshold, and any grid of
 * detector settings given with --grid) are chosen on the other categories, and the held-out
 * one is scored with them: nothing about it is seen before it is scored. Categories without
 * anomalies (NAB's artificialNoAnomaly) are always in the tuning set and report only their
 * false alarms. Every figure is over several start phases (--skips, default 0-9): each file's
 * detector starts N rows later, and a phase counts as another copy of the corpus.
 *
 * Also prints the in-sample figure the issue's NAB target is stated in: the whole-corpus score
 * with NAB's own optimised threshold, averaged over the same start phases.
 * Writes bench/results/<name>.json (nab-loco.json for NAB). See bench/nab/README.md.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LIVE_DETECTOR } from '@aurora/core';
import { printTable, repoRoot, writeResult } from '../lib/report.js';
import { nabPaths } from './dataset.js';
import { LIVE_NAME, resolveDetector } from './runner/live.js';
import { type Candidate, type CategoryFigure, evaluateLoco, runCandidate } from './runner/loco-eval.js';
import { loadCorpus, loadProfiles, loadWindows, NAB_PROFILES, type Profile } from './scorer/index.js';

const USAGE = `usage: npm run bench:loco -- [options]

  --detector NAME   detector to judge (default: ${LIVE_NAME}, the live default, ${LIVE_DETECTOR})
  --config JSON     settings passed to the detector for every candidate
  --grid JSON       settings to choose on the training categories, e.g.
                    '{"changepoint":[{"weight":0.8},{"weight":1}]}' (each key's values are
                    tried in every combination; default: only the threshold is chosen)
  --skips LIST      start phases, e.g. 0-9 or 0,3,6 (default 0-9)
  --data DIR        corpus in NAB's layout (default: NAB's data)
  --labels FILE     its windows (default: NAB's combined_windows.json)
  --nab DIR         the NAB checkout (default: $AURORA_NAB_DIR or ../shared/datasets/nab)
  --help            this text`;

function parseSkips(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`--skips takes whole numbers and ranges such as 0-9 or 0,3,6 (got "${text}")`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let n = lo; n <= hi; n++) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

function candidatesOf(grid: Record<string, unknown[]> | undefined, base: Record<string, unknown>): Candidate[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid ?? {})) {
    if (!Array.isArray(values) || values.length === 0) throw new Error(`--grid: "${key}" needs a list of values`);
    out = out.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return out.map((settings) => ({ label: JSON.stringify({ ...base, ...settings }), config: { ...base, ...settings } }));
}

function fmt(figure: number | undefined): string {
  return figure === undefined ? '' : figure.toFixed(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      detector: { type: 'string' },
      config: { type: 'string' },
      grid: { type: 'string' },
      skips: { type: 'string' },
      data: { type: 'string' },
      labels: { type: 'string' },
      nab: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const nab = nabPaths(values.nab);
  const dataDir = path.resolve(values.data ?? nab.data);
  const labelsFile = path.resolve(values.labels ?? nab.windows);
  if (values.data && !values.labels) throw new Error('--data needs --labels FILE (the corpus windows)');
  const detector = values.detector ?? LIVE_NAME;
  const skips = parseSkips(values.skips ?? '0-9');
  const base = values.config ? (JSON.parse(values.config) as Record<string, unknown>) : {};
  const grid = values.grid ? (JSON.parse(values.grid) as Record<string, unknown[]>) : undefined;
  const candidates = candidatesOf(grid, base);
  const corpus = loadCorpus(dataDir);
  const windows = loadWindows(labelsFile);
  let profiles: Profile[];
  try {
    profiles = loadProfiles(nab.profiles);
  } catch {
    profiles = [...NAB_PROFILES];
  }
  const resolved = resolveDetector(detector);
  console.error(
    `${corpus.length} files; ${detector}${resolved !== detector ? ` (${resolved})` : ''}; ` +
      `${candidates.length} candidate(s) × ${skips.length} start phase(s)`,
  );
  const runs = candidates.map((c, i) => {
    console.error(`[${i + 1}/${candidates.length}] running ${c.label}`);
    return runCandidate(corpus, resolved, c, skips);
  });
  const result = evaluateLoco({ corpus, windows, profiles, skips, candidates, runs });

  const names = profiles.map((p) => p.name);
  const cell = (f: CategoryFigure | undefined) =>
    f === undefined
      ? ''
      : f.windows > 0
        ? `${fmt(f.normalised)} (${f.found}/${f.windows}, ${f.falseAlarms}fp)`
        : `${f.falseAlarms}fp`;
  console.log(`\n${detector}: leave one category out, mean over start phases ${values.skips ?? '0-9'}`);
  printTable(
    ['held out', ...names],
    result.categories.map((c) => [c.category, ...names.map((n) => cell(c.byProfile[n]))]),
  );
  console.log('');
  printTable(
    ['figure', ...names],
    [
      ['LOCO (all held-out categories pooled)', ...names.map((n) => fmt(result.pooled[n]))],
      ['in-sample, NAB threshold, mean over phases', ...names.map((n) => fmt(result.inSample[n]))],
    ],
  );
  if (candidates.length > 1) {
    console.log('\nsettings chosen per held-out category (standard profile):');
    for (const c of result.categories) console.log(`  ${c.category}: ${c.byProfile.standard?.chosen ?? ''}`);
  }
  const isNab = dataDir === path.resolve(nab.data);
  const folder = path.basename(dataDir) === 'data' ? path.basename(path.dirname(dataDir)) : path.basename(dataDir);
  const name = isNab ? 'nab-loco' : `loco-${folder}`;
  const file = writeResult(name, {
    detector,
    resolvedDetector: resolved,
    corpus: { data: path.relative(repoRoot, dataDir), labels: path.relative(repoRoot, labelsFile) },
    skips,
    candidates: candidates.map((c) => c.label),
    ...result,
  });
  console.log(`\nwrote ${path.relative(repoRoot, file)}`);
}

main().catch((error: unknown) => {
  console.error(`bench:loco: ${(error as Error).message}`);
  process.exitCode = 1;
});
