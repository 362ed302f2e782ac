import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalies } from '../platform/store/schema.js';
import { controllerDecisions } from '../testing/audit.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';
import { beat, random } from '../testing/live-load.js';

async function api(server: TestServer, method: string, url: string, body?: unknown) {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...server.admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

function anomaly(node: string, metric: string, at: number, score = 1) {
  return {
    seriesId: 1,
    metric,
    labels: { node },
    node,
    at,
    value: 99,
    score,
    explanation: `value 99 outside its learned range 10–30`,
    receivedAt: at,
    storedAt: at,
  };
}

describe('alerts', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { AURORA_ALERT_RESOLVE_AFTER: '2m' } });
  });
  afterAll(async () => server?.close());

  it('anomalies of one series on one node are one alert, resolved once the series is quiet', async () => {
    const t0 = server.clock.now();
    await server.store.db
      .insert(anomalies)
      .values([
        anomaly('a-1', 'cpu_usage_pct', t0 - 3_000, 0.95),
        anomaly('a-1', 'cpu_usage_pct', t0 - 2_000),
        anomaly('a-2', 'cpu_usage_pct', t0 - 1_000),
      ]);
    await server.alerting.controller.runOnce();
    await server.store.db.insert(anomalies).values([anomaly('a-1', 'cpu_usage_pct', t0)]);
    server.clock.advance(1_000);
    await server.alerting.controller.runOnce();
    const { json } = await api(server, 'GET', '/v1/alerts?state=firing');
    const items = json.items as { node: string; metric: string; score: number; startsAt: string; summary: string }[];
    expect(items.map((a) => a.node).sort()).toEqual(['a-1', 'a-2']);
    const a1 = items.find((a) => a.node === 'a-1');
    expect(a1).toMatchObject({ metric: 'cpu_usage_pct', score: 1, startsAt: new Date(t0 - 3_000).toISOString() });
    expect(a1?.summary).toBe('cpu_usage_pct on a-1: value 99 outside its learned range 10–30');
    server.clock.advance(2 * 60_000);
    await server.alerting.controller.runOnce();
    const after = await api(server, 'GET', '/v1/alerts?node=a-1');
    expect(after.json.items).toHaveLength(1);
    expect(after.json.items[0]).toMatchObject({
      state: 'resolved',
      endsAt: new Date(server.clock.now()).toISOString(),
    });
    // A new anomaly after resolution opens a new alert rather than reviving the old one.
    await server.store.db.insert(anomalies).values([anomaly('a-1', 'cpu_usage_pct', server.clock.now())]);
    await server.alerting.controller.runOnce();
    expect((await api(server, 'GET', '/v1/alerts?node=a-1')).json.items.map((a: { state: string }) => a.state)).toEqual(
      ['firing', 'resolved'],
    );
  });

  it('a threshold rule fires once its condition held for its duration, and resolves when it stops', async () => {
    const { credential } = await joinNode(server, 'rule-node');
    const created = await api(server, 'POST', '/v1/alert-rules', {
      name: 'memory-high',
      selector: 'memory_used_pct{node="rule-node"}',
      op: '>',
      value: 40,
      for: '30s',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'memory-high', forMs: 30_000 });
    const rnd = random(2);
    for (let s = 0; s < 45; s++) {
      await beat(server, credential, 10_000 + s, 20, rnd);
      server.clock.advance(1_000);
    }
    await server.alerting.controller.evaluateRules();
    const firing = (await api(server, 'GET', '/v1/alerts?node=rule-node')).json.items;
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ state: 'firing', metric: 'memory_used_pct', source: `rule:${created.json.id}` });
    expect(firing[0].summary).toMatch(/^memory-high: memory_used_pct on rule-node > 40 for 30 s/);
    await server.alerting.controller.evaluateRules();
    expect((await api(server, 'GET', '/v1/alerts?node=rule-node')).json.items).toHaveLength(1);
    const deleted = await api(server, 'DELETE', `/v1/alert-rules/${created.json.id}`);
    expect(deleted.status).toBe(204);
    await server.alerting.controller.evaluateRules();
    expect((await api(server, 'GET', '/v1/alerts?node=rule-node')).json.items[0].state).toBe('resolved');
    // Both are the controller's decisions, in the audit chain with the alert they concern.
    const decided = (await controllerDecisions(server, 'alerts')).filter(
      (d) => (d.subject as { alert: string }).alert === firing[0].id,
    );
    expect(decided.map((d) => [d.decision, (d.detail as { reason: string }).reason])).toEqual([
      ['alert.fired', 'rule memory-high: > 40 for 30 s'],
      ['alert.resolved', 'its rule was deleted'],
    ]);
  });

  it('a short rule stays firing while readings arrive a heartbeat late, and resolves once they stop', async () => {
    const { credential } = await joinNode(server, 'late-node');
    const created = await api(server, 'POST', '/v1/alert-rules', {
      name: 'late-cpu',
      selector: 'cpu_usage_pct{node="late-node"}',
      op: '>=',
      value: 0,
      for: '10s',
    });
    expect(created.status).toBe(201);
    const source = `rule:${created.json.id}`;
    // The agent reads every second and sends five readings per heartbeat (the default 5 s interval).
    let seq = 0;
    const heartbeat = async (readings: number[]) => {
      const res = await fetch(`${server.url}/v1/agent/heartbeat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          sentAt: server.clock.now(),
          facts: sampleFacts(),
          batches: [
            {
              id: `late-batch-${seq++}`,
              samples: readings.map((ts) => ({ ts, name: 'cpu.usage_pct', value: 50 })),
            },
          ],
        }),
      });
      expect(res.status, await res.text()).toBe(200);
    };
    const states = async () =>
      ((await api(server, 'GET', '/v1/alerts?node=late-node')).json.items as { source: string; state: string }[])
        .filter((a) => a.source === source)
        .map((a) => a.state);
    const start = server.clock.now();
    for (let send = 1; send <= 8; send++) {
      const sentAt = start + send * 5_000;
      server.clock.set(sentAt);
      await heartbeat([4, 3, 2, 1, 0].map((back) => sentAt - back * 1_000));
      // Evaluated just before the next heartbeat, when the newest reading is almost 5 s old.
      server.clock.set(sentAt + 4_900);
      await server.alerting.controller.evaluateRules();
    }
    expect(await states()).toEqual(['firing']);
    // The agent falls silent: the alert holds while its readings could still be in flight, then resolves.
    const lastSent = start + 8 * 5_000;
    server.clock.set(lastSent + 9_000);
    await server.alerting.controller.evaluateRules();
    expect(await states()).toEqual(['firing']);
    server.clock.set(lastSent + 11_000);
    await server.alerting.controller.evaluateRules();
    expect(await states()).toEqual(['resolved']);
  });

  it('rules and silences with bad fields are refused naming the field', async () => {
    const rule = { name: 'r', selector: 'cpu_usage_pct', op: '>', value: 90, for: '5m' };
    const cases: [string, unknown, string][] = [
      ['/v1/alert-rules', { ...rule, selector: 'cpu{' }, 'selector'],
      ['/v1/alert-rules', { ...rule, for: '5 parsecs' }, 'for'],
      ['/v1/alert-rules', { ...rule, for: '1s' }, 'for'],
      ['/v1/alert-rules', { ...rule, op: '!=' }, 'op'],
      ['/v1/alert-rules', { ...rule, value: '90' }, 'value'],
      ['/v1/alert-rules', { ...rule, name: 'has space' }, 'name'],
      ['/v1/silences', { matchers: {}, duration: '1h', comment: 'x' }, 'matchers'],
      ['/v1/silences', { matchers: { 'bad-name': 'x' }, duration: '1h', comment: 'x' }, 'matchers.bad-name'],
      ['/v1/silences', { matchers: { node: 'x' }, comment: 'x' }, 'endsAt'],
      ['/v1/silences', { matchers: { node: 'x' }, endsAt: '2000-01-01T00:00:00Z', comment: 'x' }, 'endsAt'],
      ['/v1/silences', { matchers: { node: 'x' }, duration: 'soon', comment: 'x' }, 'duration'],
      ['/v1/silences', { matchers: { node: 'x' }, duration: '90d', comment: 'x' }, 'duration'],
      ['/v1/silences', { matchers: { node: 'x' }, duration: '1h' }, 'comment'],
    ];
    for (const [url, body, field] of cases) {
      const res = await api(server, 'POST', url, body);
      expect({ url, body, status: res.status, field: res.json.field }).toEqual({ url, body, status: 400, field });
    }
    expect((await api(server, 'POST', '/v1/alert-rules', { ...rule, name: 'twice' })).status).toBe(201);
    const again = await api(server, 'POST', '/v1/alert-rules', { ...rule, name: 'twice' });
    expect(again).toMatchObject({ status: 409, json: { code: 'AURORA_ALERT_RULE_NAME_TAKEN', field: 'name' } });
  });

  it('a silence mutes matching alerts until it expires', async () => {
    await server.store.db.insert(anomalies).values([anomaly('quiet-1', 'disk_used_pct', server.clock.now())]);
    await server.alerting.controller.runOnce();
    const created = await api(server, 'POST', '/v1/silences', {
      matchers: { node: 'quiet-1', metric: 'disk_used_pct' },
      duration: '10m',
      comment: 'disk swap in progress',
    });
    expect(created.status).toBe(201);
    expect(created.json.state).toBe('active');
    expect((await api(server, 'GET', '/v1/alerts?node=quiet-1')).json.items[0].silenced).toBe(true);
    server.clock.advance(10 * 60_000);
    expect((await api(server, 'GET', '/v1/alerts?node=quiet-1')).json.items[0].silenced).toBe(false);
    const listed = (await api(server, 'GET', '/v1/silences')).json.items;
    expect(listed.find((s: { id: string }) => s.id === created.json.id).state).toBe('expired');
  });
});
