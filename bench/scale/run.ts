/**
 * Scale benchmark: a fleet of simulated agents (this one process drives them all) heartbeating with 20 metrics each
 * against one `aurora server` on the embedded store, or one or more replicas on PostgreSQL, with every capability at
 * its default (live detection on every agent metric, rollups, Cedar on every request, the audit trail), while a
 * console user reads the node list, one node and the cluster summary.
 *
 *   npm run bench:scale -- [--nodes 10000] [--store pglite|postgres] [--replicas 1] [--interval 5s] [--warmup 30s]
 *     [--duration 60s]
 *     [--samples 20] [--detection-series SELECTORS] [--out FILE]
 *
 * The simulated agents' metrics are named bench.metric_0 … bench.metric_19; `--detection-series` sets
 * AURORA_DETECTION_SERIES (for example '{__name__="bench.metric_0"}' judges one series per node).
 *
 * Prints heartbeat and API latencies, the servers' CPU and memory, and writes bench/results/scale.json (and --out).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDuration } from '@aurora/core';
import { ReplicaSet } from '../failover/replicas.js';
import { createJoinToken, Fleet, type FleetWindow } from '../heartbeats/fleet.js';
import { freshPostgresDatabase, startServerProcess } from '../heartbeats/server-process.js';
import { printTable, quantile, writeResult } from '../lib/report.js';

const ADMIN = 'bench-admin-token-0123456789';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10000' },
    store: { type: 'string', default: 'pglite' },
    replicas: { type: 'string', default: '1' },
    interval: { type: 'string', default: '5s' },
    duration: { type: 'string', default: '60s' },
    warmup: { type: 'string', default: '30s' },
    samples: { type: 'string', default: '20' },
    'detection-series': { type: 'string' },
    out: { type: 'string' },
    'database-url': {
      type: 'string',
      default: process.env.AURORA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const nodes = Number(values.nodes);
const store = values.store;
const replicas = Number(values.replicas);
const intervalMs = parseDuration(values.interval);
const durationMs = parseDuration(values.duration);
const warmupMs = parseDuration(values.warmup);
const samplesPerBeat = Number(values.samples);
if (store !== 'pglite' && store !== 'postgres') throw new Error('--store: pglite or postgres');
if (!Number.isInteger(nodes) || nodes < 1) throw new Error('--nodes: a whole number of nodes, at least 1');
if (!Number.isInteger(replicas) || replicas < 1) throw new Error('--replicas: at least 1');
if (store === 'pglite' && replicas > 1)
  throw new Error('--replicas above 1 needs --store postgres: the embedded store belongs to one process');

/** The servers under test: their URLs, pids and how to stop them. */
interface Servers {
  urls: string[];
  stop(): Promise<void>;
}

async function startServers(): Promise<Servers> {
  // Every simulated agent joins from 127.0.0.1, and joins carry no credential yet, so they share the one per-address
  // limit that a fleet joining from its own addresses would not; agents' own limits are per credential already.
  const env: Record<string, string> = {
    AURORA_HEARTBEAT_INTERVAL_MS: String(intervalMs),
    AURORA_RATE_LIMIT_MAX: '100000000',
  };
  // The default judges every agent metric; an operator can name the series live detection judges instead.
  if (values['detection-series'] !== undefined) env.AURORA_DETECTION_SERIES = values['detection-series'];
  if (store === 'pglite') {
    const s = await startServerProcess({
      adminToken: ADMIN,
      heartbeatIntervalMs: intervalMs,
      readyTimeoutMs: 180_000,
      env,
    });
    return { urls: [s.url], stop: () => s.stop() };
  }
  const db = await freshPostgresDatabase(values['database-url']);
  const set = new ReplicaSet({ databaseUrl: db.url, count: replicas, env: { AURORA_ADMIN_TOKEN: ADMIN, ...env } });
  try {
    await set.start();
  } catch (error) {
    await set.close();
    await db.drop();
    throw error;
  }
  return {
    urls: set.replicas.map((r) => r.url),
    async stop() {
      await set.close();
      await db.drop();
    },
  };
}

async function api(url: string, path: string): Promise<Response> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return res;
}

/**
 * One server's own figures from its /metrics: CPU and memory, event-loop delay (prom-client resets its histogram at
 * each scrape, so the scrape after the run covers the run) and the heartbeat flushes (count, seconds, and how many took
 * longer than a second): where a heartbeat's time goes when it is slow.
 */
async function processStats(url: string) {
  const text = await (await api(url, '/metrics')).text();
  const read = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : Number.NaN;
  };
  const flushes = read('aurora_ingest_flush_seconds_count');
  return {
    cpuSeconds: read('process_cpu_seconds_total'),
    rssBytes: read('process_resident_memory_bytes'),
    eventLoopDelayP99Ms: read('nodejs_eventloop_lag_p99_seconds') * 1000,
    eventLoopDelayMaxMs: read('nodejs_eventloop_lag_max_seconds') * 1000,
    flushes,
    flushSeconds: read('aurora_ingest_flush_seconds_sum'),
    flushesOverOneSecond: flushes - read('aurora_ingest_flush_seconds_bucket{le="1"}'),
  };
}

type ApiKind = 'list' | 'get' | 'summary';

/**
 * One console user: the node list's first page, one node and the cluster summary, one after another, each replica in
 * turn, until `until`; latencies recorded per kind of request.
 */
async function consoleUser(urls: string[], until: number, names: string[]): Promise<Record<ApiKind, number[]>> {
  const times: Record<ApiKind, number[]> = { list: [], get: [], summary: [] };
  const requests: [ApiKind, () => string][] = [
    ['list', () => '/v1/nodes'],
    ['get', () => `/v1/nodes/${names[Math.floor(Math.random() * names.length)]}`],
    ['summary', () => '/v1/cluster/summary'],
  ];
  for (let i = 0; performance.now() < until; i++) {
    const [kind, path] = requests[i % requests.length]!;
    const t0 = performance.now();
    await (await api(urls[i % urls.length]!, path())).arrayBuffer();
    times[kind].push(performance.now() - t0);
    // A person reads what arrived before asking for more: about one request a second.
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return times;
}

const servers = await startServers();
const perReplica = Math.ceil(nodes / servers.urls.length);
// Many connections, as a load balancer in front of a fleet would open: a small pool would cap the rate.
const connections = Math.min(1024, Math.max(64, Math.ceil(perReplica / 5)));
const fleets = servers.urls.map((url) => new Fleet(url, connections, samplesPerBeat));
try {
  const token = await createJoinToken(servers.urls[0]!, ADMIN, {
    uses: nodes,
    ttlSeconds: 7200,
    description: 'scale benchmark',
  });
  const joinStart = performance.now();
  const names: string[] = [];
  await Promise.all(
    fleets.map((fleet, r) => {
      const count = Math.min(perReplica, nodes - r * perReplica);
      for (let i = 0; i < count; i++) names.push(`scale-${r}-${String(i).padStart(5, '0')}`);
      return fleet.join(token, count, 16, `scale-${r}`);
    }),
  );
  const joinSeconds = (performance.now() - joinStart) / 1000;
  process.stderr.write(
    `bench:scale: ${nodes} nodes joined in ${joinSeconds.toFixed(0)} s; heartbeating every ${intervalMs / 1000} s, ` +
      `${warmupMs / 1000} s of warm-up, then ${durationMs / 1000} s measured\n`,
  );
  // Every node's first heartbeat creates its series (20 rows a node) and the detectors' state: a burst that a fleet
  // joining at once causes, not the steady state the targets are about. It is left out of the measured window.
  const warm = await Promise.all(fleets.map((f) => f.run(intervalMs, warmupMs, { oneInFlightPerNode: true })));
  const warmLatencies = warm.flatMap((w) => w.latenciesMs);
  const before = await Promise.all(servers.urls.map(processStats));
  const generatorBefore = process.cpuUsage();
  const t0 = performance.now();
  const measuredFrom = t0 + intervalMs;
  const [windows, reads] = await Promise.all([
    Promise.all(fleets.map((f) => f.run(intervalMs, durationMs, { oneInFlightPerNode: true }))),
    (async () => {
      await new Promise((r) => setTimeout(r, intervalMs));
      return consoleUser(servers.urls, measuredFrom + durationMs, names);
    })(),
  ]);
  const wallS = (performance.now() - t0) / 1000;
  const generatorUsage = process.cpuUsage(generatorBefore);
  const after = await Promise.all(servers.urls.map(processStats));

  const beats: FleetWindow = {
    latenciesMs: windows.flatMap((w) => w.latenciesMs),
    errors: windows.reduce((a, w) => a + w.errors, 0),
    sent: windows.reduce((a, w) => a + w.sent, 0),
    late: windows.reduce((a, w) => a + w.late, 0),
    wallMs: Math.max(...windows.map((w) => w.wallMs)),
  };
  const allReads = [...reads.list, ...reads.get, ...reads.summary];
  const cpuPercent = after.map((a, i) => ((a.cpuSeconds - before[i]!.cpuSeconds) / wallS) * 100);
  /** A counter's growth over the run, summed over the replicas. */
  const grew = (key: 'flushes' | 'flushSeconds' | 'flushesOverOneSecond') =>
    after.reduce((a, s, i) => a + s[key] - before[i]![key], 0);
  const flushes = grew('flushes');
  const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  const payload = {
    nodes,
    store,
    replicas: servers.urls.length,
    intervalMs,
    durationMs,
    samplesPerBeat,
    detectionSeries: values['detection-series'] ?? 'every agent metric',
    heartbeatTargetPerSecond: round(nodes / (intervalMs / 1000)),
    heartbeatsPerSecond: round(beats.sent / (beats.wallMs / 1000)),
    heartbeatP50Ms: round(quantile(beats.latenciesMs, 0.5)),
    heartbeatP99Ms: round(quantile(beats.latenciesMs, 0.99)),
    heartbeatMaxMs: round(quantile(beats.latenciesMs, 1)),
    heartbeatErrors: beats.errors,
    heartbeatsLate: beats.late,
    apiP95Ms: round(quantile(allReads, 0.95)),
    api: Object.fromEntries(
      (Object.entries(reads) as [ApiKind, number[]][]).map(([k, v]) => [
        k,
        { requests: v.length, p50Ms: round(quantile(v, 0.5)), p95Ms: round(quantile(v, 0.95)) },
      ]),
    ),
    serverCpuPercent: round(cpuPercent.reduce((a, b) => a + b, 0)),
    serverCpuPercentPerReplica: cpuPercent.map((c) => round(c)),
    serverRssBytes: after.reduce((a, s) => a + s.rssBytes, 0),
    eventLoopDelayMaxMs: round(Math.max(...after.map((s) => s.eventLoopDelayMaxMs))),
    eventLoopDelayP99Ms: round(Math.max(...after.map((s) => s.eventLoopDelayP99Ms))),
    heartbeatFlushes: flushes,
    heartbeatFlushMeanMs: round((grew('flushSeconds') * 1000) / Math.max(1, flushes)),
    heartbeatFlushesOverOneSecond: grew('flushesOverOneSecond'),
    // The simulated fleet shares the machine: what it used is CPU the servers could not.
    generatorCpuPercent: round(((generatorUsage.user + generatorUsage.system) / 1e6 / wallS) * 100),
    joinSeconds: round(joinSeconds),
    warmupMs,
    warmupHeartbeatP99Ms: round(quantile(warmLatencies, 0.99)),
    targets: { heartbeatP99Ms: 250, apiP95Ms: 100 },
  };
  printTable(
    [
      'store',
      'replicas',
      'nodes',
      'hb/s (target)',
      'hb p50 / p99 ms',
      'errors',
      'late',
      'api p95 ms',
      'cpu %',
      'rss MiB',
    ],
    [
      [
        store,
        payload.replicas,
        nodes,
        `${payload.heartbeatsPerSecond} (${payload.heartbeatTargetPerSecond})`,
        `${payload.heartbeatP50Ms} / ${payload.heartbeatP99Ms}`,
        beats.errors,
        beats.late,
        payload.apiP95Ms,
        payload.serverCpuPercent,
        round(payload.serverRssBytes / 2 ** 20, 0),
      ],
    ],
  );
  console.log(
    `\nserver: event-loop delay p99 ${payload.eventLoopDelayP99Ms} ms, max ${payload.eventLoopDelayMaxMs} ms; ` +
      `${payload.heartbeatFlushes} heartbeat flushes, mean ${payload.heartbeatFlushMeanMs} ms, ` +
      `${payload.heartbeatFlushesOverOneSecond} over 1 s; the simulated fleet used ${payload.generatorCpuPercent} % CPU\n`,
  );
  printTable(
    ['request', 'count', 'p50 ms', 'p95 ms'],
    Object.entries(payload.api).map(([k, v]) => [k, v.requests, v.p50Ms, v.p95Ms]),
  );
  const file = writeResult('scale', payload);
  if (values.out) writeFileSync(values.out, `${JSON.stringify(payload, null, 2)}\n`);
  console.log(`\nwrote ${values.out ?? file}`);
} finally {
  await Promise.all(fleets.map((f) => f.close()));
  await servers.stop();
}
