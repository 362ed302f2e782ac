import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../server.js';
import { ManualClock } from '../clock.js';
import { compileConfig } from '../config/index.js';
import { migrationsFolder } from './engine.js';

/** The migrations folder as it was before the migration tagged `tag`. */
function migrationsBefore(tag: string, into: string): string {
  cpSync(migrationsFolder, into, { recursive: true });
  const journalPath = path.join(into, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return into;
}

const NODES = `insert into nodes (id, name, state, state_reason, state_since, labels, conditions, credential_hash, health, created_at)
  values ('n1', 'alpha', 'ready', 'heartbeat', 1000, '{}', '[]', 'hash-n1', '{"joinedAt":1000,"healthySince":1000,"failures":[],"observedAt":15000}', 1000),
         ('n2', 'beta', 'ready', 'heartbeat', 1000, '{}', '[]', 'hash-n2', '{"joinedAt":1000,"healthySince":1000,"failures":[],"observedAt":15000}', 1000);`;

/** Writes an old store with `seed`, then starts today's server on it. */
async function upgraded(
  tag: string,
  seed: string,
): Promise<{ server: RunningServer; clock: ManualClock; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-upgrade-'));
  const old = new PGlite(path.join(dir, 'pg'));
  await migrate(drizzle({ client: old }), {
    migrationsFolder: migrationsBefore(tag, path.join(dir, 'old-migrations')),
  });
  await old.exec(NODES + seed);
  await old.close();
  const clock = new ManualClock(20_000);
  const config = compileConfig({
    env: { AURORA_ADMIN_TOKEN: 'upgrade-admin-token-0123', AURORA_LOG_LEVEL: 'silent' },
    overrides: { port: 0, dataDir: dir },
  });
  const server = await startServer(config, { clock, manualControllers: true, consoleDir: path.join(dir, 'none') });
  return { server, clock, dir };
}

async function points(server: RunningServer, match: string, step = 500): Promise<unknown> {
  const res = await server.app.inject({
    method: 'GET',
    url: `/v1/query_range?match=${encodeURIComponent(match)}&from=0&to=20000&step=${step}`,
    headers: { authorization: 'Bearer upgrade-admin-token-0123' },
  });
  expect(res.statusCode).toBe(200);
  return res.json().series.map((s: { name: string; labels: object; points: unknown }) => [s.name, s.labels, s.points]);
}

describe('upgrading a store that kept a row per sample', () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    ({ server, dir } = await upgraded(
      '0004_metric_chunks',
      `insert into metric_batches values ('n1', 'batch-a1', 10000), ('n1', 'batch-a2', 10000), ('n1', 'batch-b1', 15000),
        ('n2', 'batch-c1', 10000);
      insert into metric_samples (node_id, ts, name, labels, value, received_at) values
        ('n1', 9000, 'cpu.usage_pct', '{}', 10, 10000),
        ('n1', 9500, 'cpu.usage_pct', '{}', 20, 10000),
        ('n1', 9500, 'disk.used_bytes', '{"mount": "/", "device": "sda1"}', 1e12, 10000),
        ('n1', 14000, 'cpu.usage_pct', '{}', 0.1, 15000),
        ('n2', 9000, 'cpu.usage_pct', '{}', 99.5, 10000);`,
    ));
    // Two embedded databases start one after the other here; on a busy machine that takes a while.
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every sample, value for value, under its Prometheus name and node label', async () => {
    expect(await points(server, '{node="alpha"}')).toEqual([
      [
        'cpu_usage_pct',
        { node: 'alpha' },
        [
          [9000, 10],
          [9500, 20],
          [14000, 0.1],
        ],
      ],
      ['disk_used_bytes', { device: 'sda1', mount: '/', node: 'alpha' }, [[9500, 1e12]]],
    ]);
    expect(await points(server, '{node="beta"}')).toEqual([['cpu_usage_pct', { node: 'beta' }, [[9000, 99.5]]]]);
  });

  it('keeps them through compaction into chunks and rollups', async () => {
    await server.telemetry.compactor.drain(3_600_000);
    expect(await points(server, 'cpu_usage_pct{node="alpha"}')).toEqual([
      [
        'cpu_usage_pct',
        { node: 'alpha' },
        [
          [9000, 10],
          [9500, 20],
          [14000, 0.1],
        ],
      ],
    ]);
    expect(await points(server, 'cpu_usage_pct{node="alpha"}', 60_000)).toEqual([
      ['cpu_usage_pct', { node: 'alpha' }, [[0, (10 + 20 + 0.1) / 3]]],
    ]);
  });
});

describe('upgrading a store that kept JSON chunks', () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    ({ server, dir } = await upgraded(
      '0007_telemetry_store',
      `insert into metric_chunks (node_id, batch_id, received_at, ts_min, ts_max, sample_count, samples) values
        ('n1', 'batch-x1', 10000, 9000, 9500, 3,
          '[["cpu.usage_pct",9000,10],["net.rx_bps",9000,5,{"iface":"eth0","node":"other","a.b":"q\\"uote"}],["cpu.usage_pct",9500,20]]'),
        ('n1', 'batch-x2', 15000, 14000, 14000, 1, '[["cpu.usage_pct",14000,0.1]]'),
        ('n1', 'batch-x3', 15000, 15000, 15000, 0, '[]'),
        ('gone', 'batch-x4', 15000, 14000, 14000, 1, '[["cpu.usage_pct",14000,1]]');`,
    ));
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps names and labels as the agent path does and keeps every sample of a known node', async () => {
    expect(await points(server, '{node="alpha"}')).toEqual([
      [
        'cpu_usage_pct',
        { node: 'alpha' },
        [
          [9000, 10],
          [9500, 20],
          [14000, 0.1],
        ],
      ],
      ['net_rx_bps', { a_b: 'q"uote', exported_node: 'other', iface: 'eth0', node: 'alpha' }, [[9000, 5]]],
    ]);
  });

  it('finds the migrated series again when the agent sends more samples of them', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: { authorization: 'Bearer upgrade-admin-token-0123' },
      payload: 'not snappy',
    });
    expect(res.statusCode).toBe(415);
    const rows = await server.store.db.execute(
      // The migrated key must equal the one the server computes, or the next sample would create a second series.
      (await import('drizzle-orm')).sql`select name, labels_key from metric_series order by name`,
    );
    expect((rows as unknown as { rows: unknown[] }).rows).toEqual([
      { name: 'cpu_usage_pct', labels_key: 'node="alpha"' },
      { name: 'net_rx_bps', labels_key: 'a_b="q\\"uote",exported_node="other",iface="eth0",node="alpha"' },
    ]);
  });

  it('still stores a batch replayed after the upgrade only once', async () => {
    const rows = await server.store.db.execute(
      (await import('drizzle-orm')).sql`select count(*)::int as n from metric_batches where node_id = 'n1'`,
    );
    expect((rows as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(3);
  });
});
