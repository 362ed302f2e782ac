import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leases } from '../platform/store/schema.js';
import { controllerDecisions, expectChainIntact } from '../testing/audit.js';
import { testEngines } from '../testing/engines.js';
import { startTestServer, type TestServer } from '../testing/harness.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`detection ownership in the audit chain on ${engine.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ engine, env: { AURORA_DETECTION_PARTITIONS: '4' } });
    });
    afterAll(async () => server?.close());

    it('records each partition taken (from whom, at its epoch) and handed back, not each renewal', async () => {
      // Partition 2 was held by a replica whose lease lapsed.
      await server.store.db
        .insert(leases)
        .values({ name: 'detection/2', holder: 'gone-replica', epoch: 3, expiresAt: 0 });
      await server.detection.controller.runOnce();
      await server.detection.controller.runOnce();
      await server.detection.controller.runOnce();
      let decided = await controllerDecisions(server, 'detection');
      expect(decided.map((d) => [d.decision, (d.subject as { partition: number }).partition, d.epoch])).toEqual([
        ['partition.taken', 0, 1],
        ['partition.taken', 1, 1],
        ['partition.taken', 2, 4],
        ['partition.taken', 3, 1],
      ]);
      const holder = (decided[0]?.detail as { holder?: string } | undefined)?.holder;
      expect(holder).toMatch(/:/);
      expect(decided.map((d) => (d.detail as { from: string | null }).from)).toEqual([
        null,
        null,
        'gone-replica',
        null,
      ]);
      expect(decided[0]?.actor).toEqual({ kind: 'controller', id: 'detection' });
      await server.detection.controller.stop();
      await server.detection.controller.runOnce();
      decided = (await controllerDecisions(server, 'detection')).slice(4);
      expect(decided.map((d) => [d.decision, (d.subject as { partition: number }).partition])).toEqual([
        ['partition.released', 0],
        ['partition.released', 1],
        ['partition.released', 2],
        ['partition.released', 3],
        ['partition.taken', 0],
        ['partition.taken', 1],
        ['partition.taken', 2],
        ['partition.taken', 3],
      ]);
      expect(decided[0]?.detail).toEqual({ holder, reason: 'stopped' });
      expect(decided[4]?.detail).toEqual({ holder, from: holder });
      await expectChainIntact(server);
    });
  });
}
