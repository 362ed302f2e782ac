import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../platform/store/engine.js';
import { testEngines } from '../testing/engines.js';
import { joinNode, startTestServer, type TestServer } from '../testing/harness.js';
import { beat, random } from '../testing/live-load.js';
import { DetectionController, type DetectionOptions } from './controller.js';

function controller(server: TestServer, holder: string, extra: Partial<DetectionOptions> = {}) {
  return new DetectionController({
    db: server.store.db,
    now: () => server.clock.now(),
    holder,
    partitions: 16,
    selectors: [],
    threshold: 0.9,
    snapshotIntervalMs: 60_000,
    ...extra,
  });
}

async function stateOf(server: TestServer) {
  return rowsOf<{ name: string; points: number; last_ts: number; node: string }>(
    await server.store.db.execute(sql`select s.name, s.labels->>'node' as node, d.points::float8 as points,
      d.last_ts::float8 as last_ts from detection_state d join metric_series s on s.id = d.series_id order by 2, 1`),
  );
}

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`detector state on ${engine.name}`, () => {
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('a new owner resumes every series from the stored snapshots and cursor, judging each sample once', async () => {
      server = await startTestServer({ engine });
      const { credential } = await joinNode(server, 'db-1');
      const rnd = random(3);
      const first = controller(server, 'replica-a');
      for (let s = 0; s < 30; s++) {
        await beat(server, credential, s, 20 + rnd() * 5, rnd);
        server.clock.advance(1_000);
      }
      await first.runOnce();
      await first.stop();
      const saved = await stateOf(server);
      expect(saved.map((r) => [r.node, r.name, r.points])).toEqual([
        ['db-1', 'cpu_usage_pct', 30],
        ['db-1', 'load_1m', 30],
        ['db-1', 'memory_used_pct', 30],
      ]);
      for (let s = 30; s < 50; s++) {
        await beat(server, credential, s, 20 + rnd() * 5, rnd);
        server.clock.advance(1_000);
      }
      const second = controller(server, 'replica-b');
      await second.runOnce();
      expect(second.leases.owned.size).toBe(16);
      await second.snapshot();
      // 30 points from the snapshot plus the 20 written since: none judged twice, none missed.
      expect((await stateOf(server)).map((r) => r.points)).toEqual([50, 50, 50]);
      await second.stop();
    });

    it('a snapshot that does not load is reported and its series starts afresh', async () => {
      server = await startTestServer({ engine });
      const { credential } = await joinNode(server, 'db-2');
      const rnd = random(5);
      const first = controller(server, 'replica-a');
      for (let s = 0; s < 10; s++) {
        await beat(server, credential, s, 20 + rnd() * 5, rnd);
        server.clock.advance(1_000);
      }
      await first.runOnce();
      await first.stop();
      await server.store.db.execute(sql`update detection_state set state = '{"config": 7, "range": "broken"'
        where series_id = (select id from metric_series where name = 'cpu_usage_pct')`);
      const failures: string[] = [];
      const second = controller(server, 'replica-b', { onSnapshotFailure: (_id, reason) => failures.push(reason) });
      for (let s = 10; s < 15; s++) {
        await beat(server, credential, s, 20 + rnd() * 5, rnd);
        server.clock.advance(1_000);
      }
      await second.runOnce();
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/snapshot did not load/);
      await second.snapshot();
      expect((await stateOf(server)).map((r) => [r.name, r.points])).toEqual([
        ['cpu_usage_pct', 5],
        ['load_1m', 15],
        ['memory_used_pct', 15],
      ]);
      await second.stop();
    });

    it('owners of disjoint partitions judge disjoint series, and a lapsed owner cannot write', async () => {
      server = await startTestServer({ engine });
      const rnd = random(9);
      const nodes = await Promise.all(
        ['n-1', 'n-2', 'n-3', 'n-4', 'n-5', 'n-6'].map((n) => joinNode(server as TestServer, n)),
      );
      for (let s = 0; s < 5; s++) {
        for (const [i, n] of nodes.entries()) await beat(server, n.credential, s * 10 + i, 20 + rnd(), rnd);
        server.clock.advance(1_000);
      }
      const low = controller(server, 'low', { own: [0, 1, 2, 3, 4, 5, 6, 7] });
      const high = controller(server, 'high', { own: [8, 9, 10, 11, 12, 13, 14, 15] });
      await low.runOnce();
      await high.runOnce();
      expect(low.seriesCount + high.seriesCount).toBe(18);
      await low.snapshot();
      await high.snapshot();
      expect((await stateOf(server)).length).toBe(18);
      // `high` hands its partitions back; `low` may now take them, and `high`'s writes are refused.
      await high.leases.release();
      const greedy = controller(server, 'low-2');
      await greedy.runOnce();
      expect([...greedy.leases.owned.keys()].sort((a, b) => a - b)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
      high.leases.owned.set(8, 1);
      await expect(high.snapshot()).rejects.toThrow(/fenced|leader|lease/i);
      await low.stop();
      await greedy.stop();
    });

    it('replicas sharing detection split the partitions equally, and take back those of one that leaves', async () => {
      server = await startTestServer({ engine });
      const a = controller(server, 'share-a', { own: 'share' });
      const b = controller(server, 'share-b', { own: 'share' });
      await a.runOnce();
      expect(a.leases.owned.size).toBe(16);
      await b.runOnce(); // b announces itself; everything is still a's
      expect(b.leases.owned.size).toBe(0);
      await a.runOnce(); // a gives back what is above its share
      await b.runOnce();
      expect([a.leases.owned.size, b.leases.owned.size]).toEqual([8, 8]);
      const both = new Set([...a.leases.owned.keys(), ...b.leases.owned.keys()]);
      expect(both.size).toBe(16);
      await b.stop();
      await a.runOnce();
      expect(a.leases.owned.size).toBe(16);
      await a.stop();
    });
  });
}
