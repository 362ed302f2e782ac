import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../platform/store/engine.js';
import { testEngines } from '../testing/engines.js';
import { joinNode, startTestServer, type TestServer } from '../testing/harness.js';
import { beat, random } from '../testing/live-load.js';
import { DetectionController } from './controller.js';

const DAY_MS = 86_400_000;

/** Stored detector states per node name (states whose series is gone count under "(no series)"). */
async function statesByNode(server: TestServer): Promise<Record<string, number>> {
  const rows = rowsOf<{ node: string | null; n: number }>(
    await server.store.db.execute(sql`select s.labels->>'node' as node, count(*)::float8 as n
      from detection_state d left join metric_series s on s.id = d.series_id group by 1 order by 1`),
  );
  return Object.fromEntries(rows.map((r) => [r.node ?? '(no series)', Number(r.n)]));
}

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`detector state of deleted series on ${engine.name}`, () => {
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('goes with its node, is swept after retention deletes its series, and leaves memory', async () => {
      server = await startTestServer({ engine });
      const gone = await joinNode(server, 'gone-1');
      const kept = await joinNode(server, 'kept-1');
      const rnd = random(11);
      const detection = new DetectionController({
        db: server.store.db,
        now: () => (server as TestServer).clock.now(),
        holder: 'sweeper',
        partitions: 4,
        selectors: [],
        threshold: 0.9,
        snapshotIntervalMs: 60_000,
      });
      for (let s = 0; s < 10; s++) {
        await beat(server, gone.credential, s, 20 + rnd(), rnd);
        await beat(server, kept.credential, s, 20 + rnd(), rnd);
        server.clock.advance(1_000);
      }
      await detection.runOnce();
      await detection.snapshot();
      expect(await statesByNode(server)).toEqual({ 'gone-1': 3, 'kept-1': 3 });
      expect(detection.seriesCount).toBe(6);

      const deleted = await fetch(`${server.url}/v1/nodes/gone-1`, { method: 'DELETE', headers: server.admin });
      expect(deleted.status).toBe(204);
      expect(await statesByNode(server)).toEqual({ 'kept-1': 3 });

      // kept-1 goes on; then retention deletes every series (nothing is young enough to keep).
      for (let s = 10; s < 15; s++) {
        await beat(server, kept.credential, s, 20 + rnd(), rnd);
        server.clock.advance(1_000);
      }
      await detection.runOnce();
      await server.telemetry.retention.sweep(server.clock.now() + 400 * DAY_MS);
      expect(await statesByNode(server)).toEqual({ '(no series)': 3 });
      await detection.snapshot();
      // The orphans are swept, kept-1's newer states are not written back, and no detector is held.
      expect(await statesByNode(server)).toEqual({});
      expect(detection.seriesCount).toBe(0);
      await detection.stop();
    });
  });
}
