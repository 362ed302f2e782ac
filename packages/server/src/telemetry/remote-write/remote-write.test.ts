import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { encodeWriteRequest, snappyLiteralsFit, type WireTimeSeries } from './proto.js';

const T = Date.UTC(2026, 0, 5, 12);

function series(name: string, labels: Record<string, string>, samples: [number, number][]): WireTimeSeries {
  return {
    labels: [{ name: '__name__', value: name }, ...Object.entries(labels).map(([n, v]) => ({ name: n, value: v }))],
    samples: samples.map(([timestamp, value]) => ({ timestamp, value })),
  };
}

describe('Prometheus remote_write at /api/v1/write', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { AURORA_MAX_SERIES_PER_NODE: '20', AURORA_MAX_SERIES_TOTAL: '40' } });
  });
  afterAll(async () => server?.close());

  const post = (body: Uint8Array | string, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: {
        ...server.admin,
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
        ...headers,
      },
      payload: typeof body === 'string' ? body : Buffer.from(body),
    });
  const query = async (match: string, extra = '') => {
    const res = await server.app.inject({
      method: 'GET',
      url: `/v1/query_range?match=${encodeURIComponent(match)}&from=${T - 60_000}&to=${T + 3_600_000}&step=1s${extra}`,
      headers: server.admin,
    });
    expect(res.statusCode).toBe(200);
    return res.json() as { series: { name: string; labels: object; points: [number, unknown][] }[] };
  };
  const counter = async (line: string) => {
    const text = (await server.app.inject({ method: 'GET', url: '/metrics', headers: server.admin })).body;
    return Number(
      text
        .split('\n')
        .find((l) => l.startsWith(line))
        ?.split(' ')[1] ?? 0,
    );
  };

  it('stores every sample, NaN and infinities as Prometheus keeps them', async () => {
    const res = await post(
      encodeWriteRequest({
        timeseries: [
          series('node_load1', { instance: 'host-a:9100', job: 'node' }, [
            [T, 0.5],
            [T + 15_000, Number.NaN],
            [T + 30_000, Infinity],
            [T + 45_000, -Infinity],
          ]),
          series('up', { instance: 'host-a:9100', job: 'node', empty: '' }, [[T, 1]]),
        ],
      }),
    );
    expect(res.statusCode).toBe(204);
    const load = await query('node_load1{job="node"}');
    expect(load.series).toEqual([
      {
        name: 'node_load1',
        labels: { instance: 'host-a:9100', job: 'node' },
        points: [
          [T, 0.5],
          [T + 15_000, 'NaN'],
          [T + 30_000, '+Inf'],
          [T + 45_000, '-Inf'],
        ],
      },
    ]);
    // A label with an empty value is no label, as in Prometheus.
    expect((await query('up')).series[0]?.labels).toEqual({ instance: 'host-a:9100', job: 'node' });
  });

  it('ignores a retried request and refuses out-of-order or conflicting samples whole', async () => {
    const first = encodeWriteRequest({ timeseries: [series('retry_me', {}, [[T, 1]])] });
    expect((await post(first)).statusCode).toBe(204);
    expect((await post(first)).statusCode).toBe(204);
    const bad = await post(
      encodeWriteRequest({
        timeseries: [series('fresh_series', {}, [[T, 1]]), series('retry_me', {}, [[T - 1_000, 2]])],
      }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'AURORA_SAMPLE_REJECTED' });
    expect(bad.json().detail).toMatch(/out of order sample: retry_me\{\} at .*nothing of this write was stored/);
    expect((await query('fresh_series')).series).toEqual([]);
    const conflict = await post(encodeWriteRequest({ timeseries: [series('retry_me', {}, [[T, 5]])] }));
    expect(conflict.json().detail).toMatch(/duplicate sample for timestamp/);
    expect((await query('retry_me')).series[0]?.points).toEqual([[T, 1]]);
  });

  it('answers 400 with a counter for a body that is not snappy or not protobuf, storing nothing', async () => {
    const snappyBefore = await counter('aurora_remote_write_rejected_total{reason="snappy"}');
    const notSnappy = await post(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]));
    expect(notSnappy.statusCode).toBe(400);
    expect(notSnappy.json()).toMatchObject({ code: 'AURORA_MALFORMED_PAYLOAD' });
    expect(await counter('aurora_remote_write_rejected_total{reason="snappy"}')).toBe(snappyBefore + 1);
    const { compress } = await import('snappyjs');
    const notProto = await post(compress(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])));
    expect(notProto.statusCode).toBe(400);
    expect(notProto.json().detail).toMatch(/not a valid WriteRequest/);
    expect(await counter('aurora_remote_write_rejected_total{reason="protobuf"}')).toBe(1);
    expect((await post('plain text', { 'content-type': 'text/plain' })).statusCode).toBe(415);
  });

  it('refuses a block whose literal length has its top bit set, which made the Snappy decoder loop forever', async () => {
    // Uncompressed length 4, then a literal whose length sits in 4 bytes (tag 0xfc) as 0xfffffff0 + 1.
    const looping = await post(Buffer.from([0x04, 0xfc, 0xf0, 0xff, 0xff, 0xff, 0x61, 0x62, 0x63, 0x64]));
    expect(looping.statusCode).toBe(400);
    expect(looping.json().detail).toMatch(/literal runs past the end/);
    // Valid blocks with long literals (1- to 4-byte lengths) still decode.
    const { compress, uncompress } = await import('snappyjs');
    for (const size of [61, 300, 70_000, 17_000_000]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 2654435761) >>> 24);
      const block = compress(bytes);
      expect(snappyLiteralsFit(block), `${size} bytes`).toBe(true);
      expect(uncompress(block).length).toBe(size);
    }
  });

  it('refuses over-long label sets with a 400 naming the limit', async () => {
    const long = await post(
      encodeWriteRequest({ timeseries: [series('too_long', { path: 'x'.repeat(2049) }, [[T, 1]])] }),
    );
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ code: 'AURORA_LABEL_LIMIT' });
    expect(long.json().detail).toMatch(/maxValueLength=2048/);
    const labels = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`l${i}`, 'v']));
    const many = await post(encodeWriteRequest({ timeseries: [series('too_many', labels, [[T, 1]])] }));
    expect(many.json().detail).toMatch(/maxLabels=64/);
    const badName = await post(encodeWriteRequest({ timeseries: [series('bad-name', {}, [[T, 1]])] }));
    expect(badName.json().detail).toMatch(/metric name "bad-name" is not valid/);
    expect((await query('{__name__=~"too_.*"}')).series).toEqual([]);
  });

  it('refuses a write past the per-node or total series limit with a 422 that names it', async () => {
    const wide = (instance: string, n: number) =>
      encodeWriteRequest({
        timeseries: Array.from({ length: n }, (_, i) => series(`wide_${i}`, { instance }, [[T, i]])),
      });
    const perNode = await post(wide('big:1', 21));
    expect(perNode.statusCode).toBe(422);
    expect(perNode.json()).toMatchObject({ code: 'AURORA_SERIES_LIMIT', field: 'maxSeriesPerNode' });
    expect(perNode.json().detail).toMatch(/maxSeriesPerNode=20 reached for instance:big:1/);
    expect((await query('{__name__=~"wide_.*"}')).series).toEqual([]);
    expect((await post(wide('big:2', 20))).statusCode).toBe(204);
    const total = await post(wide('big:3', 20));
    expect(total.json()).toMatchObject({ code: 'AURORA_SERIES_LIMIT', field: 'maxSeriesTotal' });
    // The agent path counts against the same limits, per node.
    const { credential } = await joinNode(server, 'limited');
    const samples = Array.from({ length: 21 }, (_, i) => ({ ts: T, name: `m.n${i}`, value: 1 }));
    const hb = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload: { sentAt: T, facts: sampleFacts(), batches: [{ id: 'batch-limit-1', samples }] },
    });
    expect(hb.statusCode).toBe(422);
    expect(hb.json().detail).toMatch(/maxSeriesPerNode=20/);
  });

  it('answers any body with 204, 400, 415 or 422, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const res = await post(bytes);
        expect([204, 400, 415, 422]).toContain(res.statusCode);
      }),
      { numRuns: 60 },
    );
  });
});
