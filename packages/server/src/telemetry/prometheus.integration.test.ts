import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../testing/harness.js';
import { prometheusSkip, type ServiceProcess, startNodeExporter, startPrometheus } from '../testing/prometheus.js';

const skip = prometheusSkip();

/** A clock that follows the real one: Prometheus stamps its samples with real time. */
class RealClock extends ManualClock {
  override now(): number {
    return Date.now();
  }
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
}

describe.skipIf(skip !== undefined)('with a real Prometheus and node_exporter', () => {
  let nodeExporter: ServiceProcess;
  let prometheus: ServiceProcess;
  let aurora: TestServer;

  beforeAll(async () => {
    nodeExporter = await startNodeExporter();
    aurora = await startTestServer({ clock: new RealClock(), env: { AURORA_SCRAPE_TARGETS: nodeExporter.url } });
    const auroraHost = new URL(aurora.url).host;
    prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: aurora
    authorization: { credentials: ${TEST_ADMIN_TOKEN} }
    static_configs: [{ targets: ['${auroraHost}'] }]
  - job_name: node
    static_configs: [{ targets: ['${new URL(nodeExporter.url).host}'] }]
remote_write:
  - url: ${aurora.url}/api/v1/write
    authorization: { credentials: ${TEST_ADMIN_TOKEN} }
    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }
`);
  }, 120_000);
  afterAll(async () => {
    await prometheus?.stop();
    await aurora?.close();
    await nodeExporter?.stop();
  });

  const auroraSeries = async (match: string) => {
    const res = await aurora.app.inject({
      method: 'GET',
      url: `/v1/query_range?match=${encodeURIComponent(match)}&from=-10m&step=1s&agg=last`,
      headers: aurora.admin,
    });
    expect(res.statusCode).toBe(200);
    return res.json().series as { name: string; labels: Record<string, string>; points: [number, unknown][] }[];
  };

  it('Prometheus remote-writes what it scrapes into Aurora, where query_range finds it', async () => {
    const series = await eventually('node_exporter samples arriving by remote_write', async () => {
      const found = await auroraSeries('node_cpu_seconds_total{job="node",mode="idle"}');
      return found.length > 0 && (found[0]?.points.length ?? 0) >= 2 ? found : undefined;
    });
    expect(series[0]?.labels).toMatchObject({ job: 'node', mode: 'idle' });
    const up = await eventually('up of both scrape jobs', async () => {
      const found = await auroraSeries('up{job=~"aurora|node"}');
      return found.length === 2 ? found : undefined;
    });
    expect(up.map((s) => s.points.at(-1)?.[1])).toEqual([1, 1]);
    const metrics = (await aurora.app.inject({ method: 'GET', url: '/metrics', headers: aurora.admin })).body;
    expect(metrics).not.toMatch(/aurora_remote_write_rejected_total\{/);
    expect(metrics).toMatch(/aurora_metric_samples_ingested_total\{via="remote_write"\} [1-9]/);
  });

  it('Prometheus scrapes Aurora’s /metrics with the admin token', async () => {
    const value = await eventually('aurora_http_request_duration_seconds_count in Prometheus', async () => {
      const res = await fetch(
        `${prometheus.url}/api/v1/query?query=${encodeURIComponent('sum(aurora_http_request_duration_seconds_count{job="aurora"})')}`,
      );
      const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
      const v = Number(body.data.result[0]?.value[1]);
      return v > 0 ? v : undefined;
    });
    expect(value).toBeGreaterThan(0);
  });

  it('Aurora scrapes node_exporter itself as a configured target', async () => {
    const [scraper] = aurora.telemetry.scrapers;
    expect(await scraper?.scrape()).toBe('ok');
    const load = await auroraSeries('node_load1{job="scrape"}');
    expect(load).toHaveLength(1);
    expect(load[0]?.labels.instance).toBe(new URL(nodeExporter.url).host);
    expect(typeof load[0]?.points[0]?.[1]).toBe('number');
    const count = await auroraSeries('scrape_samples_scraped{job="scrape"}');
    expect(Number(count[0]?.points.at(-1)?.[1])).toBeGreaterThan(100);
  });
});

describe.runIf(skip !== undefined)('Prometheus tests', () => {
  it.skip(skip ?? '', () => {});
});
