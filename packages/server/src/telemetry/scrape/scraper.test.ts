import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';

describe('scraping a target in Prometheus text format', () => {
  let target: Server;
  let body = '';
  let status = 200;
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    target = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(body);
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/metrics`;
    server = await startTestServer({ env: { AURORA_SCRAPE_TARGETS: url } });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((r) => target?.close(r));
  });

  const query = async (match: string) => {
    const now = server.clock.now();
    const res = await server.app.inject({
      method: 'GET',
      url: `/v1/query_range?match=${encodeURIComponent(match)}&from=${now - 600_000}&to=${now}&step=1s&agg=last`,
      headers: server.admin,
    });
    expect(res.statusCode).toBe(200);
    return res.json().series as { name: string; labels: Record<string, string>; points: [number, unknown][] }[];
  };

  it('stores each sample with job and instance labels, and up = 1', async () => {
    body = 'node_load1 0.25\nnode_cpu_seconds_total{cpu="0",mode="idle",job="inner"} 123.5\n';
    const [scraper] = server.telemetry.scrapers;
    expect(await scraper?.scrape()).toBe('ok');
    const instance = new URL(url).host;
    expect(await query('node_cpu_seconds_total')).toEqual([
      {
        name: 'node_cpu_seconds_total',
        labels: { cpu: '0', mode: 'idle', exported_job: 'inner', job: 'scrape', instance },
        points: [[server.clock.now(), 123.5]],
      },
    ]);
    expect((await query('up'))[0]?.points).toEqual([[server.clock.now(), 1]]);
  });

  it('stores up = 0 and nothing else when the target fails or serves what does not parse', async () => {
    server.clock.advance(15_000);
    body = 'node_load1 0.5\nbroken{ 1\n';
    expect(await server.telemetry.scrapers[0]?.scrape()).toBe('failed');
    server.clock.advance(15_000);
    status = 500;
    expect(await server.telemetry.scrapers[0]?.scrape()).toBe('failed');
    expect((await query('node_load1'))[0]?.points).toEqual([[server.clock.now() - 30_000, 0.25]]);
    expect((await query('up'))[0]?.points.map((p) => p[1])).toEqual([1, 0, 0]);
    status = 200;
  });

  it('drops a sample older than the stored one and keeps the rest, as Prometheus does for a scrape', async () => {
    server.clock.advance(15_000);
    body = `node_load1 0.75 ${server.clock.now() - 3_600_000}\nnode_load5 2\n`;
    expect(await server.telemetry.scrapers[0]?.scrape()).toBe('ok');
    expect((await query('node_load1'))[0]?.points.map((p) => p[1])).toEqual([0.25]);
    expect((await query('node_load5'))[0]?.points).toEqual([[server.clock.now(), 2]]);
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics', headers: server.admin })).body;
    expect(metrics).toMatch(/aurora_metric_samples_dropped_total\{via="scrape",reason="out_of_order"\} 1/);
  });
});
