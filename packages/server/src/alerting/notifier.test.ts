import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalies } from '../platform/store/schema.js';
import { startTestServer, type TestServer } from '../testing/harness.js';
import { alertmanagerSkip, type ServiceProcess, startAlertmanager } from '../testing/prometheus.js';
import { signWebhook } from './notifier.js';

const SECRET = 'webhook-secret-0123456789';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that fails the first `failures` requests with a 503. */
async function receiver(failures: number): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  let left = failures;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = left-- > 0 ? 503 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/aurora`,
    got,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function anomaly(node: string, at: number) {
  return {
    seriesId: 1,
    metric: 'cpu_usage_pct',
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

describe('signed webhooks', () => {
  let server: TestServer;
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    hook = await receiver(2);
    server = await startTestServer({
      env: { AURORA_ALERT_WEBHOOKS: JSON.stringify([{ url: hook.url, secret: SECRET }]) },
    });
  });
  afterAll(async () => {
    await server?.close();
    await hook?.close();
  });

  it('are signed with HMAC-SHA256, retried with growing waits after failures, and every attempt is logged', async () => {
    await server.store.db.insert(anomalies).values([anomaly('hooked-1', server.clock.now())]);
    await server.alerting.controller.runOnce();
    await server.alerting.notifier.runOnce();
    expect(hook.got).toHaveLength(1);
    // Not due yet: the first retry waits 1 s, the second 2 s.
    await server.alerting.notifier.runOnce();
    expect(hook.got).toHaveLength(1);
    server.clock.advance(1_000);
    await server.alerting.notifier.runOnce();
    expect(hook.got).toHaveLength(2);
    server.clock.advance(1_000);
    await server.alerting.notifier.runOnce();
    expect(hook.got).toHaveLength(2);
    server.clock.advance(1_000);
    await server.alerting.notifier.runOnce();
    expect(hook.got).toHaveLength(3);
    for (const r of hook.got) {
      const ts = Number(r.headers['x-aurora-timestamp']);
      expect(r.headers['x-aurora-signature']).toBe(signWebhook(SECRET, ts, r.body));
      expect(r.headers['x-aurora-signature']).not.toBe(signWebhook('another-secret-0123456789', ts, r.body));
      const payload = JSON.parse(r.body);
      expect(payload).toMatchObject({
        version: 1,
        state: 'firing',
        alert: { node: 'hooked-1', metric: 'cpu_usage_pct' },
      });
    }
    expect(hook.got.map((r) => r.headers['x-aurora-attempt'])).toEqual(['1', '2', '3']);
    const log = await fetch(`${server.url}/v1/alert-deliveries`, { headers: server.admin });
    const items = (await log.json()).items as { attempt: number; outcome: string; status: number; receiver: string }[];
    expect(items.map((d) => [d.attempt, d.outcome, d.status])).toEqual([
      [3, 'delivered', 200],
      [2, 'failed', 503],
      [1, 'failed', 503],
    ]);
    expect(items[0]?.receiver).toBe(hook.url);
    // Delivered once: later passes send nothing more for the same state.
    server.clock.advance(60_000);
    await server.alerting.notifier.runOnce();
    expect(hook.got).toHaveLength(3);
  });
});

const amSkip = alertmanagerSkip();
if (amSkip) console.warn(`aurora tests: ${amSkip}`);

describe.skipIf(amSkip !== undefined)("Debian's Alertmanager", () => {
  let am: ServiceProcess;
  let server: TestServer;
  beforeAll(async () => {
    am = await startAlertmanager(
      `route:\n  receiver: blackhole\n  group_by: [node]\nreceivers:\n  - name: blackhole\n`,
    );
    server = await startTestServer({ env: { AURORA_ALERTMANAGER_URLS: am.url, AURORA_ALERT_RESOLVE_AFTER: '1m' } });
    // Alertmanager keeps time by the wall clock, so this test's alerts start now.
    server.clock.set(Date.now());
  });
  afterAll(async () => {
    await server?.close();
    await am?.stop();
  });

  async function amAlerts(): Promise<
    { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string } }[]
  > {
    const res = await fetch(`${am.url}/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`);
    expect(res.status).toBe(200);
    return res.json();
  }

  it('receives firing alerts through API v2 with node and metric labels, and their resolution', async () => {
    await server.store.db.insert(anomalies).values([anomaly('am-node-1', server.clock.now())]);
    await server.alerting.controller.runOnce();
    await server.alerting.notifier.runOnce();
    const firing = await amAlerts();
    expect(firing).toHaveLength(1);
    expect(firing[0]?.labels).toMatchObject({ alertname: 'AuroraAnomaly', node: 'am-node-1', metric: 'cpu_usage_pct' });
    expect(firing[0]?.annotations.summary).toBe('cpu_usage_pct on am-node-1: value 99 outside its learned range 10–30');
    const [alert] = (await (await fetch(`${server.url}/v1/alerts`, { headers: server.admin })).json()).items;
    server.clock.set(Date.now());
    const resolved = await fetch(`${server.url}/v1/alerts/${alert.id}/resolve`, {
      method: 'POST',
      headers: server.admin,
    });
    expect(resolved.status).toBe(204);
    await server.alerting.notifier.runOnce();
    // A resolved alert carries an end in the past; Alertmanager then no longer lists it as active.
    expect(await amAlerts()).toEqual([]);
  });
});
