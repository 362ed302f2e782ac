import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';

describe('request bodies are taken as sent', () => {
  let server: TestServer;
  let credential: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ credential } = await joinNode(server, 'strict-1'));
  });
  afterAll(async () => server?.close());

  const heartbeat = (payload: unknown) =>
    server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });

  it('a metric value of null, false, [7] or "12" answers 400 naming the field, and nothing is stored', async () => {
    const t = server.clock.now();
    for (const [i, value] of [null, false, [7], '12', true, {}].entries()) {
      const res = await heartbeat({
        sentAt: t,
        facts: sampleFacts(),
        batches: [{ id: `coerce-batch-${i}`, samples: [{ ts: t, name: 'strict.value', value }] }],
      });
      expect(res.statusCode, JSON.stringify(value)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: 'batches.0.samples.0.value' });
      expect(res.json().detail).toContain('must be number');
    }
    const stored = await server.app.inject({
      method: 'GET',
      url: '/v1/query_range?match=strict_value&from=-1h',
      headers: server.admin,
    });
    expect(stored.json().series).toEqual([]);
  });

  it('POST /v1/tokens with uses true or [5] answers 400 naming uses, and creates no token', async () => {
    for (const uses of [true, [5], '5', null]) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: { ...server.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ uses }),
      });
      expect(res.statusCode, JSON.stringify(uses)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: 'uses' });
    }
    const tokens = await server.app.inject({ method: 'GET', url: '/v1/tokens', headers: server.admin });
    // joinNode used up its token; none of the refused requests created one.
    expect(tokens.json().items).toEqual([]);
  });

  it('query strings still parse numbers', async () => {
    const res = await server.app.inject({
      method: 'GET',
      url: '/v1/nodes/strict-1/transitions?limit=5',
      headers: server.admin,
    });
    expect(res.statusCode).toBe(200);
    const bad = await server.app.inject({
      method: 'GET',
      url: '/v1/nodes/strict-1/transitions?limit=five',
      headers: server.admin,
    });
    expect(bad.json()).toMatchObject({ status: 400, field: 'querystring.limit' });
  });

  it('unknown fields are ignored, never stored, and named in Warning headers', async () => {
    const token = (
      await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: server.admin, payload: {} })
    ).json().token;
    const join = await server.app.inject({
      method: 'POST',
      url: '/v1/join',
      payload: { token, name: 'strict-2', nodeId: 'chosen', facts: { ...sampleFacts(), isAdmin: true } },
    });
    expect(join.statusCode).toBe(201);
    expect(join.json().nodeId).not.toBe('chosen');
    expect(join.headers.warning).toEqual([
      '299 - "unknown field \\"nodeId\\""',
      '299 - "unknown field \\"facts.isAdmin\\""',
    ]);
    const node = await server.app.inject({ method: 'GET', url: '/v1/nodes/strict-2', headers: server.admin });
    expect(node.json().facts).not.toHaveProperty('isAdmin');
    expect(node.json().facts.labels).toEqual({ role: 'web' });
    const t = server.clock.now();
    const beat = await heartbeat({
      sentAt: t,
      future: { x: 1 },
      facts: sampleFacts(),
      batches: [{ id: 'unknown-batch-1', samples: [{ ts: t, name: 'strict.ok', value: 1, unit: '%' }] }],
    });
    expect(beat.statusCode).toBe(200);
    expect(beat.headers.warning).toEqual([
      '299 - "unknown field \\"future\\""',
      '299 - "unknown field \\"batches.0.samples.0.unit\\""',
    ]);
    // A known body without extras carries no warning.
    expect((await heartbeat({ sentAt: t, facts: sampleFacts(), batches: [] })).headers.warning).toBeUndefined();
  });

  it('a 5,000-character path segment answers 414 problem+json without echoing the path', async () => {
    const segment = 'a'.repeat(5000);
    for (const [method, url] of [
      ['GET', `/v1/nodes/${segment}`],
      ['DELETE', `/v1/tokens/${segment}`],
    ] as const) {
      const res = await server.app.inject({ method, url, headers: server.admin });
      expect(res.statusCode).toBe(414);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'AURORA_URI_TOO_LONG', field: 'url' });
      expect(res.body.length).toBeLessThan(1000);
    }
    const unrouted = await server.app.inject({ method: 'GET', url: `/v1/${segment}`, headers: server.admin });
    expect(unrouted.statusCode).toBe(404);
    expect(unrouted.body.length).toBeLessThan(1000);
  });
});
