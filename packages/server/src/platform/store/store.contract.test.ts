import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFreshStore, testEngines } from '../../testing/engines.js';
import { rowsOf } from './engine.js';
import type { NodeRow } from './node-repo.js';
import type { Store } from './store.js';

function nodeRow(id: string, name: string, labels: Record<string, string> = {}): NodeRow {
  return {
    id,
    name,
    state: 'joining',
    stateReason: 'joined',
    stateSince: 1_000,
    labels,
    zone: null,
    facts: null,
    conditions: [],
    credentialHash: `hash-${id}`,
    joinTokenId: null,
    joinKeyHash: null,
    lastHeartbeatAt: null,
    operatorState: null,
    health: { joinedAt: 1_000, healthySince: null, failures: [], observedAt: 1_000 },
    createdAt: 1_000,
  };
}

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`store contract on ${engine.name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await openFreshStore(engine));
    });
    afterAll(async () => close?.());

    it('is ready once migrations are applied', async () => {
      expect(await store.ready()).toBe(true);
      expect(store.kind).toBe(engine.name);
    });

    it('sets a setting only on first write', async () => {
      expect(await store.settings.setIfAbsent('admin', 'a')).toBe(true);
      expect(await store.settings.setIfAbsent('admin', 'b')).toBe(false);
      expect(await store.settings.get('admin')).toBe('a');
    });

    it('consumes a join token once per use and never after expiry', async () => {
      await store.tokens.create({
        id: 't1',
        tokenHash: 'h1',
        description: '',
        expiresAt: 10_000,
        usesRemaining: 2,
        createdAt: 0,
      });
      expect((await store.tokens.consume('h1', 5_000))?.usesRemaining).toBe(1);
      expect(await store.tokens.consume('h1', 10_000)).toBeUndefined();
      expect((await store.tokens.consume('h1', 5_000))?.usesRemaining).toBe(0);
      expect(await store.tokens.consume('h1', 5_000)).toBeUndefined();
      expect(await store.tokens.list(5_000)).toEqual([]);
      expect(await store.tokens.delete('t1')).toBe(true);
      expect(await store.tokens.delete('t1')).toBe(false);
    });

    it('filters nodes by state and by labels', async () => {
      await store.nodes.insert(nodeRow('n1', 'alpha', { role: 'db', zone: 'a' }));
      await store.nodes.insert(nodeRow('n2', 'beta', { role: 'web' }));
      expect((await store.nodes.list({ labels: { role: 'db' } })).map((n) => n.name)).toEqual(['alpha']);
      expect((await store.nodes.list({ state: 'joining' })).map((n) => n.name)).toEqual(['alpha', 'beta']);
      expect(await store.nodes.list({ state: 'ready' })).toEqual([]);
      expect(await store.nodes.countByState()).toEqual({ joining: 2 });
      await expect(store.nodes.insert(nodeRow('n3', 'alpha'))).rejects.toThrow();
    });

    it('stores a replayed batch once and acknowledges both deliveries', async () => {
      const write = {
        nodeId: 'n1',
        receivedAt: 2_000,
        batches: [
          {
            id: 'batch-0001',
            head: {
              source: 'node:n1',
              receivedAt: 2_000,
              tsMin: 1_500,
              tsMax: 1_500,
              seriesIds: [1],
              ts: [1_500],
              vals: [10],
            },
          },
        ],
      };
      const decide = (rows: NodeRow[]) => ({
        updates: rows.map((r) => ({ ...r, lastHeartbeatAt: 2_000, state: 'ready' })),
        transitions: rows.map((r) => ({
          nodeId: r.id,
          at: 2_000,
          fromState: r.state,
          toState: 'ready',
          reason: 'test',
        })),
      });
      const first = await store.ingest.apply([write, { ...write, receivedAt: 2_001 }], decide);
      expect([...first.storedBatches]).toEqual(['n1/batch-0001']);
      const replay = await store.ingest.apply([write], decide);
      expect(replay.storedBatches.size).toBe(0);
      const heads = await store.db.execute(sql`select source, ts::float8[] as ts from metric_head`);
      expect(rowsOf(heads)).toEqual([{ source: 'node:n1', ts: [1_500] }]);
      expect((await store.nodes.byName('alpha'))?.state).toBe('ready');
      expect((await store.nodes.transitions('n1'))[0]?.reason).toBe('test');
    });

    it('deletes a node with its samples, history and agent actions', async () => {
      // Every tier a node's samples live in (series, head, chunks, both rollups, batch ids), for n1 and for n2.
      for (const [seriesId, nodeId] of [
        [101, 'n1'],
        [102, 'n2'],
      ] as const) {
        const source = `node:${nodeId}`;
        await store.db.execute(sql`insert into metric_series (id, name, labels, labels_key, source, created_at)
          values (${seriesId}, 'cpu_usage_pct', '{}'::jsonb, ${`{node=${nodeId}}`}, ${source}, 0)`);
        await store.db.execute(sql`insert into metric_head (source, received_at, ts_min, ts_max, sample_count, series_ids, ts, vals)
          values (${source}, 0, 0, 0, 1, array[${seriesId}]::bigint[], array[0]::bigint[], array[1]::float8[])`);
        await store.db.execute(sql`insert into series_chunks (series_id, start, ts_min, ts_max, sample_count, last_value, ts, vals)
          values (${seriesId}, 0, 0, 0, 1, 1, array[0]::bigint[], array[1]::float8[])`);
        for (const table of ['rollups_1m', 'rollups_1h']) {
          await store.db.execute(sql`insert into ${sql.identifier(table)} (series_id, start, ts, mins, maxs, sums, counts, lasts)
            values (${seriesId}, 0, array[0]::bigint[], array[1]::float8[], array[1]::float8[], array[1]::float8[], array[1]::int[], array[1]::float8[])`);
        }
        await store.db.execute(sql`insert into metric_batches (node_id, batch_id, received_at)
          values (${nodeId}, 'contract-batch', 0) on conflict do nothing`);
        await store.db.execute(sql`insert into agent_actions (id, node_id, node, kind, params, status, created_at, expires_at, requested_by)
          values (${`action-${nodeId}`}, ${nodeId}, ${nodeId}, 'restart-service', '{}'::jsonb, 'pending', 0, 1, 'contract')`);
      }
      const left = async (nodeId: string, seriesId: number) => {
        const count = async (query: ReturnType<typeof sql>) =>
          Number((rowsOf<{ n: number }>(await store.db.execute(query))[0] as { n: number }).n);
        return {
          series: await count(sql`select count(*)::int as n from metric_series where source = ${`node:${nodeId}`}`),
          head: await count(sql`select count(*)::int as n from metric_head where source = ${`node:${nodeId}`}`),
          chunks: await count(sql`select count(*)::int as n from series_chunks where series_id = ${seriesId}`),
          minutes: await count(sql`select count(*)::int as n from rollups_1m where series_id = ${seriesId}`),
          hours: await count(sql`select count(*)::int as n from rollups_1h where series_id = ${seriesId}`),
          batches: await count(sql`select count(*)::int as n from metric_batches where node_id = ${nodeId}`),
          actions: await count(sql`select count(*)::int as n from agent_actions where node_id = ${nodeId}`),
        };
      };
      expect((await left('n1', 101)).chunks).toBe(1);

      expect((await store.nodes.deleteByName('alpha'))?.id).toBe('n1');
      expect(await store.nodes.byName('alpha')).toBeUndefined();
      expect(await store.nodes.transitions('n1')).toEqual([]);
      expect(await left('n1', 101)).toEqual({
        series: 0,
        head: 0,
        chunks: 0,
        minutes: 0,
        hours: 0,
        batches: 0,
        actions: 0,
      });
      // Another node's samples are untouched.
      expect(await left('n2', 102)).toEqual({
        series: 1,
        head: 1,
        chunks: 1,
        minutes: 1,
        hours: 1,
        batches: 1,
        actions: 1,
      });
      expect(await store.nodes.deleteByName('alpha')).toBeUndefined();
    });

    it('applies operator changes through a locked read-modify-write', async () => {
      const result = await store.nodes.mutate(['n2'], (rows) => ({
        changes: rows.map((r) => ({ id: r.id, operatorState: 'cordoned', state: 'cordoned' })),
        transitions: [],
      }));
      expect(result.changes).toHaveLength(1);
      expect((await store.nodes.byName('beta'))?.operatorState).toBe('cordoned');
    });
  });
}

describe.runIf(testEngines().some((e) => e.skip))('PostgreSQL store contract', () => {
  it.skip(testEngines().find((e) => e.skip)?.skip ?? '', () => {});
});
