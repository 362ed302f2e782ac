/**
 * Heartbeat benchmark: N simulated agents in one process against a control
 * plane running as its own process, on the embedded store and on PostgreSQL.
 *
 *   npm run bench:heartbeats -- [--nodes 100,1000,5000,10000] [--duration 30s]
 *     [--engines pglite,postgres] [--interval 5s] [--samples 30] [--connections N]
 *
 * Prints heartbeat latency (p50/p99) and server CPU for each size, the
 * PostgreSQL/PGlite p99 ratio measured in the same run, and writes
 * bench/results/heartbeats.json.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '@aurora/core';
import { printTable, quantile, writeResult } from '../lib/report.js';
import { createJoinToken, Fleet } from './fleet.js';
import { freshPostgresDatabase, startServerProcess } from './server-process.js';

const ADMIN = 'bench-admin-token-0123456789';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100,1000,5000,10000' },
    duration: { type: 'string', default: '30s' },
    engines: { type: 'string', default: 'pglite,postgres' },
    interval: { type: 'string', default: '5s' },
    samples: { type: 'string', default: '30' },
    connections: { type: 'string' },
    'database-url': {
      type: 'string',
      default: process.env.AURORA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const sizes = values.nodes.split(',').map(Number);
const engines = values.engines.split(',') as ('pglite' | 'postgres')[];
function durationFlag(name: 'interval' | 'duration'): number {
  try {
    return parseDuration(values[name]);
  } catch (error) {
    throw new Error(`--${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
const intervalMs = durationFlag('interval');
const durationMs = durationFlag('duration');
const samplesPerBeat = Number(values.samples);

async function cpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total'));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

interface Row {
  engine: string;
  nodes: number;
  targetPerSec: number;
  achievedPerSec: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  late: number;
  serverCpuPct: number;
  joinPerSec: number;
}

async function measure(engine: 'pglite' | 'postgres', nodes: number): Promise<Row> {
  const db = engine === 'postgres' ? await freshPostgresDatabase(values['database-url']) : undefined;
  const server = await startServerProcess({
    adminToken: ADMIN,
    heartbeatIntervalMs: intervalMs,
    ...(db ? { databaseUrl: db.url } : {}),
  });
  // Like a fleet behind a load balancer, many connections: a fixed small pool would cap the rate at pool / latency.
  const connections = values.connections
    ? Number(values.connections)
    : Math.min(1024, Math.max(64, Math.ceil(nodes / 5)));
  const fleet = new Fleet(server.url, connections, samplesPerBeat);
  try {
    const token = await createJoinToken(server.url, ADMIN, {
      uses: nodes,
      ttlSeconds: 3600,
      description: 'heartbeat benchmark',
    });
    process.stderr.write(`[${engine} n=${nodes}] joining...\n`);
    const joinStart = performance.now();
    await fleet.join(token, nodes, 32, 'bench');
    const joinPerSec = nodes / ((performance.now() - joinStart) / 1000);
    process.stderr.write(
      `[${engine} n=${nodes}] heartbeating for ${durationMs / 1000}s after ${intervalMs / 1000}s warm-up...\n`,
    );
    const cpu0 = await cpuSeconds(server.url);
    const t0 = performance.now();
    const window = await fleet.run(intervalMs, durationMs);
    const cpu1 = await cpuSeconds(server.url);
    const cpuWallS = (performance.now() - t0) / 1000;
    return {
      engine,
      nodes,
      targetPerSec: nodes / (intervalMs / 1000),
      achievedPerSec: window.sent / (window.wallMs / 1000),
      p50: quantile(window.latenciesMs, 0.5),
      p99: quantile(window.latenciesMs, 0.99),
      max: quantile(window.latenciesMs, 1),
      errors: window.errors,
      late: window.late,
      serverCpuPct: ((cpu1 - cpu0) / cpuWallS) * 100,
      joinPerSec,
    };
  } finally {
    await fleet.close();
    await server.stop();
    await db?.drop();
  }
}

const rows: Row[] = [];
for (const engine of engines) {
  for (const nodes of sizes) rows.push(await measure(engine, nodes));
}

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
printTable(
  [
    'engine',
    'nodes',
    'target hb/s',
    'achieved hb/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'errors',
    'late',
    'server CPU %',
    'joins/s',
  ],
  rows.map((r) => [
    r.engine,
    r.nodes,
    f(r.targetPerSec, 0),
    f(r.achievedPerSec, 0),
    f(r.p50),
    f(r.p99),
    f(r.max),
    r.errors,
    r.late,
    f(r.serverCpuPct, 0),
    f(r.joinPerSec, 0),
  ]),
);
const ratios = sizes.flatMap((nodes) => {
  const a = rows.find((r) => r.engine === 'pglite' && r.nodes === nodes);
  const b = rows.find((r) => r.engine === 'postgres' && r.nodes === nodes);
  return a && b ? [{ nodes, postgresOverPgliteP99: b.p99 / a.p99 }] : [];
});
if (ratios.length) {
  console.log('');
  printTable(
    ['nodes', 'p99 postgres / pglite'],
    ratios.map((r) => [r.nodes, f(r.postgresOverPgliteP99, 2)]),
  );
}
const file = writeResult('heartbeats', { intervalMs, durationMs, samplesPerBeat, rows, ratios });
console.log(`\nwrote ${file}`);
