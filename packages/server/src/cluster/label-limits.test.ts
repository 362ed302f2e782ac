import { LABEL_LIMITS } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';

const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, 'v']));

describe('label limits on every way in', () => {
  let server: TestServer;
  let credential: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ credential } = await joinNode(server, 'labels-1'));
  });
  afterAll(async () => server?.close());

  const join = async (name: string, labels: Record<string, string>) => {
    const token = (
      await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: server.admin, payload: {} })
    ).json().token;
    return server.app.inject({
      method: 'POST',
      url: '/v1/join',
      payload: { token, name, facts: sampleFacts({ labels }) },
    });
  };
  const heartbeat = (payload: object) =>
    server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload,
    });

  it('a join with a 1 MB label name, a too-long value or too many labels answers 400 naming the limit', async () => {
    const cases = [
      [{ ['k'.repeat(1024 * 1024)]: 'v' }, 'facts.labels', /maxNameLength=128/],
      [{ role: 'v'.repeat(2049) }, 'facts.labels.role', /maxValueLength=2048/],
      [many(20_000), 'facts.labels', /maxLabels=64/],
    ] as const;
    for (const [labels, field, detail] of cases) {
      const res = await join('too-big', labels);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'AURORA_LABEL_LIMIT', field });
      expect(res.json().detail).toMatch(detail);
    }
    const nodes = await server.app.inject({ method: 'GET', url: '/v1/nodes', headers: server.admin });
    expect(nodes.json().items.map((n: { name: string }) => n.name)).toEqual(['labels-1']);
  });

  it('a label set at every limit is accepted', async () => {
    const labels = many(LABEL_LIMITS.maxLabels - 1);
    labels['n'.repeat(LABEL_LIMITS.maxNameLength)] = 'v'.repeat(LABEL_LIMITS.maxValueLength);
    const res = await join('at-limit', labels);
    expect(res.statusCode).toBe(201);
    const node = await server.app.inject({ method: 'GET', url: '/v1/nodes/at-limit', headers: server.admin });
    expect(Object.keys(node.json().labels)).toHaveLength(LABEL_LIMITS.maxLabels);
  });

  it('heartbeat facts and sample labels are held to the same limits', async () => {
    const t = server.clock.now();
    const facts = await heartbeat({ sentAt: t, facts: sampleFacts({ labels: many(65) }), batches: [] });
    expect(facts.json()).toMatchObject({ status: 400, code: 'AURORA_LABEL_LIMIT', field: 'facts.labels' });
    const huge = await heartbeat({
      sentAt: t,
      facts: sampleFacts(),
      batches: [
        { id: 'labels-batch-1', samples: [{ ts: t, name: 'big.key', value: 1, labels: { ['k'.repeat(1e6)]: 'v' } }] },
      ],
    });
    expect(huge.json()).toMatchObject({ status: 400, code: 'AURORA_LABEL_LIMIT', field: 'batches.0.samples.0.labels' });
    expect(huge.json().detail).toMatch(/1000000 characters, more than maxNameLength=128/);
    // The node label the server adds counts, so a sample may carry one label fewer.
    const full = await heartbeat({
      sentAt: t,
      facts: sampleFacts(),
      batches: [{ id: 'labels-batch-2', samples: [{ ts: t, name: 'many.labels', value: 1, labels: many(64) }] }],
    });
    expect(full.json()).toMatchObject({ status: 400, code: 'AURORA_LABEL_LIMIT' });
    expect(full.json().detail).toMatch(/maxLabels=63/);
    const stored = await server.app.inject({
      method: 'GET',
      url: '/v1/query_range?match={node="labels-1"}&from=-1h',
      headers: server.admin,
    });
    expect(stored.json().series).toEqual([]);
  });

  it('a sample at every limit at once (63 labels of 2,048 characters, names of 128) is stored, and so are label names that map onto reserved or longer ones', async () => {
    const t = server.clock.now() + 60_000;
    const value = (i: number) => `${i}`.padEnd(LABEL_LIMITS.maxValueLength, 'v');
    const widest = Object.fromEntries(
      Array.from({ length: LABEL_LIMITS.maxLabels - 1 }, (_, i) => [
        `l${i}`.padEnd(LABEL_LIMITS.maxNameLength, 'n'),
        value(i),
      ]),
    );
    const res = await heartbeat({
      sentAt: t,
      facts: sampleFacts(),
      batches: [
        {
          id: 'labels-batch-3',
          samples: [
            { ts: t, name: 'wide.labels', value: 1, labels: widest },
            // Mapped to Prometheus names these would start with the reserved __, or pass 128 characters.
            { ts: t, name: 'odd.labels', value: 2, labels: { '~#x': 'a', ['9'.repeat(128)]: 'b', __y: 'c' } },
          ],
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const wide = await server.app.inject({
      method: 'GET',
      url: `/v1/query_range?match=wide_labels&from=${t - 1000}&to=${t + 1000}&step=1s`,
      headers: server.admin,
    });
    expect(wide.json().series).toHaveLength(1);
    expect(Object.keys(wide.json().series[0].labels)).toHaveLength(LABEL_LIMITS.maxLabels);
    const odd = await server.app.inject({
      method: 'GET',
      url: `/v1/query_range?match=odd_labels&from=${t - 1000}&to=${t + 1000}&step=1s`,
      headers: server.admin,
    });
    const names = Object.keys(odd.json().series[0].labels).sort();
    expect(names).toEqual(['_'.concat('9'.repeat(127)), 'exported__x', 'exported__y', 'node']);
  });
});
