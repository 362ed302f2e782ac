import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from './engine.js';
import { Store } from './store.js';

/** The migrations folder as it was before samples moved into chunks (0000–0003). */
function migrationsBeforeChunks(into: string): string {
  cpSync(migrationsFolder, into, { recursive: true });
  const journalPath = path.join(into, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === '0004_metric_chunks');
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return into;
}

describe('upgrading a store that kept a row per sample', () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-chunk-migration-'));
    const old = new PGlite(path.join(dir, 'pg'));
    await migrate(drizzle({ client: old }), {
      migrationsFolder: migrationsBeforeChunks(path.join(dir, 'old-migrations')),
    });
    // Two heartbeats of node n1 (one carried two batches), one of n2, with a labelled series.
    await old.exec(`
      insert into metric_batches values ('n1', 'batch-a1', 10000), ('n1', 'batch-a2', 10000), ('n1', 'batch-b1', 15000),
        ('n2', 'batch-c1', 10000);
      insert into metric_samples (node_id, ts, name, labels, value, received_at) values
        ('n1', 9000, 'cpu.usage_pct', '{}', 10, 10000),
        ('n1', 9500, 'cpu.usage_pct', '{}', 20, 10000),
        ('n1', 9500, 'disk.used_bytes', '{"mount": "/", "device": "sda1"}', 1e12, 10000),
        ('n1', 14000, 'cpu.usage_pct', '{}', 0.1, 15000),
        ('n2', 9000, 'cpu.usage_pct', '{}', 99.5, 10000);
    `);
    await old.close();
    store = await Store.open({ dataDir: dir });
  });

  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every sample, value for value', async () => {
    const n1 = await store.metrics.range({ nodeId: 'n1', from: 0, to: 20_000, stepMs: 1 });
    expect(n1).toEqual([
      {
        name: 'cpu.usage_pct',
        labels: {},
        points: [
          [9000, 10],
          [9500, 20],
          [14000, 0.1],
        ],
      },
      { name: 'disk.used_bytes', labels: { device: 'sda1', mount: '/' }, points: [[9500, 1e12]] },
    ]);
    const n2 = await store.metrics.range({ nodeId: 'n2', from: 0, to: 20_000, stepMs: 1 });
    expect(n2).toEqual([{ name: 'cpu.usage_pct', labels: {}, points: [[9000, 99.5]] }]);
  });

  it('still stores a batch replayed after the upgrade only once', async () => {
    const replay = { id: 'batch-b1', samples: [{ ts: 14_000, name: 'cpu.usage_pct', value: 55 }] };
    const fresh = { id: 'batch-d1', samples: [{ ts: 19_000, name: 'cpu.usage_pct', value: 30 }] };
    await store.nodes.insert({
      id: 'n1',
      name: 'alpha',
      state: 'ready',
      stateReason: 'heartbeat',
      stateSince: 10_000,
      labels: {},
      zone: null,
      facts: null,
      conditions: [],
      credentialHash: 'hash-n1',
      lastHeartbeatAt: 15_000,
      operatorState: null,
      health: { joinedAt: 1_000, healthySince: 1_000, failures: [], observedAt: 15_000 },
      createdAt: 1_000,
    });
    const write = { nodeId: 'n1', receivedAt: 20_000, batches: [replay, fresh] };
    const result = await store.ingest.apply([write], (rows) => ({ updates: rows, transitions: [] }));
    expect([...result.storedBatches]).toEqual(['n1/batch-d1']);
    const [cpu] = await store.metrics.range({ nodeId: 'n1', name: 'cpu.usage_pct', from: 0, to: 20_000, stepMs: 1 });
    expect(cpu?.points).toEqual([
      [9000, 10],
      [9500, 20],
      [14000, 0.1],
      [19000, 30],
    ]);
  });

  it('sweeps migrated samples by their receive time', async () => {
    expect(await store.metrics.sweep(12_000)).toBe(4);
    const left = await store.metrics.range({ nodeId: 'n1', from: 0, to: 20_000, stepMs: 1 });
    expect(left.map((s) => s.points)).toEqual([
      [
        [14000, 0.1],
        [19000, 30],
      ],
    ]);
  });
});
