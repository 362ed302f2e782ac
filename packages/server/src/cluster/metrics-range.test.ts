import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';
import { MAX_POINTS_PER_SERIES, parseRange, parseTime } from './time-range.js';

describe('metric range queries', () => {
  let server: TestServer;
  let t0: number;
  beforeAll(async () => {
    server = await startTestServer();
    const { credential } = await joinNode(server, 'm1');
    t0 = server.clock.now();
    const samples = [];
    for (let i = 0; i < 120; i++) {
      samples.push({ ts: t0 - 600_000 + i * 5_000, name: 'cpu.usage_pct', value: i % 2 === 0 ? 10 : 20 });
      samples.push({ ts: t0 - 600_000 + i * 5_000, name: 'disk.used_pct', value: 50, labels: { mount: '/' } });
    }
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload: { sentAt: t0, facts: sampleFacts(), batches: [{ id: 'batch-range-1', samples }] },
    });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => server?.close());

  const get = (qs: string) =>
    server.app.inject({ method: 'GET', url: `/v1/nodes/m1/metrics?${qs}`, headers: server.admin });

  it('defaults to the last 15 minutes and returns every series', async () => {
    const res = await get('');
    expect(res.statusCode).toBe(200);
    expect(res.json().series.map((s: { name: string }) => s.name)).toEqual(['cpu_usage_pct', 'disk_used_pct']);
  });

  it('averages a step bucket and accepts relative and ISO times', async () => {
    const res = await get(`name=cpu.usage_pct&from=-10m&to=${new Date(t0).toISOString()}&step=10s`);
    const [series] = res.json().series;
    expect(series.points.length).toBeGreaterThan(50);
    for (const [, v] of series.points) expect(v).toBe(15);
  });

  it('rejects a bad time naming the field', async () => {
    const res = await get('from=yesterday');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: 'from' });
  });

  it('widens a too-fine step so a series never exceeds the point cap', () => {
    const { stepMs } = parseRange({ from: '0', to: String(86_400_000), step: '1ms' }, 0);
    expect(86_400_000 / stepMs).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    expect(parseTime('-15m', 1_000_000, 'from')).toBe(100_000);
    expect(parseTime('1700000000000', 0, 'from')).toBe(1_700_000_000_000);
  });
});
