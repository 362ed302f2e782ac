import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';

describe('GET /v1/query_range', () => {
  let server: TestServer;
  let t0: number;
  beforeAll(async () => {
    server = await startTestServer();
    const { credential } = await joinNode(server, 'q1');
    t0 = server.clock.now();
    const samples = [];
    for (let i = 0; i < 60; i++) {
      samples.push({ ts: t0 - 600_000 + i * 10_000, name: 'cpu.usage_pct', value: i });
      samples.push({
        ts: t0 - 600_000 + i * 10_000,
        name: 'disk.used_pct',
        value: 50,
        labels: { mount: i % 2 ? '/' : '/var' },
      });
    }
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload: { sentAt: t0, facts: sampleFacts(), batches: [{ id: 'batch-query-1', samples }] },
    });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => server?.close());

  const get = (params: Record<string, string>) =>
    server.app.inject({
      method: 'GET',
      url: `/v1/query_range?${new URLSearchParams(params).toString()}`,
      headers: server.admin,
    });

  it('serves agent series under Prometheus names with the node label, bucketed by step', async () => {
    const res = await get({ match: 'disk_used_pct{node="q1",mount!="/var"}', from: '-10m', step: '1m', agg: 'count' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.tier).toBe('1m');
    expect(body.series.map((s: { labels: object }) => s.labels)).toEqual([{ mount: '/', node: 'q1' }]);
    expect(body.series[0].points.reduce((n: number, p: [number, number]) => n + p[1], 0)).toBe(30);
    const cpu = (
      await get({ match: 'cpu_usage_pct', from: String(t0 - 600_000), to: String(t0), step: '100000', agg: 'max' })
    ).json();
    expect(cpu.tier).toBe('raw');
    expect(cpu.series[0].points[0]).toEqual([Math.floor((t0 - 600_000) / 100_000) * 100_000, expect.any(Number)]);
  });

  it('names the parameter at fault', async () => {
    for (const [params, field] of [
      [{ match: 'cpu{' }, 'match'],
      [{ match: '{a=~".*"}' }, 'match'],
      [{ match: 'cpu', step: '0' }, 'step'],
      [{ match: 'cpu', from: '-1d', step: '1ms' }, 'step'],
      [{ match: 'cpu', from: 'yesterday' }, 'from'],
    ] as const) {
      const res = await get(params);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field });
    }
    expect((await get({ match: 'cpu', agg: 'median' })).statusCode).toBe(400);
    expect((await server.app.inject({ method: 'GET', url: '/v1/query_range?match=cpu' })).statusCode).toBe(401);
  });

  it('answers any parameters with 200 or a 400 problem, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            match: fc.oneof(
              fc.string({ maxLength: 40 }),
              fc.constantFrom('cpu_usage_pct', '{node="q1"}', 'x{a=~"b|c"}'),
            ),
            from: fc.oneof(
              fc.string({ maxLength: 12 }),
              fc.integer({ min: 0, max: 4e12 }).map(String),
              fc.constant('-1h'),
            ),
            to: fc.oneof(fc.constant('now'), fc.integer({ min: 0, max: 4e12 }).map(String)),
            step: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('1s', '1m', '1h', '90s', '250')),
            agg: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('avg', 'min', 'max', 'sum', 'count', 'last')),
          },
          { requiredKeys: ['match'] },
        ),
        async (params) => {
          const res = await get(params as Record<string, string>);
          expect([200, 400]).toContain(res.statusCode);
          if (res.statusCode === 400) expect(res.json().code).toMatch(/^AURORA_/);
          else expect(Array.isArray(res.json().series)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
