/**
 * Live detection benchmark: a fleet of simulated agents heartbeating every
 * second over HTTP into a control plane (its own process) with live
 * detection on, on the embedded store and on PostgreSQL.
 *
 *   npm run bench:live -- [--out FILE] [--nodes 1000] [--metrics 20] [--warmup 220s]
 *     [--duration 60s] [--step 60s] [--steps 4] [--engines pglite,postgres] [--connections N]
 *
 * Per store: a warm-up at the base rate (nodes × metrics per second) so
 * every series is past the detector's warm-up; a measured window at the
 * base rate in which one metric of a rotating 2 % of nodes jumps each
 * second, giving the detection lag p99 from sample received to anomaly
 * stored; then load steps (metrics per heartbeat ×1.5 each) for `--step`
 * each, keeping the highest rate whose samples were all judged with p99 < 2 s
 * (received → judged: new series in a step are still warming up, so they
 * are judged but cannot raise anomalies). Lags are read from the server's
 * own histograms (`/metrics`), interpolated within a bucket.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '@aurora/core';
import { createJoinToken, Fleet } from '../heartbeats/fleet.js';
import { freshPostgresDatabase, startServerProcess } from '../heartbeats/server-process.js';
import { printTable, writeResult } from '../lib/report.js';

const ADMIN = 'bench-admin-token-0123456789';
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    nodes: { type: 'string', default: '1000' },
    metrics: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '220s' },
    duration: { type: 'string', default: '60s' },
    step: { type: 'string', default: '60s' },
    steps: { type: 'string', default: '4' },
    engines: { type: 'string', default: 'pglite,postgres' },
    connections: { type: 'string' },
    'database-url': {
      type: 'string',
      default: process.env.AURORA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const nodes = Number(values.nodes);
const baseMetrics = Number(values.metrics);
const warmupMs = parseDuration(values.warmup);
const durationMs = parseDuration(values.duration);
const stepMs = parseDuration(values.step);
const steps = Number(values.steps);
const engines = values.engines.split(',') as ('pglite' | 'postgres')[];
const LAG_TARGET_S = 2;

/** Cumulative buckets of one histogram on /metrics. */
type Buckets = { le: number; count: number }[];

async function histogram(url: string, name: string): Promise<Buckets> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const out: Buckets = [];
  for (const line of text.split('\n')) {
    const m = line.match(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)`));
    if (m) out.push({ le: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), count: Number(m[2]) });
  }
  return out;
}

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

/** The q-quantile of the observations between two readings, interpolated within its bucket as Prometheus does. */
function quantileBetween(before: Buckets, after: Buckets, q: number): { value: number; count: number } {
  const delta = after.map((b, i) => ({ le: b.le, count: b.count - (before[i]?.count ?? 0) }));
  const total = delta[delta.length - 1]?.count ?? 0;
  if (total === 0) return { value: Number.NaN, count: 0 };
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of delta) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return { value: prevLe, count: total };
      return {
        value: prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1, b.count - prevCount),
        count: total,
      };
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return { value: Number.NaN, count: total };
}

/** Normal values around a per-series level, and a jump for the node and metric chosen this second. */
function sampler(spiking: () => boolean) {
  return (node: number, ts: number, count: number) => {
    const out = [];
    const second = Math.floor(ts / 1000);
    const jump = spiking() && node % 50 === second % 50;
    for (let k = 0; k < count; k++) {
      const level = 20 + ((node * 7 + k * 13) % 50);
      const noise = Math.random() * 4 - 2;
      out.push({ ts, name: `bench.metric_${k}`, value: jump && k === 0 ? level * 5 + 100 : level + noise });
    }
    return out;
  };
}

interface Result {
  store: string;
  nodes: number;
  metricsPerNode: number;
  baseSamplesPerSecond: number;
  lagP99Ms: number;
  anomalies: number;
  judgedLagP99Ms: number;
  samplesPerSecond: number;
  sustainedJudgedLagP99Ms: number;
  bytesPerSeries: number;
  steps: { samplesPerSecond: number; judgedLagP99Ms: number; late: number; errors: number }[];
}

const results: Result[] = [];
for (const engine of engines) {
  const db = engine === 'postgres' ? await freshPostgresDatabase(values['database-url']) : undefined;
  const server = await startServerProcess({
    adminToken: ADMIN,
    heartbeatIntervalMs: 1_000,
    ...(db ? { databaseUrl: db.url } : {}),
    env: { AURORA_DETECTION_SNAPSHOT_INTERVAL: '30s', AURORA_MAX_SERIES_PER_NODE: '100000' },
    readyTimeoutMs: 300_000,
  });
  let spiking = false;
  const connections = Number(values.connections ?? Math.min(256, Math.max(8, Math.ceil(nodes / 8))));
  const fleet = new Fleet(
    server.url,
    connections,
    baseMetrics,
    sampler(() => spiking),
  );
  try {
    const token = await createJoinToken(server.url, ADMIN, { uses: nodes, ttlSeconds: 3600 });
    await fleet.join(token, nodes, 16, 'live');
    console.log(`${engine}: ${nodes} nodes joined; warming up for ${warmupMs / 1000} s`);
    await fleet.run(1_000, warmupMs, { oneInFlightPerNode: true });
    spiking = true;
    const anomBefore = await histogram(server.url, 'aurora_detection_lag_seconds');
    const judgedBefore = await histogram(server.url, 'aurora_detection_judged_lag_seconds');
    const base = await fleet.run(1_000, durationMs, { oneInFlightPerNode: true });
    await new Promise((r) => setTimeout(r, 3_000));
    spiking = false;
    const anomaly = quantileBetween(anomBefore, await histogram(server.url, 'aurora_detection_lag_seconds'), 0.99);
    const judged = quantileBetween(
      judgedBefore,
      await histogram(server.url, 'aurora_detection_judged_lag_seconds'),
      0.99,
    );
    const baseRate = (base.sent * baseMetrics) / (base.wallMs / 1000);
    console.log(
      `${engine}: base ${Math.round(baseRate)} samples/s, anomaly lag p99 ${(anomaly.value * 1000).toFixed(0)} ms over ${anomaly.count} anomalies, judged p99 ${(judged.value * 1000).toFixed(0)} ms`,
    );
    const stepRows: Result['steps'] = [];
    let sustained = judged.value < LAG_TARGET_S && base.late === 0 ? baseRate : 0;
    let sustainedLag = judged.value;
    let metrics = baseMetrics;
    for (let s = 0; s < steps; s++) {
      metrics = Math.round(metrics * 1.5);
      fleet.setSamplesPerBeat(metrics);
      const before = await histogram(server.url, 'aurora_detection_judged_lag_seconds');
      const w = await fleet.run(1_000, stepMs, { oneInFlightPerNode: true });
      await new Promise((r) => setTimeout(r, 3_000));
      const lag = quantileBetween(before, await histogram(server.url, 'aurora_detection_judged_lag_seconds'), 0.99);
      const rate = (w.sent * metrics) / (w.wallMs / 1000);
      stepRows.push({
        samplesPerSecond: Math.round(rate),
        judgedLagP99Ms: Math.round(lag.value * 1000),
        late: w.late,
        errors: w.errors,
      });
      console.log(
        `${engine}: step ${s + 1}: ${Math.round(rate)} samples/s, judged p99 ${(lag.value * 1000).toFixed(0)} ms, late ${w.late}, errors ${w.errors}`,
      );
      const kept = lag.value < LAG_TARGET_S && w.late === 0 && w.errors === 0 && rate >= 0.9 * nodes * metrics;
      if (!kept) break;
      sustained = rate;
      sustainedLag = lag.value;
    }
    results.push({
      store: engine,
      nodes,
      metricsPerNode: baseMetrics,
      baseSamplesPerSecond: Math.round(baseRate),
      lagP99Ms: Math.round(anomaly.value * 1000),
      anomalies: anomaly.count,
      judgedLagP99Ms: Math.round(judged.value * 1000),
      samplesPerSecond: Math.round(sustained),
      sustainedJudgedLagP99Ms: Math.round(sustainedLag * 1000),
      bytesPerSeries: Math.round(await gauge(server.url, 'aurora_detection_state_bytes_per_series')),
      steps: stepRows,
    });
  } finally {
    await fleet.close();
    await server.stop();
    await db?.drop();
  }
}

printTable(
  [
    'store',
    'nodes',
    'base samples/s',
    'anomaly lag p99 ms',
    'anomalies',
    'judged p99 ms',
    'sustained samples/s',
    'bytes/series',
  ],
  results.map((r) => [
    r.store,
    r.nodes,
    r.baseSamplesPerSecond,
    r.lagP99Ms,
    r.anomalies,
    r.judgedLagP99Ms,
    r.samplesPerSecond,
    r.bytesPerSeries,
  ]),
);
const pg = results.find((r) => r.store === 'postgres');
const lite = results.find((r) => r.store === 'pglite');
const ratio = pg && lite && lite.samplesPerSecond > 0 ? pg.samplesPerSecond / lite.samplesPerSecond : undefined;
if (ratio !== undefined) console.log(`sustained rate, PostgreSQL / PGlite: ${ratio.toFixed(2)}`);
const file = writeResult('live', { targets: { lagP99Ms: 2_000, samplesPerSecond: 50_000 }, results, ratio });
if (values.out) {
  const { copyFileSync } = await import('node:fs');
  copyFileSync(file, values.out);
}
console.log(`wrote ${file}${values.out ? ` and ${values.out}` : ''}`);
