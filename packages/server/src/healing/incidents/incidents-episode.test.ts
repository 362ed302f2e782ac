/**
 * A reopened incident is ranked from the alert that reopened it: the earlier episode's cause moved
 * further, but it had recovered before the new alert, so it must not outrank the node that moved now.
 */
import type { Incident } from '@aurora/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '../../platform/store/schema.js';
import { testEngines } from '../../testing/engines.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertFiringAlert } from '../../testing/healing-fixture.js';

const MIN = 60_000;
const wiggle = (i: number, k: number) => 3 * Math.sin(i * 1.7 + k) * Math.cos(i * 0.31 + k);

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`incident episodes on ${engine.name}`, () => {
    let server: TestServer;
    let t0 = 0;

    beforeAll(async () => {
      server = await startTestServer({ engine });
      t0 = server.clock.now();
      const put = await server.app.inject({
        method: 'PUT',
        url: '/v1/services/pair',
        headers: server.admin,
        payload: { backends: ['a-1', 'a-2'].map((node) => ({ node, port: 8080 })) },
      });
      expect(put.statusCode, put.body).toBe(200);
      // 40 minutes of a metric every 10 s: a-1 jumps by 80 from t0-5 min to t0-4 min (the first
      // episode), a-2 by 40 from t0-1 min on (the second).
      for (const [k, name] of ['a-1', 'a-2'].entries()) {
        const { credential } = await joinNode(server, name, sampleFacts({ hostname: name }));
        const samples = [];
        for (let i = 0; i < 240; i++) {
          const ts = t0 - 38 * MIN + i * 10_000;
          const jump =
            name === 'a-1' && ts >= t0 - 5 * MIN && ts < t0 - 4 * MIN ? 80 : name === 'a-2' && ts >= t0 - MIN ? 40 : 0;
          samples.push({ ts, name: 'queue_depth', value: 20 + jump + wiggle(i, k) });
        }
        const res = await server.app.inject({
          method: 'POST',
          url: '/v1/agent/heartbeat',
          headers: { authorization: `Bearer ${credential}` },
          payload: {
            sentAt: server.clock.now(),
            facts: sampleFacts({ hostname: name }),
            batches: [{ id: `episode-${name}`, samples }],
          },
        });
        expect(res.statusCode, res.body).toBe(200);
      }
    });
    afterAll(async () => server?.close());

    const incidents = async () => {
      const res = await server.app.inject({ method: 'GET', url: '/v1/incidents', headers: server.admin });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { items: Incident[] }).items;
    };

    it('ranks the node that moved in the latest episode first, not the one that moved before the incident resolved', async () => {
      await insertFiringAlert(server, { id: 'ep-a1', node: 'a-1', metric: 'queue_depth', startsAt: t0 - 5 * MIN });
      await server.store.db
        .update(alerts)
        .set({ state: 'resolved', endsAt: t0 - 4 * MIN })
        .where(eq(alerts.id, 'ep-a1'));
      await server.healing.incidents.runOnce();
      const [first] = await incidents();
      expect(first?.status).toBe('resolved');

      await insertFiringAlert(server, { id: 'ep-a2', node: 'a-2', metric: 'queue_depth', startsAt: t0 - 30_000 });
      await server.healing.incidents.runOnce();
      const items = await incidents();
      expect(items).toHaveLength(1); // reopened, not a new incident
      expect(items[0]).toMatchObject({ id: first?.id, status: 'open', nodes: ['a-1', 'a-2'] });
      expect(items[0]?.rootCauses.map((c) => c.component)[0]).toBe('a-2');
    });
  });
}
