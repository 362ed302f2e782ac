import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fetchTrusting } from '../connection.js';
import { ADMIN_TOKEN_FILE, CLUSTER_CA_FILE } from '../saved-credentials.js';
import { type AuroraProcess, bannerUrl, hasExited, spawnAurora, stopAurora } from '../testing/aurora-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-cli-proxy-'));
const data = path.join(dir, 'data');
const elsewhere = path.join(dir, 'elsewhere');
const processes: AuroraProcess[] = [];
let server: AuroraProcess;
let url: string;
let token: string;
let backend: Server;

beforeAll(async () => {
  mkdirSync(elsewhere);
  backend = createServer((_req, res) => res.end('from the backend'));
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  server = spawnAurora(['server', '--tls', '--port', '0', '--data-dir', data], { AURORA_LOG_LEVEL: 'warn' }, dir);
  processes.push(server);
  url = await bannerUrl(server);
  token = readFileSync(path.join(data, ADMIN_TOKEN_FILE), 'utf8').trim();
  const trusting = fetchTrusting(readFileSync(path.join(data, CLUSTER_CA_FILE), 'utf8'))!;
  const put = await trusting(`${url}/v1/services/web`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      picker: 'round-robin',
      backends: [{ address: '127.0.0.1', port: (backend.address() as AddressInfo).port }],
    }),
  });
  expect(put.status, await put.text()).toBe(200);
}, 120_000);

afterAll(async () => {
  for (const run of processes) if (!hasExited(run)) run.child.kill('SIGKILL');
  backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `aurora proxy` following the service `web` of the HTTPS server, and returns it with the URL it listens on. */
async function proxy(extra: string[]): Promise<{ run: AuroraProcess; proxyUrl: string }> {
  const run = spawnAurora(
    ['proxy', '--listen', '127.0.0.1:0', '--service', 'web', '--server', url, '--no-health-check', ...extra],
    { AURORA_CA_FILE: '', AURORA_DATA_DIR: '' },
    dir,
  );
  processes.push(run);
  let proxyUrl = '';
  await vi.waitFor(
    () => {
      if (hasExited(run)) throw new Error(`aurora proxy exited: ${run.output()}`);
      proxyUrl = /listening on (http:\/\/\S+)\. /.exec(run.output())?.[1] ?? '';
      expect(proxyUrl, run.output()).not.toBe('');
    },
    { timeout: 30_000, interval: 100 },
  );
  return { run, proxyUrl };
}

async function through(proxyUrl: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${proxyUrl}/`);
  return { status: res.status, body: await res.text() };
}

describe('aurora proxy following a control plane over HTTPS', () => {
  it('trusts the cluster CA that the server saved in --data-dir, as operator commands do', async () => {
    const { run, proxyUrl } = await proxy(['--data-dir', data]);
    await vi.waitFor(async () => expect(await through(proxyUrl)).toEqual({ status: 200, body: 'from the backend' }), {
      timeout: 30_000,
      interval: 200,
    });
    expect(run.output()).not.toContain('unreachable');
    await stopAurora(run);
  }, 60_000);

  it('trusts the CA given with --ca-file', async () => {
    const caFile = path.join(elsewhere, 'ca.pem');
    copyFileSync(path.join(data, CLUSTER_CA_FILE), caFile);
    const { run, proxyUrl } = await proxy(['--data-dir', elsewhere, '--token', token, '--ca-file', caFile]);
    await vi.waitFor(async () => expect(await through(proxyUrl)).toEqual({ status: 200, body: 'from the backend' }), {
      timeout: 30_000,
      interval: 200,
    });
    await stopAurora(run);
  }, 60_000);

  it('without the CA it refuses the certificate, says why, and has no backends to route to', async () => {
    const { run, proxyUrl } = await proxy(['--data-dir', elsewhere, '--token', token]);
    await vi.waitFor(() => expect(run.output()).toMatch(/control plane unreachable \(fetch failed: .*certificate/), {
      timeout: 30_000,
      interval: 200,
    });
    expect((await through(proxyUrl)).status).toBe(503);
    await stopAurora(run);
  }, 60_000);

  it('a --ca-file that cannot be read stops the proxy before it starts, naming the file', async () => {
    const missing = path.join(elsewhere, 'missing.pem');
    const run = spawnAurora(
      ['proxy', '--listen', '127.0.0.1:0', '--service', 'web', '--server', url, '--token', token, '--ca-file', missing],
      {},
      dir,
    );
    processes.push(run);
    const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(run.output()).toContain(`--ca-file ${missing}: cannot be read`);
  }, 30_000);
});
