import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@aurora/sdk/testing';
import { type Fleet, metricName, nodeName, times, valueAt } from './dataset.js';

/** Whether Debian's prometheus and promtool are on PATH. */
export function prometheusAvailable(): boolean {
  return ['prometheus', 'promtool'].every((b) => spawnSync('which', [b]).status === 0);
}

/** Writes the fleet as OpenMetrics text (timestamps in seconds), series by series, for promtool. */
async function writeOpenMetrics(file: string, f: Fleet): Promise<void> {
  const out = createWriteStream(file);
  const ts = times(f);
  for (let m = 0; m < f.metrics; m++) {
    const name = metricName(m);
    if (!out.write(`# TYPE ${name} gauge\n`)) await once(out, 'drain');
    for (let n = 0; n < f.nodes; n++) {
      const head = `${name}{instance="${nodeName(n)}",node="${nodeName(n)}"} `;
      let chunk = '';
      for (const t of ts) chunk += `${head}${valueAt(n, m, t)} ${t / 1000}\n`;
      if (!out.write(chunk)) await once(out, 'drain');
    }
  }
  out.end('# EOF\n');
  await once(out, 'finish');
}

/** A Prometheus server over backfilled blocks. */
export interface PrometheusPeer {
  url: string;
  backfillSeconds: number;
  stop(): Promise<void>;
}

/**
 * Backfills the fleet into a fresh TSDB with `promtool tsdb
 * create-blocks-from openmetrics`, then starts Prometheus on it (no scrape
 * jobs) on a free port and waits until it answers.
 */
export async function startPrometheusPeer(dir: string, f: Fleet, log: (s: string) => void): Promise<PrometheusPeer> {
  mkdirSync(dir, { recursive: true });
  const input = path.join(dir, 'fleet.om');
  const data = path.join(dir, 'data');
  const t0 = performance.now();
  log('writing OpenMetrics for promtool...');
  await writeOpenMetrics(input, f);
  log('promtool tsdb create-blocks-from openmetrics...');
  const backfill = spawnSync(
    'promtool',
    ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=192h', input, data],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (backfill.status !== 0) throw new Error(`promtool failed: ${backfill.stderr || backfill.stdout}`);
  const backfillSeconds = (performance.now() - t0) / 1000;
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      '--storage.tsdb.retention.time=3650d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with code ${child.exitCode}`);
    const ready = await fetch(`${url}/-/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('prometheus not ready after 120 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    backfillSeconds,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One query_range through Prometheus' HTTP API; returns the number of points it answered. */
export async function prometheusQueryRange(
  url: string,
  query: string,
  startMs: number,
  endMs: number,
  stepS: number,
): Promise<number> {
  const qs = new URLSearchParams({
    query,
    start: String(startMs / 1000),
    end: String(endMs / 1000),
    step: String(stepS),
  });
  const res = await fetch(`${url}/api/v1/query_range?${qs}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: { values: unknown[] }[] } };
  if (body.status !== 'success') throw new Error(`prometheus query failed: ${body.error}`);
  return (body.data?.result ?? []).reduce((n, s) => n + s.values.length, 0);
}
