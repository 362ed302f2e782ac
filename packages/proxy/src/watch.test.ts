import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { NodeFacts } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningProxy, startProxy } from './server.js';
import { startBackend, type TestBackend } from './testing/backends.js';
import { concerns, type ServiceWatch, watchService } from './watch.js';

const TOKEN = 'proxy-suite-admin-token-0123456789';
let dataDir: string;
let server: RunningServer | undefined;
const cleanup: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-proxy-watch-'));
  server = await startServer(
    compileConfig({
      env: { AURORA_ADMIN_TOKEN: TOKEN, AURORA_LOG_LEVEL: 'silent' },
      overrides: { host: '127.0.0.1', port: 0, dataDir },
    }),
    { consoleDir: path.join(dataDir, 'no-console') },
  );
});
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server!.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const facts: NodeFacts = {
  hostname: 'web-a',
  os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0' },
  arch: 'x64',
  cpus: { count: 2, model: 'Test CPU' },
  memoryBytes: 2 ** 30,
  disks: [],
  addresses: ['127.0.0.1'],
  labels: {},
  zone: 'a',
  agentVersion: '0.1.0',
};

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

async function setup(): Promise<{ a: TestBackend; b: TestBackend; proxy: RunningProxy; watch: ServiceWatch }> {
  const a = await startBackend('a');
  const b = await startBackend('b');
  cleanup.push(
    () => a.close(),
    () => b.close(),
  );
  const token = (await api('POST', '/v1/tokens', {})).json as { token: string };
  const joined = await fetch(`${server!.url}/v1/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: token.token, name: 'web-a', facts }),
  });
  expect(joined.status).toBe(201);
  const put = await api('PUT', '/v1/services/web', {
    picker: 'round-robin',
    backends: [
      { node: 'web-a', port: a.port },
      { address: '127.0.0.1', port: b.port, zone: 'b' },
    ],
  });
  expect(put.status).toBe(200);
  const proxy = await startProxy({
    service: { name: 'web', backends: [] },
    balancer: { picker: 'round-robin', slow: false, health: false },
  });
  cleanup.push(() => proxy.close());
  const watch = watchService({
    server: server!.url,
    token: TOKEN,
    service: 'web',
    onView: (view) => proxy.update(view),
    maxRetryMs: 200,
  });
  cleanup.push(() => watch.stop());
  await watch.synced;
  return { a, b, proxy, watch };
}

const eventually = (check: () => Promise<void> | void) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

describe('the proxy following the control plane', () => {
  it('reads its service again after its own changes, any node event, and an anomaly alert on a node', () => {
    const at = new Date(0).toISOString();
    const alert = (source: string, node: string | null) =>
      ({ type: 'alert.changed', alert: 'x', node, source, state: 'firing', at }) as const;
    expect(concerns({ type: 'service.changed', name: 'web', at }, 'web')).toBe(true);
    expect(concerns({ type: 'service.changed', name: 'api', at }, 'web')).toBe(false);
    expect(concerns({ type: 'node.deleted', name: 'web-a', at }, 'web')).toBe(true);
    expect(concerns(alert('anomaly', 'web-a'), 'web')).toBe(true);
    // A threshold rule's alert does not move weights, nor does an alert on no node.
    expect(concerns(alert('rule:1', 'web-a'), 'web')).toBe(false);
    expect(concerns(alert('anomaly', null), 'web')).toBe(false);
    expect(concerns({ type: 'node.heartbeat', name: 'web-a', at, samples: [] }, 'web')).toBe(false);
  });

  it('resolves node backends, drains a drained node without dropping its in-flight request', async () => {
    const { a, proxy } = await setup();
    const service = (await api('GET', '/v1/services/web')).json as {
      backends: { id: string; zone: string; effectiveWeight: number }[];
    };
    expect(service.backends.map((x) => [x.id, x.zone, x.effectiveWeight])).toEqual([
      [`node:web-a:${a.port}`, 'a', 1],
      [`127.0.0.1:${proxy.balancer.backends[1]!.spec.port}`, 'b', 1],
    ]);
    const first = new Set<string>();
    for (let i = 0; i < 4; i++) first.add((await get(`${proxy.url}/`)).body);
    expect(first).toEqual(new Set(['a', 'b']));

    a.delayMs = 600;
    const inFlight = [get(`${proxy.url}/slow`), get(`${proxy.url}/slow`)];
    await eventually(() => expect(a.seen.some((r) => r.url === '/slow')).toBe(true));
    expect((await api('POST', '/v1/nodes/web-a/drain')).status).toBe(200);
    await eventually(() =>
      expect(proxy.balancer.backends.find((x) => x.spec.port === a.port)?.endpoint.weight).toBe(0),
    );
    for (let i = 0; i < 4; i++) expect((await get(`${proxy.url}/`)).body).toBe('b');
    const done = await Promise.all(inFlight);
    expect(done.map((r) => r.status)).toEqual([200, 200]);
    expect(done.map((r) => r.body).sort()).toEqual(['a', 'b']);
  });

  it('keeps routing on its last view while the control plane is away', async () => {
    const { proxy, watch } = await setup();
    expect(watch.connected()).toBe(true);
    await server!.stop();
    server = undefined;
    await eventually(() => expect(watch.connected()).toBe(false));
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await get(`${proxy.url}/`);
      expect(r.status).toBe(200);
      seen.add(r.body);
    }
    expect(seen).toEqual(new Set(['a', 'b']));
  });
});
