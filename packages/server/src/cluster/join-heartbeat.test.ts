import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';

describe('joining and heartbeats', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('a node joins with a join token and turns ready on its first heartbeat', async () => {
    const { credential } = await joinNode(server, 'alpha');
    const before = await server.app.inject({ method: 'GET', url: '/v1/nodes/alpha', headers: server.admin });
    expect(before.json().state).toBe('joining');
    const now = server.clock.now();
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload: { sentAt: now, facts: sampleFacts({ labels: { role: 'db' } }), batches: [] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ acknowledged: [], serverTime: now, heartbeatIntervalMs: 5000, state: 'ready' });
    const node = (await server.app.inject({ method: 'GET', url: '/v1/nodes/alpha', headers: server.admin })).json();
    expect(node).toMatchObject({
      name: 'alpha',
      state: 'ready',
      stateReason: 'first heartbeat received',
      labels: { role: 'db' },
    });
    expect(node.lastHeartbeatAt).toBe(new Date(now).toISOString());
  });

  it('a replayed batch is acknowledged again but stored once', async () => {
    const { credential } = await joinNode(server, 'replay');
    const now = server.clock.now();
    const batch = { id: 'batch-replay-1', samples: [{ ts: now - 1_000, name: 'cpu.usage_pct', value: 42 }] };
    const send = () =>
      server.app.inject({
        method: 'POST',
        url: '/v1/agent/heartbeat',
        headers: { authorization: `Bearer ${credential}` },
        payload: { sentAt: now, facts: sampleFacts(), batches: [batch] },
      });
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    for (const r of [a, b, c]) expect(r.json().acknowledged).toEqual(['batch-replay-1']);
    const metrics = await server.app.inject({
      method: 'GET',
      url: `/v1/nodes/replay/metrics?from=${now - 60_000}&to=${now}&step=1m`,
      headers: server.admin,
    });
    const series = metrics.json().series;
    expect(series).toHaveLength(1);
    expect(series[0].points).toHaveLength(1);
    expect(series[0].points[0][1]).toBe(42);
    const count = await server.store.db.execute<{ n: number }>(
      // direct count: the range query averages, so duplicates would hide there
      (await import('drizzle-orm')).sql`select count(*)::int as n from metric_head, unnest(vals) as v where v = 42`,
    );
    expect(Number((count as unknown as { rows: { n: number }[] }).rows[0]?.n)).toBe(1);
  });

  it('a malformed heartbeat answers 400 naming the field and leaves the node state unchanged', async () => {
    const { credential } = await joinNode(server, 'malformed');
    const facts = sampleFacts() as unknown as Record<string, unknown>;
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload: { sentAt: server.clock.now(), facts: { ...facts, cpus: { count: 'four', model: 'x' } }, batches: [] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', status: 400, field: 'facts.cpus.count' });
    const node = (await server.app.inject({ method: 'GET', url: '/v1/nodes/malformed', headers: server.admin })).json();
    expect(node.state).toBe('joining');
    expect(node.lastHeartbeatAt).toBeNull();
  });

  it('an expired join token answers 401 and a used-up one too', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: server.admin,
      payload: { ttlSeconds: 60 },
    });
    const token = created.json().token;
    server.clock.advance(61_000);
    const expired = await server.app.inject({
      method: 'POST',
      url: '/v1/join',
      payload: { token, name: 'late', facts: sampleFacts() },
    });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('AURORA_TOKEN_INVALID');
    const once = await server.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: server.admin,
      payload: { uses: 1 },
    });
    const ok = await server.app.inject({
      method: 'POST',
      url: '/v1/join',
      payload: { token: once.json().token, name: 'first', facts: sampleFacts() },
    });
    expect(ok.statusCode).toBe(201);
    const again = await server.app.inject({
      method: 'POST',
      url: '/v1/join',
      payload: { token: once.json().token, name: 'second', facts: sampleFacts() },
    });
    expect(again.statusCode).toBe(401);
  });

  it('a heartbeat with an unknown credential answers 401', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: 'Bearer aurora-node.not-a-real-credential' },
      payload: { sentAt: 0, facts: sampleFacts(), batches: [] },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AURORA_TOKEN_INVALID');
  });

  it('a skewed agent clock raises ClockSkew and keeps agent timestamps, and drops raise DroppedSamples', async () => {
    const { credential } = await joinNode(server, 'skewed');
    const now = server.clock.now();
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload: {
        sentAt: now + 120_000,
        facts: sampleFacts(),
        droppedSamples: 7,
        batches: [{ id: 'batch-skew-1', samples: [{ ts: now + 119_000, name: 'mem.used_pct', value: 5 }] }],
      },
    });
    expect(res.statusCode).toBe(200);
    const node = (await server.app.inject({ method: 'GET', url: '/v1/nodes/skewed', headers: server.admin })).json();
    const byType = Object.fromEntries(node.conditions.map((c: { type: string }) => [c.type, c]));
    expect(byType.ClockSkew).toMatchObject({ status: 'true', reason: 'AgentClockOffset' });
    expect(byType.ClockSkew.message).toContain('120.0s ahead of');
    expect(byType.DroppedSamples).toMatchObject({
      status: 'true',
      message: expect.stringContaining('dropped 7 samples'),
    });
    const metrics = await server.app.inject({
      method: 'GET',
      url: `/v1/nodes/skewed/metrics?name=mem.used_pct&from=${now}&to=${now + 200_000}&step=1000`,
      headers: server.admin,
    });
    expect(metrics.json().series[0].points[0][0]).toBe(now + 119_000);
  });

  it('a second join with a taken name answers 409 and gives the token use back', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: server.admin,
      payload: { uses: 1 },
    });
    const token = created.json().token;
    const taken = await server.app.inject({
      method: 'POST',
      url: '/v1/join',
      payload: { token, name: 'alpha', facts: sampleFacts() },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'AURORA_NODE_NAME_TAKEN', field: 'name' });
    const retry = await server.app.inject({
      method: 'POST',
      url: '/v1/join',
      payload: { token, name: 'gamma', facts: sampleFacts() },
    });
    expect(retry.statusCode).toBe(201);
  });
  it('a join repeated with the same token, name and join key gets the same node a new credential; anyone else gets 409', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: server.admin,
      payload: { uses: 2, ttlSeconds: 600 },
    });
    const token = created.json().token;
    const joinKey = 'k'.repeat(43);
    const join = (payload: Record<string, unknown>) =>
      server.app.inject({ method: 'POST', url: '/v1/join', payload: { facts: sampleFacts(), ...payload } });
    const first = await join({ token, name: 'repeat', joinKey });
    expect(first.statusCode).toBe(201);
    // The first answer never reached the agent; it tries again with the same token, name and key.
    const again = await join({ token, name: 'repeat', joinKey });
    expect(again.statusCode).toBe(201);
    expect(again.json().nodeId).toBe(first.json().nodeId);
    expect(again.json().credential).not.toBe(first.json().credential);
    const beat = (credential: string) =>
      server.app.inject({
        method: 'POST',
        url: '/v1/agent/heartbeat',
        headers: { authorization: `Bearer ${credential}` },
        payload: { sentAt: server.clock.now(), facts: sampleFacts(), batches: [] },
      });
    expect((await beat(again.json().credential)).statusCode).toBe(200);
    expect((await beat(first.json().credential)).statusCode).toBe(401);
    // One node, and the repeat used no further use of the token (two uses, one taken by the first join).
    const nodes = await server.app.inject({ method: 'GET', url: '/v1/nodes?name=repeat', headers: server.admin });
    expect(nodes.json().items.filter((n: { name: string }) => n.name === 'repeat')).toHaveLength(1);
    const tokens = await server.app.inject({ method: 'GET', url: '/v1/tokens', headers: server.admin });
    expect(tokens.json().items.find((t: { id: string }) => t.id === created.json().id)?.usesRemaining).toBe(1);

    // Another claimant of the name, with a valid token but without the key (or with another key), is refused.
    const other = (
      await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: server.admin, payload: { uses: 5 } })
    ).json().token;
    for (const claim of [{}, { joinKey: 'x'.repeat(43) }, { joinKey }]) {
      const taken = await join({ token: other, name: 'repeat', ...claim });
      expect(taken.statusCode, JSON.stringify(claim)).toBe(409);
      expect(taken.json()).toMatchObject({ code: 'AURORA_NODE_NAME_TAKEN', field: 'name' });
    }
    // With the original key but a wrong key length the schema refuses it; an expired token is refused as before.
    expect((await join({ token, name: 'repeat', joinKey: 'short' })).statusCode).toBe(400);
    server.clock.advance(11 * 60_000);
    const late = await join({ token, name: 'repeat', joinKey });
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('AURORA_TOKEN_INVALID');
  });
});
