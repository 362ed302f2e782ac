import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, anomalies } from '../platform/store/schema.js';
import { controllerDecisions, expectChainIntact } from '../testing/audit.js';
import { testEngines } from '../testing/engines.js';
import { startTestServer, type TestServer } from '../testing/harness.js';

function anomaly(node: string, metric: string, at: number) {
  return {
    seriesId: 1,
    metric,
    labels: { node },
    node,
    at,
    value: 99,
    score: 1,
    explanation: 'value 99 outside its learned range 10–30',
    receivedAt: at,
    storedAt: at,
  };
}

/** A real receiver on 127.0.0.1 answering 200 under /ok and 503 anywhere else; the secret part of its URLs is the path. */
async function receiver(): Promise<{ base: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = req.url?.startsWith('/ok') ? 200 : 503;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`alerting decisions in the audit chain on ${engine.name}`, () => {
    let server: TestServer;
    let hook: Awaited<ReturnType<typeof receiver>>;
    beforeAll(async () => {
      hook = await receiver();
      const webhooks = [
        { url: `${hook.base}/ok/T0000/B0000/secret-path-token`, secret: 'webhook-secret-0123456789' },
        { url: `${hook.base}/down/T0000/B0000/secret-path-token`, secret: 'webhook-secret-0123456789' },
      ];
      server = await startTestServer({
        engine,
        env: { AURORA_ALERT_RESOLVE_AFTER: '2m', AURORA_ALERT_WEBHOOKS: JSON.stringify(webhooks) },
      });
    });
    afterAll(async () => {
      await server?.close();
      await hook?.close();
    });

    it('records an alert firing once, not each anomaly joining it, and its resolving', async () => {
      const t0 = server.clock.now();
      await server.store.db
        .insert(anomalies)
        .values([anomaly('n-1', 'cpu_usage_pct', t0 - 2_000), anomaly('n-1', 'cpu_usage_pct', t0 - 1_000)]);
      await server.alerting.controller.runOnce();
      await server.store.db.insert(anomalies).values([anomaly('n-1', 'cpu_usage_pct', t0)]);
      server.clock.advance(1_000);
      await server.alerting.controller.runOnce();
      const [alert] = await server.store.db.select().from(alerts);
      expect((await controllerDecisions(server, 'alerts')).map((d) => d.decision)).toEqual(['alert.fired']);
      server.clock.advance(2 * 60_000);
      await server.alerting.controller.runOnce();
      await server.alerting.controller.runOnce();
      const decided = await controllerDecisions(server, 'alerts');
      expect(decided.map((d) => [d.decision, (d.subject as { alert: string }).alert])).toEqual([
        ['alert.fired', alert?.id],
        ['alert.resolved', alert?.id],
      ]);
      expect(decided[0]).toMatchObject({
        actor: { kind: 'controller', id: 'alerts' },
        epoch: 1,
        subject: { node: 'n-1' },
        detail: { source: 'anomaly', metric: 'cpu_usage_pct', labels: { node: 'n-1' } },
      });
      expect(decided[1]).toMatchObject({ detail: { reason: 'no anomaly for 120 s' } });
      await expectChainIntact(server);
    });

    it('records an alert of a deleted rule resolving with it', async () => {
      const now = server.clock.now();
      await server.store.db.insert(alerts).values({
        id: 'orphaned-rule-alert',
        fingerprint: 'rule:gone|cpu_usage_pct{}',
        source: 'rule:gone',
        state: 'firing',
        node: null,
        metric: 'cpu_usage_pct',
        labels: {},
        startsAt: now,
        endsAt: null,
        lastSeenAt: now,
        summary: 'a rule since deleted',
        score: 1,
        notifiedState: 'firing',
        updatedAt: now,
      });
      await server.alerting.controller.evaluateRules();
      const last = (await controllerDecisions(server, 'alerts')).at(-1);
      expect(last).toMatchObject({
        decision: 'alert.resolved',
        subject: { alert: 'orphaned-rule-alert', node: null },
        detail: { reason: 'its rule was deleted' },
      });
      await expectChainIntact(server);
    });

    it('records a webhook delivered and one given up, by origin, not each retry', async () => {
      // The two alerts above changed state: each is announced to both receivers.
      for (let pass = 0; pass < 12; pass++) {
        await server.alerting.notifier.runOnce();
        server.clock.advance(300_000);
      }
      const decided = await controllerDecisions(server, 'alert-notify');
      const delivered = decided.filter((d) => d.decision === 'notification.delivered');
      const givenUp = decided.filter((d) => d.decision === 'notification.given-up');
      expect(decided).toHaveLength(delivered.length + givenUp.length);
      expect(delivered.length).toBeGreaterThan(0);
      expect(givenUp).toHaveLength(delivered.length);
      expect(givenUp[0]).toMatchObject({
        actor: { kind: 'controller', id: 'alert-notify' },
        epoch: 1,
        detail: { receiver: hook.base, attempts: 8, status: 503, error: 'receiver answered 503' },
      });
      expect(JSON.stringify(decided)).not.toContain('secret-path-token');
      await expectChainIntact(server);
    });
  });
}
