/**
 * Query benchmark: a fleet of N nodes × M metrics sampled every interval for
 * D days, written into Aurora through remote_write on each store, then
 *   - one series over a day at the raw step (the sample interval), and
 *   - every node's CPU over the whole span at a 1-hour step,
 * each repeated and timed end to end over HTTP (median). The peer in the
 * same run is Debian's Prometheus with the same data backfilled by
 * `promtool tsdb create-blocks-from openmetrics`, asked the same questions
 * through its query_range.
 *
 *   npm run bench:query -- [--out FILE] [--nodes 1000] [--metrics 10] [--days 7] [--interval 60s]
 *     [--engines pglite,postgres] [--repeat 21] [--no-prometheus]
 *
 * Writes FILE (default bench/results/query.json).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '@aurora/core';
import { freshPostgresDatabase, startServerProcess } from '../heartbeats/server-process.js';
import { printTable, quantile, repoRoot } from '../lib/report.js';
import { type Fleet, nodeName } from './dataset.js';
import { loadThroughRemoteWrite } from './load-aurora.js';
import { prometheusAvailable, prometheusQueryRange, startPrometheusPeer } from './prometheus-peer.js';

const ADMIN = 'bench-admin-token-0123456789';
const HOUR = 3_600_000;
const DAY = 86_400_000;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(repoRoot, 'bench', 'results', 'query.json') },
    nodes: { type: 'string', default: '1000' },
    metrics: { type: 'string', default: '10' },
    days: { type: 'string', default: '7' },
    interval: { type: 'string', default: '60s' },
    engines: { type: 'string', default: 'pglite,postgres' },
    repeat: { type: 'string', default: '21' },
    'nodes-per-request': { type: 'string', default: '20' },
    'in-flight': { type: 'string', default: '2' },
    'no-prometheus': { type: 'boolean', default: false },
    'database-url': {
      type: 'string',
      default: process.env.AURORA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});

// The data ends at an hour boundary two hours ago, so every sample is in a closed hour the compactor moves.
const end = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
const fleet: Fleet = {
  nodes: Number(values.nodes),
  metrics: Number(values.metrics),
  intervalMs: parseDuration(values.interval),
  start: end - Number(values.days) * DAY,
  end,
};
const repeat = Number(values.repeat);
const samples = fleet.nodes * fleet.metrics * Math.round((fleet.end - fleet.start) / fleet.intervalMs);
const probeNode = nodeName(Math.floor(fleet.nodes / 2));
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Times `run` `repeat` times after two warm-ups; returns the median and p90 in ms. */
async function timed(run: () => Promise<number>): Promise<{ medianMs: number; p90Ms: number; points: number }> {
  let points = 0;
  for (let i = 0; i < 2; i++) points = await run();
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    points = await run();
    ms.push(performance.now() - t0);
  }
  return { medianMs: quantile(ms, 0.5), p90Ms: quantile(ms, 0.9), points };
}

async function auroraQuery(url: string, params: Record<string, string>): Promise<number> {
  const res = await fetch(`${url}/v1/query_range?${new URLSearchParams(params)}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`query_range answered ${res.status}: ${text.slice(0, 300)}`);
  return (text.match(/\],\[|\]\]/g) ?? []).length;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

interface StoreResult {
  store: 'pglite' | 'postgres';
  oneSeriesDayMs: number;
  fleetCpuWeekMs: number;
  oneSeriesDayRawTierMs: number;
  oneSeriesDayP90Ms: number;
  fleetCpuWeekP90Ms: number;
  points: { oneSeriesDay: number; fleetCpuWeek: number };
  loadSeconds: number;
  compactSeconds: number;
  samplesPerSecond: number;
}

async function measureStore(store: 'pglite' | 'postgres'): Promise<StoreResult> {
  const db = store === 'postgres' ? await freshPostgresDatabase(values['database-url']) : undefined;
  const server = await startServerProcess({
    adminToken: ADMIN,
    heartbeatIntervalMs: 5_000,
    ...(db ? { databaseUrl: db.url } : {}),
    env: {
      AURORA_SAMPLE_RETENTION: '3650d',
      AURORA_MINUTE_ROLLUP_RETENTION: '3650d',
      AURORA_HOUR_ROLLUP_RETENTION: '3650d',
      AURORA_COMPACTION_PASS_SAMPLES: '400000',
      AURORA_MAX_SERIES_TOTAL: String(Math.max(1_000_000, fleet.nodes * fleet.metrics * 2)),
      AURORA_BODY_LIMIT_BYTES: String(64 * 1024 * 1024),
    },
  });
  try {
    const load = await loadThroughRemoteWrite(server.url, ADMIN, fleet, {
      windowMs: DAY,
      nodesPerRequest: Number(values['nodes-per-request']),
      inFlight: Number(values['in-flight']),
      label: store,
    });
    const t0 = performance.now();
    while ((await metric(server.url, 'aurora_compacted_samples_total')) < load.samples) {
      const done = await metric(server.url, 'aurora_compacted_samples_total');
      log(`[${store}] compacting: ${(done / 1e6).toFixed(1)} / ${(load.samples / 1e6).toFixed(1)} M samples`);
      await new Promise((r) => setTimeout(r, 5_000));
    }
    const compactSeconds = (performance.now() - t0) / 1000;
    log(`[${store}] querying...`);
    const day = { from: String(fleet.end - DAY), to: String(fleet.end - 1) };
    const one = await timed(() =>
      auroraQuery(server.url, { match: `cpu_usage_pct{node="${probeNode}"}`, ...day, step: values.interval }),
    );
    const rawTier = await timed(() =>
      auroraQuery(server.url, {
        match: `cpu_usage_pct{node="${probeNode}"}`,
        ...day,
        step: String(fleet.intervalMs / 2),
      }),
    );
    const week = await timed(() =>
      auroraQuery(server.url, {
        match: 'cpu_usage_pct',
        from: String(fleet.start),
        to: String(fleet.end - 1),
        step: '1h',
      }),
    );
    return {
      store,
      oneSeriesDayMs: one.medianMs,
      fleetCpuWeekMs: week.medianMs,
      oneSeriesDayRawTierMs: rawTier.medianMs,
      oneSeriesDayP90Ms: one.p90Ms,
      fleetCpuWeekP90Ms: week.p90Ms,
      points: { oneSeriesDay: one.points, fleetCpuWeek: week.points },
      loadSeconds: load.seconds,
      compactSeconds,
      samplesPerSecond: load.samples / (load.seconds + compactSeconds),
    };
  } finally {
    await server.stop();
    await db?.drop();
  }
}

const loadBefore = os.loadavg();
log(
  `fleet: ${fleet.nodes} nodes × ${fleet.metrics} metrics × ${values.days} days at ${values.interval} = ${(samples / 1e6).toFixed(1)} M samples; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')}`,
);
const results: StoreResult[] = [];
for (const store of values.engines.split(',') as ('pglite' | 'postgres')[]) results.push(await measureStore(store));

let prometheus:
  | {
      oneSeriesDayMs: number;
      fleetCpuWeekMs: number;
      fleetCpuWeekPlainMs: number;
      backfillSeconds: number;
      points: object;
    }
  | undefined;
if (!values['no-prometheus']) {
  if (!prometheusAvailable())
    throw new Error(
      'prometheus and promtool are not installed: run scripts/install-prometheus.sh or pass --no-prometheus',
    );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-bench-prom-'));
  try {
    const peer = await startPrometheusPeer(dir, fleet, log);
    try {
      log('[prometheus] querying...');
      const one = await timed(() =>
        prometheusQueryRange(
          peer.url,
          `cpu_usage_pct{node="${probeNode}"}`,
          fleet.end - DAY,
          fleet.end - fleet.intervalMs,
          fleet.intervalMs / 1000,
        ),
      );
      // Aurora's 1-hour buckets average each hour; avg_over_time over the hour asks Prometheus the same.
      const week = await timed(() =>
        prometheusQueryRange(peer.url, 'avg_over_time(cpu_usage_pct[1h])', fleet.start + HOUR, fleet.end, 3600),
      );
      const plain = await timed(() =>
        prometheusQueryRange(peer.url, 'cpu_usage_pct', fleet.start + HOUR, fleet.end, 3600),
      );
      prometheus = {
        oneSeriesDayMs: one.medianMs,
        fleetCpuWeekMs: week.medianMs,
        fleetCpuWeekPlainMs: plain.medianMs,
        backfillSeconds: peer.backfillSeconds,
        points: { oneSeriesDay: one.points, fleetCpuWeek: week.points },
      };
    } finally {
      await peer.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadAfter = os.loadavg();
const f = (n: number | undefined, d = 1) => (n !== undefined && Number.isFinite(n) ? n.toFixed(d) : '-');
printTable(
  [
    'store',
    'one series, day (ms)',
    'raw tier (ms)',
    'fleet CPU, week (ms)',
    'points',
    'load s',
    'compact s',
    'samples/s',
  ],
  [
    ...results.map((r) => [
      r.store,
      f(r.oneSeriesDayMs),
      f(r.oneSeriesDayRawTierMs),
      f(r.fleetCpuWeekMs),
      `${r.points.oneSeriesDay} / ${r.points.fleetCpuWeek}`,
      f(r.loadSeconds, 0),
      f(r.compactSeconds, 0),
      f(r.samplesPerSecond, 0),
    ]),
    ...(prometheus
      ? [
          [
            'prometheus',
            f(prometheus.oneSeriesDayMs),
            '-',
            f(prometheus.fleetCpuWeekMs),
            '-',
            f(prometheus.backfillSeconds, 0),
            '-',
            '-',
          ],
        ]
      : []),
  ],
);
const ratios = prometheus
  ? results.map((r) => ({
      store: r.store,
      oneSeriesDay: r.oneSeriesDayMs / prometheus.oneSeriesDayMs,
      fleetCpuWeek: r.fleetCpuWeekMs / prometheus.fleetCpuWeekMs,
    }))
  : [];
if (ratios.length) {
  console.log('');
  printTable(
    ['store', 'one series / prometheus', 'fleet CPU / prometheus'],
    ratios.map((r) => [r.store, f(r.oneSeriesDay, 2), f(r.fleetCpuWeek, 2)]),
  );
}
const payload = {
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    loadBefore,
    loadAfter,
  },
  fleet: { ...fleet, samples },
  repeat,
  results,
  prometheus,
  ratios,
};
writeFileSync(values.out, `${JSON.stringify(payload, null, 2)}\n`);
console.log(`\nwrote ${values.out}`);
