import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, incidents } from '../../platform/store/schema.js';
import { controllerDecisions, expectChainIntact } from '../../testing/audit.js';
import { testEngines } from '../../testing/engines.js';
import { startTestServer, type TestServer } from '../../testing/harness.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`incident decisions in the audit chain on ${engine.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ engine });
    });
    afterAll(async () => server?.close());

    const fire = (id: string, node: string, startsAt: number) =>
      server.store.db.insert(alerts).values({
        id,
        fingerprint: id,
        source: 'anomaly',
        state: 'firing',
        node,
        metric: 'cpu_usage_pct',
        labels: { node },
        startsAt,
        lastSeenAt: startsAt,
        summary: `cpu_usage_pct on ${node}`,
        score: 1,
        updatedAt: startsAt,
      });
    const resolve = (id: string, at: number) =>
      server.store.db.update(alerts).set({ state: 'resolved', endsAt: at }).where(eq(alerts.id, id));

    it('records an incident opened, grown by an alert, resolved and reopened, and nothing for quiet passes', async () => {
      const t0 = server.clock.now();
      await fire('first', 'web-1', t0);
      await server.healing.incidents.group();
      const [incident] = await server.store.db.select().from(incidents);
      server.clock.advance(10_000);
      await fire('second', 'web-1', server.clock.now());
      await server.healing.incidents.group();
      // Passes while the alerts fire only move the incident's activity forward: no decision.
      for (let i = 0; i < 3; i++) {
        server.clock.advance(2_000);
        await server.healing.incidents.group();
      }
      await resolve('first', server.clock.now());
      await resolve('second', server.clock.now());
      await server.healing.incidents.group();
      await server.healing.incidents.group();
      server.clock.advance(60_000);
      await fire('third', 'web-1', server.clock.now());
      await server.healing.incidents.group();
      const decided = await controllerDecisions(server, 'incidents');
      expect(decided.map((d) => [d.decision, (d.subject as { incident: string }).incident])).toEqual([
        ['incident.opened', incident?.id],
        ['incident.grouped', incident?.id],
        ['incident.resolved', incident?.id],
        ['incident.grouped', incident?.id],
        ['incident.reopened', incident?.id],
      ]);
      expect(decided.map((d) => (d.detail as { alerts: string[] }).alerts)).toEqual([
        ['first'],
        ['second'],
        [],
        ['third'],
        ['third'],
      ]);
      expect(decided[0]).toMatchObject({
        actor: { kind: 'controller', id: 'incidents' },
        epoch: 1,
        detail: { nodes: ['web-1'], services: [] },
      });
      await expectChainIntact(server);
    });
  });
}
