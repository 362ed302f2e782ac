import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerDecisions, expectChainIntact } from '../testing/audit.js';
import { testEngines } from '../testing/engines.js';
import { joinNode, startTestServer, type TestServer } from '../testing/harness.js';
import { beat, random } from '../testing/live-load.js';
import { DAY_MS } from './tiers.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`retention sweeps in the audit chain on ${engine.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ engine });
    });
    afterAll(async () => server?.close());

    it('records a sweep that deleted metric data, with what it deleted, and nothing for sweeps that deleted none', async () => {
      const { credential } = await joinNode(server, 'swept-1');
      const rnd = random(5);
      for (let s = 0; s < 5; s++) {
        await beat(server, credential, s, 20 + rnd(), rnd);
        server.clock.advance(1_000);
      }
      expect(await server.telemetry.retention.sweep(server.clock.now())).toMatchObject({ head: 0, series: 0 });
      const later = server.clock.now() + 400 * DAY_MS;
      const deleted = await server.telemetry.retention.sweep(later);
      expect(deleted.head).toBeGreaterThan(0);
      expect(deleted.series).toBeGreaterThan(0);
      await server.telemetry.retention.sweep(later);
      const decided = await controllerDecisions(server, 'metric-retention');
      expect(decided).toHaveLength(1);
      expect(decided[0]).toMatchObject({
        actor: { kind: 'controller', id: 'metric-retention' },
        epoch: 1,
        decision: 'retention.swept',
        subject: { store: 'metrics' },
        detail: { deleted },
      });
      await expectChainIntact(server);
    });
  });
}
