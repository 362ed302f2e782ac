import { afterEach, describe, expect, it } from 'vitest';
import { testEngines } from '../testing/engines.js';
import { joinNode, startTestServer, type TestServer } from '../testing/harness.js';
import { beat, random } from '../testing/live-load.js';

interface AnomalyItem {
  metric: string;
  node: string | null;
  at: string;
  score: number;
  explanation: string;
}

interface AlertItem {
  id: string;
  state: string;
  node: string;
  metric: string;
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string | null;
  summary: string;
  score: number;
}

async function alertsOf(server: TestServer, node: string): Promise<AlertItem[]> {
  const res = await fetch(`${server.url}/v1/alerts?node=${node}`, { headers: server.admin });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: AlertItem[] }).items;
}

async function anomaliesOf(server: TestServer, node: string): Promise<AnomalyItem[]> {
  const res = await fetch(`${server.url}/v1/anomalies?node=${node}`, { headers: server.admin });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: AnomalyItem[] }).items;
}

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`live detection on ${engine.name}`, () => {
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('after 4 minutes of normal load at 1 s heartbeats, a pinned CPU raises an alert naming the node and its CPU within 60 s', async () => {
      server = await startTestServer({
        engine,
        env: { AURORA_HEARTBEAT_INTERVAL_MS: '1s', AURORA_ALERT_RESOLVE_AFTER: '1m' },
      });
      const { credential } = await joinNode(server, 'web-1');
      const rnd = random(11);
      let seq = 0;
      // Four minutes of ordinary load: CPU wanders between 10 and 30 % with the odd burst.
      for (let s = 0; s < 240; s++) {
        await beat(server, credential, seq++, 12 + rnd() * 12 + (rnd() < 0.05 ? 8 : 0), rnd);
        server.clock.advance(1_000);
        if (s % 5 === 4) await server.detection.controller.runOnce();
      }
      await server.detection.controller.runOnce();
      expect(await anomaliesOf(server, 'web-1')).toEqual([]);
      const pinnedAt = server.clock.now();
      let alert: AlertItem | undefined;
      for (let s = 0; s < 60 && !alert; s++) {
        await beat(server, credential, seq++, 99 + rnd(), rnd);
        server.clock.advance(1_000);
        await server.detection.controller.runOnce();
        await server.alerting.controller.runOnce();
        alert = (await alertsOf(server, 'web-1')).find((a) => a.metric === 'cpu_usage_pct' && a.state === 'firing');
      }
      expect(alert, 'no alert on cpu_usage_pct within 60 s of pinning it').toBeDefined();
      expect(Date.parse((alert as AlertItem).startsAt) - pinnedAt).toBeLessThan(60_000);
      expect(alert).toMatchObject({ node: 'web-1', labels: { node: 'web-1' }, endsAt: null });
      expect((alert as AlertItem).summary).toMatch(/^cpu_usage_pct on web-1: /);
      const found = (await anomaliesOf(server, 'web-1')).find((a) => a.metric === 'cpu_usage_pct');
      const hit = found as AnomalyItem;
      expect(hit.node).toBe('web-1');
      expect(Date.parse(hit.at) - pinnedAt).toBeLessThan(60_000);
      expect(hit.score).toBeGreaterThanOrEqual(0.9);
      expect(hit.explanation).toMatch(/99/);
      // Back to normal: once no anomaly came for alertResolveAfterMs (1 min here) the alert resolves.
      let resolved: AlertItem | undefined;
      for (let s = 0; s < 240 && !resolved; s++) {
        await beat(server, credential, seq++, 12 + rnd() * 12, rnd);
        server.clock.advance(1_000);
        if (s % 5 === 4) {
          await server.detection.controller.runOnce();
          await server.alerting.controller.runOnce();
          resolved = (await alertsOf(server, 'web-1')).find((a) => a.id === alert?.id && a.state === 'resolved');
        }
      }
      expect(resolved, 'the CPU alert did not resolve within 4 minutes of normal load').toBeDefined();
      // Some 600 heartbeats over real HTTP: on the embedded store under a loaded machine this takes minutes.
    }, 300_000);
  });
}
