import { request as httpRequest } from 'node:http';
import { freePort } from '@aurora/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { spec, startBackend, type TestBackend } from '../testing/backends.js';
import { haproxyDir, haproxySkip, startHaproxy } from '../testing/haproxy.js';
import { renderHaproxyConfig, serverName } from './config.js';
import { HaproxyRuntime, HaproxyRuntimeError } from './runtime.js';

const skip = haproxySkip();
if (skip) process.stderr.write(`${skip}\n`);

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

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

async function setup(ids: string[]) {
  const backends: TestBackend[] = [];
  for (const id of ids) {
    const b = await startBackend(id);
    backends.push(b);
    cleanup.push(() => b.close());
  }
  const port = await freePort();
  const { dir, socket } = haproxyDir();
  const service = { name: 'web', backends: backends.map((b) => spec(b)) };
  const config = renderHaproxyConfig({
    service,
    listen: { host: '127.0.0.1', port },
    runtimeSocket: socket,
    picker: 'round-robin',
  });
  const haproxy = await startHaproxy(dir, socket, config, port);
  cleanup.unshift(() => haproxy.stop());
  return { backends, url: `http://127.0.0.1:${port}`, runtime: new HaproxyRuntime(socket), service };
}

describe.skipIf(skip !== undefined)('HAProxy adapter against a real HAProxy', () => {
  it('writes a configuration HAProxy accepts and balances with', async () => {
    const { url } = await setup(['a', 'b']);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await get(`${url}/`)).body);
    expect(seen).toEqual(new Set(['a', 'b']));
  });

  it('changes weights and drains through the Runtime API without a reload', async () => {
    const { url, runtime, service, backends } = await setup(['a', 'b']);
    await runtime.setWeight('web', 'a', 0);
    expect((await runtime.servers('web')).get(serverName('a'))!.weight).toBe(0);
    for (let i = 0; i < 4; i++) expect((await get(`${url}/`)).body).toBe('b');
    // A halved weight (a node with an anomaly alert) stays distinct from a whole one.
    await runtime.apply({ name: 'web', backends: [{ ...spec(backends[0]!), weight: 0.5 }, spec(backends[1]!)] });
    const weighed = await runtime.servers('web');
    expect([weighed.get(serverName('a'))!.weight, weighed.get(serverName('b'))!.weight]).toEqual([50, 100]);
    await runtime.apply(service);
    const both = new Set<string>();
    for (let i = 0; i < 6; i++) both.add((await get(`${url}/`)).body);
    expect(both).toEqual(new Set(['a', 'b']));

    backends[1]!.delayMs = 400;
    const inFlight = Promise.all([get(`${url}/slow`), get(`${url}/slow`)]);
    await new Promise((r) => setTimeout(r, 100));
    await runtime.apply({ name: 'web', backends: [spec(backends[0]!), { ...spec(backends[1]!), weight: 0 }] });
    expect((await runtime.servers('web')).get(serverName('b'))!.admin & 0x08).toBe(0x08);
    for (let i = 0; i < 4; i++) expect((await get(`${url}/`)).body).toBe('a');
    const finished = await inFlight;
    expect(finished.map((r) => r.status)).toEqual([200, 200]);
    expect(finished.map((r) => r.body).sort()).toEqual(['a', 'b']);
  });

  it('names a server HAProxy does not know', async () => {
    const { runtime } = await setup(['a']);
    await expect(runtime.setState('web', 'nobody', 'drain')).rejects.toBeInstanceOf(HaproxyRuntimeError);
    expect(
      await runtime.apply({ name: 'web', backends: [{ id: 'new', host: '127.0.0.1', port: 9, weight: 1 }] }),
    ).toEqual({
      missing: ['new'],
    });
  });
});
