import { MAX_TIME_MS } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';

const YEAR_MS = 365.25 * 86_400_000;

describe('values out of range: refused or flagged, per field', () => {
  let server: TestServer;
  let credential: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ credential } = await joinNode(server, 'range-1'));
  });
  afterAll(async () => server?.close());

  const heartbeat = (payload: object, as = credential) =>
    server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const series = async (match: string, from: number, to: number) =>
    (
      await server.app.inject({
        method: 'GET',
        url: `/v1/query_range?match=${encodeURIComponent(match)}&from=${from}&to=${to}&step=1000&agg=last`,
        headers: server.admin,
      })
    ).json().series as { labels: Record<string, string>; points: [number, number][] }[];
  const conditions = async (name: string) => {
    const node = (await server.app.inject({ method: 'GET', url: `/v1/nodes/${name}`, headers: server.admin })).json();
    return Object.fromEntries(node.conditions.map((c: { type: string }) => [c.type, c]));
  };

  it('a sample time at or below 0, or past the JavaScript Date range, answers 400 naming the field, and nothing is stored', async () => {
    const now = server.clock.now();
    for (const ts of [0, -1, -1e308, MAX_TIME_MS + 1, 1e308]) {
      const res = await heartbeat({
        sentAt: now,
        facts: sampleFacts(),
        batches: [
          {
            id: `bad-time-${String(ts).replace(/[^0-9a-z]/gi, '_')}`,
            samples: [
              { ts: now, name: 'range.time', value: 1 },
              { ts, name: 'range.time', value: 2 },
            ],
          },
        ],
      });
      expect(res.statusCode, String(ts)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: 'batches.0.samples.1.ts' });
    }
    expect(await series('range_time', now - 60_000, now + 60_000)).toEqual([]);
  });

  it('a sentAt of 1e308, 0 or below answers 400 naming sentAt', async () => {
    for (const sentAt of [1e308, MAX_TIME_MS + 1, 0, -5]) {
      const res = await heartbeat({ sentAt, facts: sampleFacts(), batches: [] });
      expect(res.statusCode, String(sentAt)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: 'sentAt' });
    }
  });

  it('sample times years ahead of the server clock are stored as stamped and raise FutureSamples until they stop', async () => {
    const { credential: own } = await joinNode(server, 'range-future');
    const now = server.clock.now();
    const ahead = now + 3 * YEAR_MS;
    const res = await heartbeat(
      {
        sentAt: now,
        facts: sampleFacts(),
        batches: [{ id: 'future-batch-1', samples: [{ ts: ahead, name: 'range.future', value: 4 }] }],
      },
      own,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().acknowledged).toEqual(['future-batch-1']);
    const flagged = await conditions('range-future');
    expect(flagged.FutureSamples).toMatchObject({ status: 'true', reason: 'SampleTimesAhead' });
    expect(flagged.FutureSamples.message).toContain('3 years ahead of the server clock');
    expect(flagged.ClockSkew).toBeUndefined();
    const stored = await series('range_future', ahead - 1000, ahead + 1000);
    expect(stored.map((s) => s.points)).toEqual([[[ahead, 4]]]);

    server.clock.advance(5000);
    const t = server.clock.now();
    await heartbeat(
      {
        sentAt: t,
        facts: sampleFacts(),
        batches: [{ id: 'future-batch-2', samples: [{ ts: t, name: 'range.future', value: 5 }] }],
      },
      own,
    );
    expect((await conditions('range-future')).FutureSamples).toMatchObject({ status: 'false' });
  });

  it('a percentage outside 0-100 or a negative byte count is dropped, the rest stored, and InvalidSamples names it', async () => {
    const { credential: own } = await joinNode(server, 'range-pct');
    const now = server.clock.now();
    const res = await heartbeat(
      {
        sentAt: now,
        facts: sampleFacts(),
        batches: [
          {
            id: 'pct-batch-1',
            samples: [
              { ts: now, name: 'cpu.usage_pct', value: 12_345 },
              { ts: now, name: 'mem.used_pct', value: 42 },
              { ts: now, name: 'disk.used_pct', value: -50, labels: { mount: '/' } },
              { ts: now, name: 'mem.used_bytes', value: -1 },
              { ts: now, name: 'cpu.usage_pct', value: 100 },
              { ts: now + 1, name: 'temp.celsius', value: -40 },
            ],
          },
        ],
      },
      own,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().acknowledged).toEqual(['pct-batch-1']);
    const flagged = await conditions('range-pct');
    expect(flagged.InvalidSamples).toMatchObject({ status: 'true', reason: 'ValueOutOfRange' });
    expect(flagged.InvalidSamples.message).toContain('dropped 3 samples');
    expect(flagged.InvalidSamples.message).toContain('cpu.usage_pct=12345 (must be 0 to 100)');
    const node = '{node="range-pct"}';
    expect((await series(`cpu_usage_pct${node}`, now - 1000, now + 1000)).map((s) => s.points)).toEqual([[[now, 100]]]);
    expect((await series(`mem_used_pct${node}`, now - 1000, now + 1000)).map((s) => s.points)).toEqual([[[now, 42]]]);
    expect(await series(`disk_used_pct${node}`, now - 1000, now + 1000)).toEqual([]);
    expect(await series(`mem_used_bytes${node}`, now - 1000, now + 1000)).toEqual([]);
    expect((await series(`temp_celsius${node}`, now - 1000, now + 1000)).map((s) => s.points)).toEqual([[[now, -40]]]);
    const exposition = (await server.app.inject({ method: 'GET', url: '/metrics', headers: server.admin })).body;
    expect(exposition).toMatch(/aurora_metric_samples_dropped_total\{via="agent",reason="out_of_range"\} 3/);

    server.clock.advance(5000);
    const t = server.clock.now();
    await heartbeat(
      {
        sentAt: t,
        facts: sampleFacts(),
        batches: [{ id: 'pct-batch-2', samples: [{ ts: t, name: 'cpu.usage_pct', value: 7 }] }],
      },
      own,
    );
    expect((await conditions('range-pct')).InvalidSamples).toMatchObject({ status: 'false' });
  });

  it('the same batch id twice in one heartbeat answers 400 naming the second, and nothing is stored', async () => {
    const now = server.clock.now();
    const res = await heartbeat({
      sentAt: now,
      facts: sampleFacts(),
      batches: [
        { id: 'twice-batch-1', samples: [{ ts: now, name: 'range.twice', value: 1 }] },
        { id: 'other-batch-1', samples: [] },
        { id: 'twice-batch-1', samples: [{ ts: now + 1, name: 'range.twice', value: 2 }] },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: 'batches.2.id' });
    expect(res.json().detail).toContain('batches.0.id');
    expect(await series('range_twice', now - 1000, now + 1000)).toEqual([]);
  });

  it('the same batch id from two nodes is two batches: each node stores its own', async () => {
    const { credential: other } = await joinNode(server, 'range-2');
    const now = server.clock.now();
    const body = (value: number) => ({
      sentAt: now,
      facts: sampleFacts(),
      batches: [{ id: 'shared-batch-id', samples: [{ ts: now, name: 'range.shared', value }] }],
    });
    const first = await heartbeat(body(1));
    const second = await heartbeat(body(2), other);
    expect(first.json().acknowledged).toEqual(['shared-batch-id']);
    expect(second.json().acknowledged).toEqual(['shared-batch-id']);
    const stored = await series('range_shared', now - 1000, now + 1000);
    expect(Object.fromEntries(stored.map((s) => [s.labels.node, s.points]))).toEqual({
      'range-1': [[now, 1]],
      'range-2': [[now, 2]],
    });
    // A replay by the same node is still stored once.
    const replay = await heartbeat(body(9));
    expect(replay.json().acknowledged).toEqual(['shared-batch-id']);
    const after = await series('range_shared{node="range-1"}', now - 1000, now + 1000);
    expect(after.map((s) => s.points)).toEqual([[[now, 1]]]);
  });
});
