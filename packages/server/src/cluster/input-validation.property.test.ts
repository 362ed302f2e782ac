import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';

/** Arbitrary JSON, biased towards near-valid shapes so validation is exercised deeply. */
const json = fc.jsonValue({ maxDepth: 4 });
const nearFacts = fc.record(
  {
    hostname: fc.oneof(fc.string(), json),
    os: fc.oneof(json, fc.constant(sampleFacts().os)),
    arch: fc.oneof(fc.string(), json),
    cpus: fc.oneof(json, fc.record({ count: fc.oneof(fc.integer(), json), model: fc.string() })),
    memoryBytes: fc.oneof(fc.double(), json),
    disks: fc.oneof(json, fc.array(json, { maxLength: 3 })),
    addresses: fc.oneof(json, fc.array(fc.string(), { maxLength: 3 })),
    labels: fc.oneof(json, fc.dictionary(fc.string(), fc.string())),
    agentVersion: fc.oneof(fc.string(), json),
  },
  { requiredKeys: [] },
);
const heartbeatBody = fc.oneof(
  json,
  fc.record(
    {
      sentAt: fc.oneof(fc.double(), json),
      facts: fc.oneof(nearFacts, fc.constant(sampleFacts())),
      batches: fc.oneof(
        json,
        fc.array(
          fc.record({
            id: fc.oneof(fc.string(), json),
            samples: fc.oneof(
              json,
              fc.array(
                fc.record({ ts: fc.oneof(fc.double(), json), name: fc.string(), value: fc.oneof(fc.double(), json) }),
                { maxLength: 3 },
              ),
            ),
          }),
          { maxLength: 2 },
        ),
      ),
      droppedSamples: fc.oneof(fc.integer(), json),
    },
    { requiredKeys: [] },
  ),
);

describe('input validation of public routes', () => {
  let server: TestServer;
  let credential: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ credential } = await joinNode(server, 'fuzz-1'));
  });
  afterAll(async () => server?.close());

  it('random heartbeat bodies never cause a 5xx, and every rejection is a problem document naming a code', async () => {
    await fc.assert(
      fc.asyncProperty(heartbeatBody, async (body) => {
        const res = await server.app.inject({
          method: 'POST',
          url: '/v1/agent/heartbeat',
          headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json().code).toMatch(/^AURORA_/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('random join, token and query inputs never cause a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(json, fc.string(), fc.string(), async (body, from, label) => {
        const join = await server.app.inject({
          method: 'POST',
          url: '/v1/join',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(join.statusCode).toBeLessThan(500);
        const token = await server.app.inject({
          method: 'POST',
          url: '/v1/tokens',
          headers: { ...server.admin, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(token.statusCode).toBeLessThan(500);
        const metrics = await server.app.inject({
          method: 'GET',
          url: `/v1/nodes/fuzz-1/metrics?from=${encodeURIComponent(from)}&step=${encodeURIComponent(from)}`,
          headers: server.admin,
        });
        expect(metrics.statusCode).toBeLessThan(500);
        const list = await server.app.inject({
          method: 'GET',
          url: `/v1/nodes?label=${encodeURIComponent(label)}`,
          headers: server.admin,
        });
        expect(list.statusCode).toBeLessThan(500);
      }),
      { numRuns: 80 },
    );
  });

  it('Infinity or -Infinity in a query string is refused naming the parameter, not passed to the store', async () => {
    for (const query of ['limit=Infinity', 'before=Infinity', 'before=-Infinity', 'limit=1&before=Infinity']) {
      const res = await server.app.inject({
        method: 'GET',
        url: `/v1/nodes/fuzz-1/transitions?${query}`,
        headers: server.admin,
      });
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail, query).toMatch(/limit|before/);
    }
  });

  it('random history paging parameters never cause a 5xx, and a page never exceeds its limit', async () => {
    const param = fc.oneof(
      fc.string(),
      fc.integer({ min: 1, max: 1_000 }).map(String),
      fc.integer().map(String),
      fc.double().map(String),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    );
    await fc.assert(
      fc.asyncProperty(param, param, fc.constantFrom('fuzz-1', 'no-such-node'), async (limit, before, name) => {
        const res = await server.app.inject({
          method: 'GET',
          url: `/v1/nodes/${name}/transitions?limit=${encodeURIComponent(limit)}&before=${encodeURIComponent(before)}`,
          headers: server.admin,
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json().code).toMatch(/^AURORA_/);
        } else {
          expect(res.json().items.length).toBeLessThanOrEqual(Number(limit));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('garbage that is not JSON answers 400, not 500', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      payload: '{"sentAt": 1,',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('AURORA_VALIDATION_FAILED');
  });
});

describe('values the store cannot hold', () => {
  it('a sample time no clock can produce, or a NUL character, answers 400 naming the field', async () => {
    const server = await startTestServer();
    try {
      const { credential } = await joinNode(server, 'far-future');
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/agent/heartbeat',
        headers: { authorization: `Bearer ${credential}` },
        payload: {
          sentAt: server.clock.now(),
          facts: sampleFacts(),
          batches: [{ id: 'batch-far-1', samples: [{ ts: 1e300, name: 'cpu.usage_pct', value: 1 }] }],
        },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe('batches.0.samples.0.ts');
      const nul = await server.app.inject({
        method: 'POST',
        url: '/v1/agent/heartbeat',
        headers: { authorization: `Bearer ${credential}` },
        payload: { sentAt: server.clock.now(), facts: sampleFacts({ labels: { role: 'a\u0000b' } }), batches: [] },
      });
      expect(nul.statusCode).toBe(400);
      expect(nul.json().field).toBe('facts.labels.role');
      const list = await server.app.inject({ method: 'GET', url: '/v1/nodes?label=a%00=b', headers: server.admin });
      expect(list.statusCode).toBe(400);
      const get = await server.app.inject({ method: 'GET', url: '/v1/nodes/a%00b', headers: server.admin });
      expect(get.json()).toMatchObject({ status: 400, field: 'url' });
      const token = await server.app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: server.admin,
        payload: { description: '\u0000' },
      });
      expect(token.statusCode).toBe(400);
    } finally {
      await server.close();
    }
  });
});
