/**
 * `npm run bench:rca -- [--data DIR] [--out FILE]`: ranks the root cause of every fault of a
 * recording and scores the rankings, beside RCAEval's BARO and NSigma in the same run.
 * See bench/rca/README.md.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type RcaCandidate, rankRootCauses } from '@aurora/core';
import { formatTable, repoRoot } from '../lib/report.js';
import { loadDataset } from './dataset.js';
import { baroRanking, nsigmaRanking } from './peers.js';
import { type Accuracy, accuracy, caseFor, DEFAULT_PROTOCOL, type Reference, rankOf } from './protocol.js';
import { defaultDataDir, writeRecording } from './recording.js';

const USAGE = `usage: npm run bench:rca -- [--data DIR] [--out FILE] [--reference first|recent] [--graph] [--onset-weight W]

  --data DIR        a recording: DIR/faults.csv, DIR/metrics/COMPONENT.csv, optional DIR/graph.csv
                    (default: the synthetic recording of bench:rca:generate, seed 1, generated when missing)
  --out FILE        where the JSON goes (default: bench/results/rca.json)
  --reference R     what counts as normal for a case: "first" (the data before the first fault; the
                    default) or "recent" (that, plus the last 30 min before the case outside every
                    fault window and 5 min after one)
  --onset-weight W  rank with onsetWeight W (default 0: off)
  --graph           rank with DIR/graph.csv's dependency graph (measured beside the default either way)`;

interface Method {
  name: string;
  rank: (index: number) => string[];
}

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      reference: { type: 'string' },
      graph: { type: 'boolean' },
      'onset-weight': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const reference = (values.reference ?? DEFAULT_PROTOCOL.reference) as Reference;
  if (reference !== 'first' && reference !== 'recent') {
    throw new Error(`--reference takes "first" or "recent" (got "${values.reference}")`);
  }
  let dataDir = values.data === undefined ? undefined : path.resolve(values.data);
  if (dataDir === undefined) {
    dataDir = defaultDataDir(1);
    if (!existsSync(path.join(dataDir, 'faults.csv'))) writeRecording(dataDir, 1, 60);
  }
  const out = path.resolve(values.out ?? path.join(repoRoot, 'bench', 'results', 'rca.json'));
  const data = loadDataset(dataDir);
  if (values.graph && !data.graph) throw new Error(`--graph needs ${path.join(dataDir, 'graph.csv')} (caller,callee)`);
  const useGraph = values.graph === true;
  const onsetWeight = Number(values['onset-weight'] ?? 0);
  if (!(onsetWeight >= 0)) throw new Error(`--onset-weight takes a number >= 0 (got "${values['onset-weight']}")`);
  const protocol = { ...DEFAULT_PROTOCOL, reference, useGraph };
  console.error(
    `${data.faults.length} faults, ${data.components.length} components, ${data.series.length} series from ${dataDir}; ` +
      `reference ${reference}, graph ${useGraph ? 'used' : 'not used'}`,
  );

  const started = performance.now();
  const results = data.faults.map(
    (_, i) => rankRootCauses(caseFor(data, i, protocol), { useGraph, onsetWeight }).ranking,
  );
  const auroraMs = (performance.now() - started) / Math.max(1, data.faults.length);
  const methods: Method[] = [
    { name: 'aurora', rank: (i) => results[i]!.map((c) => c.component) },
    ...(data.graph
      ? [
          {
            name: useGraph ? 'aurora-no-graph' : 'aurora-graph',
            rank: (i: number) =>
              rankRootCauses(caseFor(data, i, { ...protocol, useGraph: true }), {
                useGraph: !useGraph,
                onsetWeight,
              }).ranking.map((c) => c.component),
          },
        ]
      : []),
    { name: 'baro', rank: (i) => baroRanking(caseFor(data, i, { ...protocol, useGraph: false })) },
    { name: 'nsigma', rank: (i) => nsigmaRanking(caseFor(data, i, { ...protocol, useGraph: false })) },
  ];
  const kinds = [...new Set(data.faults.map((f) => f.kind))].sort();
  const scores = methods.map((m) => {
    const ranks = data.faults.map((f, i) => rankOf(m.rank(i), f.target));
    const byKind = Object.fromEntries(
      kinds.map((k) => [k, accuracy(ranks.filter((_, i) => data.faults[i]!.kind === k))]),
    ) as Record<string, Accuracy>;
    return { name: m.name, ranks, overall: accuracy(ranks), byKind };
  });

  const aurora = scores[0]!;
  const cases = data.faults.map((f, i) => ({
    timestamp: f.timestamp,
    kind: f.kind,
    target: f.target,
    ranking: results[i]!.map((c) => c.component),
    rank: aurora.ranks[i],
    evidence: results[i]!.slice(0, 3).map(summary),
  }));
  console.log(`\nroot cause in the top k, over ${data.faults.length} faults (avg@5: the mean of top-1 … top-5)\n`);
  console.log(
    formatTable(
      ['method', 'top1', 'top3', 'avg@5', ...kinds.map((k) => `${k} avg@5`)],
      scores.map((s) => [
        s.name,
        s.overall.top1.toFixed(3),
        s.overall.top3.toFixed(3),
        s.overall.avgAt5.toFixed(3),
        ...kinds.map((k) => s.byKind[k]!.avgAt5.toFixed(3)),
      ]),
    ),
  );
  const baro = scores.find((s) => s.name === 'baro')!.overall;
  console.log(
    `\naurora / baro avg@5: ${(aurora.overall.avgAt5 / Math.max(1e-9, baro.avgAt5)).toFixed(3)}; ` +
      `${auroraMs.toFixed(1)} ms per case`,
  );
  mkdirSync(path.dirname(out), { recursive: true });
  const payload = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version },
    data: dataDir,
    reference,
    graph: useGraph,
    onsetWeight,
    cases,
    top1: aurora.overall.top1,
    top3: aurora.overall.top3,
    avgAt5: aurora.overall.avgAt5,
    byKind: aurora.byKind,
    msPerCase: auroraMs,
    methods: Object.fromEntries(scores.map((s) => [s.name, { ...s.overall, byKind: s.byKind }])),
  };
  writeFileSync(out, `${JSON.stringify(payload, null, 2)}\n`);
  console.error(`wrote ${out}`);
}

function summary(c: RcaCandidate) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    component: c.component,
    score: round(c.score),
    onset: iso(c.onsetMs),
    affectedCallers: c.affectedCallers,
    evidence: c.evidence.map((e) => ({
      metric: e.metric,
      score: round(e.score),
      direction: e.direction,
      peak: iso(e.peakMs),
      peakValue: round(e.peakValue),
      normalMedian: round(e.normalMedian),
      normalSpread: round(e.normalSpread),
      onset: iso(e.onsetMs),
    })),
  };
}

function round(v: number): number {
  return Number(v.toPrecision(4));
}

main();
