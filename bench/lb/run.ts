/**
 * bench:lb — the built-in proxy against nginx and HAProxy, same backends, same load tool, in alternation.
 *
 *   npm run bench:lb -- [--out FILE] [--duration 10] [--warmup 60] [--warmup-requests 30000] [--rounds 3] [--workers 2] [--scenarios healthy,slow,kill]
 *                       [--contenders aurora,nginx-least_conn,...] [--connections 64] [--threads 2]
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '@aurora/sdk/testing';
import { formatTable, repoRoot, writeResult } from '../lib/report.js';
import { auroraHaproxyConfig, binary, haproxyConfig, nginxConfig } from './peers.js';
import { cpuSeconds, startBackend, startContender, stop } from './processes.js';
import { runWrk, type WrkResult } from './wrk.js';

const CONTENDERS = [
  'aurora',
  'aurora-haproxy',
  'nginx-round_robin',
  'nginx-least_conn',
  'haproxy-roundrobin',
  'haproxy-leastconn',
] as const;
type Contender = (typeof CONTENDERS)[number];
const SCENARIOS = ['healthy', 'slow', 'kill'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '60' },
    'warmup-requests': { type: 'string', default: '30000' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    scenarios: { type: 'string', default: SCENARIOS.join(',') },
    contenders: { type: 'string', default: CONTENDERS.join(',') },
  },
});
const seconds = Number(values.duration);
const rounds = Number(values.rounds);
const warmupSeconds = Number(values.warmup);
const warmupRequests = Number(values['warmup-requests']);
const workers = Number(values.workers);
const load = { threads: Number(values.threads), connections: Number(values.connections), seconds };
const scenarios = values.scenarios.split(',') as Scenario[];
const contenders = values.contenders.split(',') as Contender[];
for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}`);
for (const c of contenders) if (!CONTENDERS.includes(c)) throw new Error(`unknown contender ${c}`);

function ensurePeers(): { nginx: string; haproxy: string; wrk: string } {
  let nginx = binary('nginx');
  let haproxy = binary('haproxy');
  let wrk = binary('wrk');
  if (!nginx || !haproxy || !wrk) {
    console.log('bench:lb: installing nginx, haproxy and wrk from Debian (scripts/install-lb-peers.sh)');
    const r = spawnSync('bash', [path.join(repoRoot, 'scripts', 'install-lb-peers.sh')], { stdio: 'inherit' });
    if (r.status !== 0)
      throw new Error('could not install nginx, haproxy and wrk; run scripts/install-lb-peers.sh as root');
    nginx = binary('nginx');
    haproxy = binary('haproxy');
    wrk = binary('wrk');
  }
  if (!nginx || !haproxy || !wrk) throw new Error('nginx, haproxy or wrk still missing after the install');
  return { nginx, haproxy, wrk };
}

const peers = ensurePeers();
const cores = os.availableParallelism();

async function startContenderFor(c: Contender, port: number, backends: number[], dir: string) {
  switch (c) {
    case 'aurora':
      return startContender(
        process.execPath,
        [
          path.join(repoRoot, 'packages', 'cli', 'bin', 'aurora.mjs'),
          'proxy',
          '--listen',
          `127.0.0.1:${port}`,
          '--service',
          'bench',
          '--workers',
          String(workers),
          ...backends.flatMap((p, i) => ['--backend', `127.0.0.1:${p},id=b${i + 1}`]),
        ],
        port,
        c,
      );
    case 'aurora-haproxy':
      return startContender(peers.haproxy, ['-db', '-f', auroraHaproxyConfig(dir, port, backends, cores)], port, c);
    case 'haproxy-roundrobin':
    case 'haproxy-leastconn': {
      const file = haproxyConfig(dir, port, backends, c === 'haproxy-roundrobin' ? 'roundrobin' : 'leastconn', cores);
      return startContender(peers.haproxy, ['-db', '-f', file], port, c);
    }
    case 'nginx-round_robin':
    case 'nginx-least_conn': {
      const file = nginxConfig(dir, port, backends, c === 'nginx-round_robin' ? 'round_robin' : 'least_conn', cores);
      return startContender(
        peers.nginx,
        ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', file, '-g', 'daemon off;'],
        port,
        c,
      );
    }
  }
}

interface Run extends WrkResult {
  readonly cpuSeconds: number;
  /** Cores the contender used on average during the run (CPU seconds ÷ wall seconds). */
  readonly cpuCores: number;
}

/**
 * The same load in 2 s slices until at least `warmupRequests` have been served and two slices in a row agree within
 * 15 % on req/s, or `warmupSeconds` have passed. nginx and HAProxy are steady at once; a fresh Node process runs its
 * interpreter until the JIT has compiled the hot paths, which on a starved machine can look steady while still cold.
 */
async function warmUp(url: string): Promise<void> {
  const started = Date.now();
  let previous = -1;
  let served = 0;
  while (Date.now() - started < warmupSeconds * 1000) {
    const { rps, requests } = await runWrk(peers.wrk, url, { ...load, seconds: 2 });
    served += requests;
    if (served >= warmupRequests && previous > 0 && Math.abs(rps - previous) / Math.max(rps, previous) < 0.15) return;
    previous = rps;
  }
}

/**
 * One measured run: the contender starts, is warmed up under the same load (a fresh Node process runs its
 * interpreter until the JIT has seen enough requests), then the measured run. Backends live for the whole scenario so
 * every contender meets equally warm ones; the one killed in the kill scenario is started again afterwards.
 */
async function measure(
  scenario: Scenario,
  c: Contender,
  backendPorts: number[],
  backends: ChildProcess[],
): Promise<Run> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `aurora-bench-lb-${c}-`));
  const port = await freePort();
  const proc = await startContenderFor(c, port, backendPorts, dir);
  try {
    const url = `http://127.0.0.1:${port}/`;
    await warmUp(url);
    const before = cpuSeconds(proc.pid!);
    const killer =
      scenario === 'kill' ? setTimeout(() => backends[2]!.kill('SIGKILL'), (seconds * 1000) / 2) : undefined;
    const r = await runWrk(peers.wrk, url, load);
    clearTimeout(killer);
    const used = cpuSeconds(proc.pid!) - before;
    return { ...r, cpuSeconds: used, cpuCores: used / r.durationS };
  } finally {
    await stop(proc);
    rmSync(dir, { recursive: true, force: true });
    if (scenario === 'kill') {
      await stop(backends[2]!, 'SIGKILL');
      backends[2] = await startBackend(backendPorts[2]!, 0);
    }
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

const runs: Record<string, Record<string, Run[]>> = {};
const backendPorts = [await freePort(), await freePort(), await freePort()];
console.log(
  `bench:lb: wrk -t${load.threads} -c${load.connections} -d${seconds}s, ${rounds} round(s), contenders in rotating order, ${cores} cores, aurora with ${workers} worker(s)`,
);
for (const scenario of scenarios) {
  runs[scenario] = {};
  const delays = backendPorts.map((_, i) => (scenario === 'slow' && i === 2 ? 50 : 0));
  const backends = await Promise.all(backendPorts.map((p, i) => startBackend(p, delays[i]!)));
  // A contender that fails to start ends the run; the backends must not outlive it.
  try {
    for (let round = 0; round < rounds; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      for (const c of order) {
        const r = await measure(scenario, c, backendPorts, backends);
        const list = runs[scenario]![c] ?? [];
        list.push(r);
        runs[scenario]![c] = list;
        console.log(
          `  ${scenario.padEnd(7)} round ${round + 1} ${c.padEnd(19)} ${Math.round(r.rps)} req/s  p99.9 ${r.p999Ms.toFixed(1)} ms  max ${r.maxMs.toFixed(1)} ms  errors ${r.errors}  cpu ${r.cpuCores.toFixed(2)}`,
        );
      }
    }
  } finally {
    await Promise.all(backends.map((b) => stop(b, 'SIGKILL')));
  }
}

type Summary = {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  errors: number;
  cpuCores: number;
};
const results: Record<string, Record<string, Summary & { runs: Run[] }>> = {};
for (const [scenario, byContender] of Object.entries(runs)) {
  results[scenario] = {};
  for (const [c, rs] of Object.entries(byContender)) {
    results[scenario]![c] = {
      rps: Math.round(median(rs.map((r) => r.rps))),
      p50Ms: round2(median(rs.map((r) => r.p50Ms))),
      p99Ms: round2(median(rs.map((r) => r.p99Ms))),
      p999Ms: round2(median(rs.map((r) => r.p999Ms))),
      maxMs: round2(median(rs.map((r) => r.maxMs))),
      errors: median(rs.map((r) => r.errors)),
      cpuCores: round2(median(rs.map((r) => r.cpuCores))),
      runs: rs,
    };
  }
}

const get = (s: string, c: string) => results[s]?.[c];
const peersOf = ['nginx-round_robin', 'nginx-least_conn', 'haproxy-roundrobin', 'haproxy-leastconn'];
function best(s: string, names: string[], key: 'rps' | 'p999Ms'): { name: string; value: number } | undefined {
  const present = names.map((n) => ({ name: n, v: get(s, n) })).filter((x) => x.v);
  if (present.length === 0) return undefined;
  const pick = present.reduce((a, b) =>
    key === 'rps' ? (b.v![key] > a.v![key] ? b : a) : b.v![key] < a.v![key] ? b : a,
  );
  return { name: pick.name, value: pick.v![key] };
}

const ratios: Record<string, Record<string, number | string>> = {};
for (const s of Object.keys(results)) {
  const r: Record<string, number | string> = {};
  const a = get(s, 'aurora');
  const bestRps = best(s, peersOf, 'rps');
  if (a && bestRps) {
    r.auroraRpsToBestPeer = round2(a.rps / bestRps.value);
    r.bestPeerByRps = bestRps.name;
  }
  const bestHaproxy = best(s, ['haproxy-roundrobin', 'haproxy-leastconn'], 'rps');
  if (a && bestHaproxy) r.auroraRpsToHaproxy = round2(a.rps / bestHaproxy.value);
  const ah = get(s, 'aurora-haproxy');
  if (ah && bestHaproxy) r.auroraHaproxyRpsToHaproxy = round2(ah.rps / bestHaproxy.value);
  const bestLeast = best(s, ['nginx-least_conn', 'haproxy-leastconn'], 'p999Ms');
  if (a && bestLeast) {
    r.auroraP999ToBestLeastConn = round2(a.p999Ms / bestLeast.value);
    r.bestLeastConnByP999 = bestLeast.name;
  }
  ratios[s] = r;
}

for (const s of Object.keys(results)) {
  console.log(`\n${s}`);
  console.log(
    formatTable(
      ['contender', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'cpu cores'],
      Object.entries(results[s]!).map(([c, v]) => [
        c,
        v.rps,
        v.p50Ms,
        v.p99Ms,
        v.p999Ms,
        v.maxMs,
        v.errors,
        v.cpuCores,
      ]),
    ),
  );
  console.log(
    Object.entries(ratios[s]!)
      .map(([k, v]) => `${k}: ${v}`)
      .join('  '),
  );
}

const payload = {
  load: {
    tool: 'wrk',
    command: `wrk -t${load.threads} -c${load.connections} -d${seconds}s --timeout 5s`,
    latency:
      "wrk's own latency histogram, which Debian's wrk 4.1 corrects for coordinated omission; maxMs is the slowest request it saw",
    rounds,
    aggregate: 'median over rounds',
  },
  auroraWorkers: workers,
  scenarios: results,
  ratios,
};
const file = writeResult('lb', payload);
if (values.out) {
  const { copyFileSync } = await import('node:fs');
  copyFileSync(file, values.out);
}
console.log(`\nwrote ${values.out ?? file}`);
