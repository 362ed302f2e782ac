import type { Incident, IncidentDetail } from '@aurora/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '../../platform/store/schema.js';
import { testEngines } from '../../testing/engines.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertFiringAlert } from '../../testing/healing-fixture.js';

const MIN = 60_000;

// Deterministic wiggle, so normal is not a flat line.
const wiggle = (i: number, k: number) => 3 * Math.sin(i * 1.7 + k) * Math.cos(i * 0.31 + k);

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`incidents on ${engine.name}`, () => {
    let server: TestServer;
    const credentials = new Map<string, string>();
    let t0 = 0;
    let batch = 0;

    beforeAll(async () => {
      server = await startTestServer({ engine });
      t0 = server.clock.now();
      for (const name of ['web-1', 'web-2', 'db-1']) {
        credentials.set(name, (await joinNode(server, name, sampleFacts({ hostname: name }))).credential);
      }
      const put = await server.app.inject({
        method: 'PUT',
        url: '/v1/services/shop',
        headers: server.admin,
        payload: {
          backends: [
            { node: 'web-1', port: 8080 },
            { node: 'web-2', port: 8080 },
          ],
        },
      });
      expect(put.statusCode, put.body).toBe(200);
      // 40 minutes of CPU every 10 s on three nodes; web-2's CPU jumps at t0 - 2 min, the others stay normal.
      for (const [k, name] of ['web-1', 'web-2', 'db-1'].entries()) {
        const samples = [];
        for (let i = 0; i < 240; i++) {
          const ts = t0 - 38 * MIN + i * 10_000;
          const faulty = name === 'web-2' && ts >= t0 - 2 * MIN;
          samples.push({ ts, name: 'cpu_usage_pct', value: (faulty ? 95 : 40) + wiggle(i, k) });
        }
        const res = await server.app.inject({
          method: 'POST',
          url: '/v1/agent/heartbeat',
          headers: { authorization: `Bearer ${credentials.get(name)}` },
          payload: {
            sentAt: server.clock.now(),
            facts: sampleFacts({ hostname: name }),
            batches: [{ id: `batch-${String(batch++).padStart(6, '0')}`, samples }],
          },
        });
        expect(res.statusCode, res.body).toBe(200);
      }
    });
    afterAll(async () => server?.close());

    /** A firing alert as the alert controller writes it. */
    const fire = async (id: string, node: string, startsAt: number, metric = 'cpu_usage_pct') => {
      await insertFiringAlert(server, { id, node, metric, startsAt, summary: `${metric} on ${node}` });
    };
    const resolve = (id: string, at: number) =>
      server.store.db.update(alerts).set({ state: 'resolved', endsAt: at }).where(eq(alerts.id, id));
    const get = async <T>(url: string) => {
      const res = await server.app.inject({ method: 'GET', url, headers: server.admin });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as T;
    };

    it('alerts on nodes of one service that overlap in time are one incident, ranked with evidence', async () => {
      await fire('a-web2-cpu', 'web-2', t0 - MIN);
      await fire('a-web1-latency', 'web-1', t0 - 30_000, 'http_latency_ms');
      await fire('a-db1', 'db-1', t0 - 30_000);
      await server.healing.incidents.runOnce();
      const { items } = await get<{ items: Incident[] }>('/v1/incidents?status=open');
      expect(items).toHaveLength(2);
      const shop = items.find((i) => i.nodes.includes('web-2'));
      const db = items.find((i) => i.nodes.includes('db-1'));
      expect(shop).toMatchObject({ nodes: ['web-1', 'web-2'], services: ['shop'], alertCount: 2, status: 'open' });
      expect(db).toMatchObject({ nodes: ['db-1'], services: [], alertCount: 1 });
      const detail = await get<IncidentDetail>(`/v1/incidents/${shop?.id}`);
      expect(detail.alerts.map((a) => a.id)).toEqual(['a-web2-cpu', 'a-web1-latency']);
      const [first, second] = detail.rootCauses;
      expect(first?.component).toBe('web-2');
      expect(first?.evidence[0]).toMatchObject({ metric: 'cpu_usage_pct', direction: 'up' });
      expect(first?.evidence[0]?.peakValue).toBeGreaterThan(90);
      expect(Date.parse(first?.onsetAt ?? '')).toBe(t0 - 2 * MIN);
      expect(second?.component).toBe('web-1');
      expect(second!.score).toBeLessThan(first!.score);
    });

    it('an incident resolves with its last alert; an alert long after opens a new one', async () => {
      server.clock.advance(MIN);
      for (const id of ['a-web2-cpu', 'a-web1-latency']) await resolve(id, server.clock.now());
      await server.healing.incidents.runOnce();
      const resolved = await get<{ items: Incident[] }>('/v1/incidents?status=resolved');
      expect(resolved.items.map((i) => i.nodes)).toEqual([['web-1', 'web-2']]);
      expect(resolved.items[0]?.resolvedAt).toBe(new Date(server.clock.now()).toISOString());

      server.clock.advance(2 * 60 * MIN);
      await fire('a-web1-later', 'web-1', server.clock.now());
      await server.healing.incidents.runOnce();
      const all = await get<{ items: Incident[] }>('/v1/incidents');
      expect(all.items).toHaveLength(3);
      expect(all.items[0]).toMatchObject({ nodes: ['web-1'], services: ['shop'], alertCount: 1, status: 'open' });
    });

    it('an unknown incident is a 404 naming the list route', async () => {
      const res = await server.app.inject({ method: 'GET', url: '/v1/incidents/nope', headers: server.admin });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'AURORA_INCIDENT_NOT_FOUND' });
    });
  });
}
