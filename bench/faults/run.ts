/**
 * Fault-injection benchmark: one `aurora server`, N `aurora agent` processes with supervised
 * services, sandboxes and allow-lists, background load on every node, and faults injected one at a
 * time on a random node while a decoy change happens on another. Measures detection, root-cause
 * rank, automatic resolution and harm (actions on healthy nodes).
 *
 *   npm run bench:faults -- [--faults 6] [--nodes 4] [--seed 1] [--timeout 120s] [--gap 60s] [--out FILE]
 *
 * Prints one row per fault and the summary, writes bench/results/faults.json (and FILE when given).
 * See bench/faults/README.md.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '@aurora/core';
import { printTable, repoRoot, writeResult } from '../lib/report.js';
import { AGENT_INTERVAL, type BenchNode, SERVER_ENV, startAgents, startServer, waitFor } from './cluster.js';
import { configureHealing, FAULT_KINDS, type FaultKind, HEALED_BY, inject, SIGNALS, writeTempFiles } from './faults.js';
import { actionsSince, firingAlerts, newAlert, type Ranking, rankingFor } from './observe.js';
import { killAllNow, start, stop, stopAll } from './processes.js';
import { type FaultRecord, summarize } from './summary.js';

const { values } = parseArgs({
  options: {
    faults: { type: 'string', default: '6' },
    nodes: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '120s' },
    warmup: { type: 'string', default: '30s' },
    gap: { type: 'string', default: '60s' },
    kinds: { type: 'string', default: FAULT_KINDS.join(',') },
    out: { type: 'string' },
  },
});
const faultCount = Number(values.faults);
const nodeCount = Number(values.nodes);
const timeoutMs = parseDuration(values.timeout);
const warmupMs = parseDuration(values.warmup);
const gapMs = parseDuration(values.gap);
const kinds = values.kinds.split(',') as FaultKind[];
if (!Number.isInteger(faultCount) || faultCount < 1) throw new Error('--faults: a whole number of at least 1');
if (!Number.isInteger(nodeCount) || nodeCount < 2) throw new Error('--nodes: a whole number of at least 2');
for (const k of kinds)
  if (!FAULT_KINDS.includes(k)) throw new Error(`--kinds: ${k} is not one of ${FAULT_KINDS.join(', ')}`);

// xorshift32, so a seed gives the same schedule of kinds, nodes and decoys.
let state = Number(values.seed) >>> 0 || 1;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-faults-'));
process.on('exit', () => {
  killAllNow();
  rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every process`);
    void stopAll().finally(() => process.exit(130));
  });
}

interface Row extends FaultRecord {
  /** The alert that detected the fault: its metric and whether a threshold rule or live detection raised it. */
  detectedBy: string | null;
  decoy: string;
  incident: string | null;
  candidates: string[];
  actions: { node: string; kind: string; status: string }[];
}

/** A harmless change on another node while the fault is in place: temp files below the alert threshold and a burst of CPU work. */
function decoy(node: BenchNode) {
  writeTempFiles(node.tmp, 16 * 1024 * 1024, 'decoy');
  const bin = path.join(path.dirname(node.hogBin), `decoy-${node.name}`);
  try {
    symlinkSync(process.execPath, bin);
  } catch {
    // made for an earlier fault
  }
  const burner = start(bin, [path.join(repoRoot, 'bench', 'faults', 'hog.mjs')], { env: { DUTY: '0.3' } });
  const timer = setTimeout(() => void stop(burner, 1_000), 20_000);
  return async () => {
    clearTimeout(timer);
    await stop(burner, 1_000);
    for (const f of readdirSync(node.tmp)) {
      if (f.startsWith('decoy-')) rmSync(path.join(node.tmp, f), { force: true });
    }
  };
}

async function runFault(
  api: Parameters<typeof configureHealing>[0],
  nodes: BenchNode[],
  kind: FaultKind,
): Promise<Row> {
  const node = pick(nodes);
  const decoyNode = pick(nodes.filter((n) => n !== node));
  const signals = SIGNALS[kind];
  const before = new Set((await firingAlerts(api, node.name, signals)).map((a) => a.id));
  const t0 = Date.now();
  const fault = await inject(kind, node, api);
  const endDecoy = decoy(decoyNode);
  let detectedMs: number | null = null;
  let detectedBy: string | null = null;
  let resolvedAt: number | null = null;
  let ranking: Ranking | undefined;
  const deadline = t0 + timeoutMs;
  while (Date.now() < deadline) {
    if (detectedMs === null) {
      const alert = await newAlert(api, node.name, signals, before).catch(() => undefined);
      if (alert) {
        detectedMs = Date.now() - t0;
        detectedBy = `${alert.metric} (${alert.source.startsWith('rule:') ? 'rule' : alert.source})`;
      }
    }
    if (detectedMs !== null) ranking = (await rankingFor(api, node.name, t0).catch(() => undefined)) ?? ranking;
    if (resolvedAt === null && (await fault.gone())) resolvedAt = Date.now();
    if (resolvedAt !== null && (ranking !== undefined || Date.now() - resolvedAt > 5_000)) break;
    await sleep(250);
  }
  await endDecoy();
  // Results of actions arrive with the next heartbeat: give them a moment before reading.
  await sleep(3_000);
  const actions = await actionsSince(api, nodes, t0);
  const healedBy = actions.find((a) => a.node === node.name && a.kind === HEALED_BY[kind] && a.status === 'succeeded');
  const resolvedBy = resolvedAt !== null && healedBy ? 'auto' : 'none';
  if (resolvedAt === null) {
    log(`  not resolved within ${timeoutMs / 1000} s: undoing it by hand`);
    await fault.undo(api);
  }
  // The next fault starts from a quiet cluster: this node's alerts resolved (bounded).
  await waitFor(async () => ((await firingAlerts(api, node.name, signals)).length > 0 ? undefined : true), 60_000, 500);
  await sleep(gapMs);
  return {
    kind,
    target: fault.target,
    detectedMs,
    rootCauseRank: ranking?.rank ?? null,
    resolvedBy,
    resolvedMs: resolvedBy === 'auto' && resolvedAt !== null ? resolvedAt - t0 : null,
    harmfulActions: actions.filter((a) => a.node !== node.name).length,
    detectedBy,
    decoy: decoyNode.name,
    incident: ranking?.incident ?? null,
    candidates: ranking?.candidates ?? [],
    actions: actions.map(({ node: n, kind: k, status }) => ({ node: n, kind: k, status })),
  };
}

const secs = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1));
let exitCode = 0;
let agents: BenchNode[] = [];
let serverChild: Awaited<ReturnType<typeof startServer>>['child'] | undefined;
try {
  log(`starting aurora server and ${nodeCount} agents in ${dir}`);
  const server = await startServer(dir);
  serverChild = server.child;
  const { api } = server;
  agents = await startAgents(api, dir, nodeCount);
  // Every node backs one service, so an incident on one node ranks all of them as candidates.
  await api.call('PUT', '/v1/services/web', { backends: agents.map((n) => ({ node: n.name, port: n.servicePort })) });
  await configureHealing(api, agents);
  agents.forEach((n, i) => {
    const bin = path.join(path.dirname(n.hogBin), `load-${n.name}`);
    symlinkSync(process.execPath, bin);
    start(bin, [path.join(repoRoot, 'bench', 'faults', 'load.mjs')], {
      env: { SEED: String(Number(values.seed) * 100 + i), DIR: n.tmp },
    });
  });
  log(`warming up for ${warmupMs / 1000} s (normal behaviour for the root-cause ranking)`);
  await sleep(warmupMs);

  const rows: Row[] = [];
  const order = [...kinds];
  for (let i = 0; i < faultCount; i++) {
    const kind = order[i % order.length] as FaultKind;
    const row = await runFault(api, agents, kind);
    rows.push(row);
    log(
      `fault ${i + 1}/${faultCount}: ${row.kind} on ${row.target} (decoy ${row.decoy}): detected ${secs(row.detectedMs)} s, rank ${row.rootCauseRank ?? '-'} of [${row.candidates.join(' ')}], ${row.resolvedBy} ${secs(row.resolvedMs)} s, harm ${row.harmfulActions}`,
    );
  }

  printTable(
    ['#', 'kind', 'target', 'decoy', 'detected s', 'by', 'rank', 'resolved', 'resolved s', 'harm'],
    rows.map((r, i) => [
      String(i + 1),
      r.kind,
      r.target,
      r.decoy,
      secs(r.detectedMs),
      r.detectedBy ?? '-',
      r.rootCauseRank ?? '-',
      r.resolvedBy,
      secs(r.resolvedMs),
      r.harmfulActions,
    ]),
  );
  const summary = summarize(rows);
  console.log(
    `\nRCA top-1 ${(summary.rcaTop1 * 100).toFixed(0)} %, top-3 ${(summary.rcaTop3 * 100).toFixed(0)} %, ` +
      `resolved automatically ${(summary.autoResolvedShare * 100).toFixed(0)} %, ` +
      `median time to resolution ${summary.medianResolveMs === null ? 'unresolved' : `${secs(summary.medianResolveMs)} s`}, ` +
      `harmful actions ${summary.harmfulActions}`,
  );
  const file = writeResult('faults', {
    settings: {
      faults: faultCount,
      nodes: nodeCount,
      seed: Number(values.seed),
      timeoutMs,
      warmupMs,
      gapMs,
      kinds,
      server: SERVER_ENV,
      agentInterval: AGENT_INTERVAL,
    },
    faults: rows,
    ...summary,
  });
  if (values.out && path.resolve(values.out) !== file) copyFileSync(file, path.resolve(values.out));
  console.log(`wrote ${values.out ? path.resolve(values.out) : file}`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await stopAll([...agents.map((a) => a.agent), ...(serverChild ? [serverChild] : [])]);
}
process.exit(exitCode);
