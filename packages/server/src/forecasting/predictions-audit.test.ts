import type { MetricSample } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictions } from '../platform/store/schema.js';
import { controllerDecisions, expectChainIntact } from '../testing/audit.js';
import { testEngines } from '../testing/engines.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`prediction decisions in the audit chain on ${engine.name}`, () => {
    let server: TestServer;
    let credential: string;
    let batch = 0;
    const start = Date.UTC(2026, 2, 1);

    /** Disks every 5 minutes over [from, to): /var fills 1 %/h from 46 %, /data 0.5 %/h from 60 %. */
    const disks = (from: number, to: number): MetricSample[] => {
      const out: MetricSample[] = [];
      for (let t = from; t < to; t += 5 * MIN) {
        const hours = (t - start) / HOUR;
        const wiggle = 0.3 * Math.sin(t / (5 * MIN));
        out.push(
          { ts: t, name: 'disk.used_pct', value: Math.min(100, 46 + hours + wiggle), labels: { mount: '/var' } },
          { ts: t, name: 'disk.used_pct', value: 60 + hours / 2 + wiggle, labels: { mount: '/data' } },
        );
      }
      return out;
    };
    const heartbeat = async (samples: MetricSample[]) => {
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/agent/heartbeat',
        headers: { authorization: `Bearer ${credential}` },
        payload: {
          sentAt: server.clock.now(),
          facts: sampleFacts({ hostname: 'disk-node' }),
          batches: [{ id: `batch-${String(batch++).padStart(6, '0')}`, samples }],
        },
      });
      expect(res.statusCode, res.body).toBe(200);
    };

    beforeAll(async () => {
      server = await startTestServer({ engine });
      server.clock.set(start + 48 * HOUR);
      ({ credential } = await joinNode(server, 'disk-node', sampleFacts({ hostname: 'disk-node' })));
    });
    afterAll(async () => server?.close());

    it('records predictions opened, come true and withdrawn, and nothing for refreshes that only update', async () => {
      await heartbeat(disks(start, start + 48 * HOUR));
      await server.forecasting.controller.refresh();
      server.clock.advance(MIN);
      await server.forecasting.controller.refresh();
      const opened = await server.store.db.select().from(predictions);
      const idOf = (mount: string) => opened.find((p) => p.labels.mount === mount)?.id;
      expect(opened.map((p) => p.labels.mount).sort()).toEqual(['/data', '/var']);
      expect((await controllerDecisions(server, 'predictions')).map((d) => d.decision)).toEqual([
        'prediction.opened',
        'prediction.opened',
      ]);
      // /var fills up as predicted; then the node falls silent and /data's prediction is withdrawn.
      const from = server.clock.now() - (server.clock.now() % (5 * MIN)) + 5 * MIN;
      server.clock.advance(6.75 * HOUR);
      await heartbeat(disks(from, server.clock.now()));
      await server.forecasting.controller.refresh();
      server.clock.advance(20 * MIN);
      await server.forecasting.controller.refresh();
      const decided = await controllerDecisions(server, 'predictions');
      expect(decided.map((d) => [d.decision, (d.subject as { prediction: number }).prediction]).slice(2)).toEqual([
        ['prediction.came-true', idOf('/var')],
        ['prediction.withdrawn', idOf('/data')],
      ]);
      expect(
        decided
          .slice(0, 2)
          .map((d) => (d.subject as { prediction: number }).prediction)
          .sort(),
      ).toEqual([idOf('/var'), idOf('/data')].sort());
      expect(decided[2]).toMatchObject({
        actor: { kind: 'controller', id: 'predictions' },
        epoch: 1,
        subject: { node: 'disk-node' },
        detail: { rule: 'disk', kind: 'full', reason: 'disk /var on disk-node full now' },
      });
      expect(decided[3]?.detail).toMatchObject({ reason: expect.stringMatching(/^no data since /) });
      await expectChainIntact(server);
    });
  });
}
