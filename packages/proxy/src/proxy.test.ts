import { request as httpRequest } from 'node:http';
import { defaultOutlierOptions } from '@aurora/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProxyOptions, type RunningProxy, startProxy } from './server.js';
import { deadPort, spec, startBackend, type TestBackend } from './testing/backends.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function backends(...ids: string[]): Promise<TestBackend[]> {
  const list = await Promise.all(ids.map((id) => startBackend(id)));
  for (const b of list) cleanup.push(() => b.close());
  return list;
}

async function proxy(options: ProxyOptions): Promise<RunningProxy> {
  const p = await startProxy(options);
  cleanup.unshift(() => p.close());
  return p;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request over a fresh connection, so tests see exactly the proxy's behaviour per request. */
function call(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('proxy', () => {
  it('spreads requests over the backends and names the client in the forwarding headers', async () => {
    const [a, b, c] = await backends('a', 'b', 'c');
    const p = await proxy({
      service: { name: 'web', backends: [spec(a!), spec(b!), spec(c!)] },
      balancer: { picker: 'round-robin', slow: false },
    });
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push((await call(`${p.url}/x`, { headers: { 'x-forwarded-for': '6.6.6.6' } })).body);
    expect(answers.sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
    const seen = a!.seen[0]!;
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(`127.0.0.1:${p.port}`);
    expect(seen.headers.forwarded).toBe(`for=127.0.0.1;proto=http;host="127.0.0.1:${p.port}"`);
  });

  it('appends to forwarding headers it is told to trust', async () => {
    const [a] = await backends('a');
    const p = await proxy({ service: { name: 'web', backends: [spec(a!)] }, trustForwarded: true });
    await call(`${p.url}/`, { headers: { 'x-forwarded-for': '10.0.0.9', forwarded: 'for=10.0.0.9' } });
    expect(a!.seen[0]!.headers['x-forwarded-for']).toBe('10.0.0.9, 127.0.0.1');
    expect(a!.seen[0]!.headers.forwarded).toMatch(/^for=10\.0\.0\.9, for=127\.0\.0\.1;/);
  });

  it('streams a large request body up and the response back', async () => {
    const [a] = await backends('a');
    const p = await proxy({ service: { name: 'web', backends: [spec(a!)] } });
    const body = 'x'.repeat(3_000_000);
    const reply = await call(`${p.url}/echo`, { method: 'POST', body });
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBe(body.length);
    const chunked = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${p.url}/echo`, { method: 'POST', agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write('one,');
      setTimeout(() => req.end('two'), 50);
    });
    expect(chunked).toBe('one,two');
  });

  it('retries an idempotent request on another backend when the first refuses the connection', async () => {
    const [a] = await backends('a');
    const dead = { id: 'dead', port: await deadPort() };
    const p = await proxy({
      service: { name: 'web', backends: [spec(dead), spec(a!)] },
      balancer: { picker: 'round-robin', slow: false, health: false },
    });
    for (let i = 0; i < 6; i++) expect((await call(`${p.url}/`)).body).toBe('a');
    expect(p.balancer.stats().retries).toBeGreaterThanOrEqual(1);
    expect(p.balancer.isEjected('dead')).toBe(true);
  });

  it('does not retry a request with a body, and answers 502 with a problem document', async () => {
    const dead = { id: 'dead', port: await deadPort() };
    const p = await proxy({ service: { name: 'web', backends: [spec(dead)] }, balancer: { health: false } });
    const reply = await call(`${p.url}/`, { method: 'POST', body: 'order' });
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(reply.body).code).toBe('AURORA_PROXY_UPSTREAM_UNREACHABLE');
    expect(p.balancer.stats().retries).toBe(0);
  });

  it('answers 503 with a problem document when no backend is left', async () => {
    const p = await proxy({ service: { name: 'web', backends: [] } });
    const reply = await call(`${p.url}/`);
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body).code).toBe('AURORA_PROXY_NO_BACKEND');
  });

  it('ejects a backend after consecutive 5xx, but never more than the allowed share', async () => {
    const [a, b] = await backends('a', 'b');
    a!.status = 500;
    const p = await proxy({
      service: { name: 'web', backends: [spec(a!), spec(b!)] },
      balancer: {
        picker: 'round-robin',
        slow: false,
        health: false,
        outlier: { ...defaultOutlierOptions, consecutiveServerErrors: 3 },
      },
    });
    for (let i = 0; i < 6; i++) await call(`${p.url}/`);
    expect(p.balancer.isEjected('a')).toBe(true);
    for (let i = 0; i < 4; i++) expect((await call(`${p.url}/`)).body).toBe('b');
    b!.status = 500;
    for (let i = 0; i < 8; i++) await call(`${p.url}/`);
    expect(p.balancer.isEjected('b')).toBe(false);
  });

  it('takes a backend out after failing active checks and back in after passing ones', async () => {
    const [a, b] = await backends('a', 'b');
    const p = await proxy({
      service: { name: 'web', backends: [spec(a!), spec(b!)] },
      balancer: {
        picker: 'round-robin',
        slow: false,
        health: { path: '/healthz', intervalMs: 60_000, timeoutMs: 500, rise: 2, fall: 2 },
      },
    });
    a!.healthy = false;
    await p.health.checkAll();
    expect(p.balancer.backends.find((x) => x.id === 'a')!.health.up).toBe(true);
    await p.health.checkAll();
    for (let i = 0; i < 4; i++) expect((await call(`${p.url}/`)).body).toBe('b');
    a!.healthy = true;
    await p.health.checkAll();
    await p.health.checkAll();
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add((await call(`${p.url}/`)).body);
    expect(bodies).toEqual(new Set(['a', 'b']));
  });

  it('prefers its own zone and spills over when too little of it is healthy', async () => {
    const [a1, a2, b1] = await backends('a1', 'a2', 'b1');
    const p = await proxy({
      service: { name: 'web', backends: [spec(a1!, 'a'), spec(a2!, 'a'), spec(b1!, 'b')] },
      balancer: {
        picker: 'round-robin',
        slow: false,
        localZone: 'a',
        spillBelow: 0.7,
        health: { path: '/healthz', intervalMs: 60_000, timeoutMs: 500, rise: 1, fall: 1 },
      },
    });
    const first = new Set<string>();
    for (let i = 0; i < 6; i++) first.add((await call(`${p.url}/`)).body);
    expect(first).toEqual(new Set(['a1', 'a2']));
    a2!.healthy = false;
    await p.health.checkAll();
    const after = new Set<string>();
    for (let i = 0; i < 6; i++) after.add((await call(`${p.url}/`)).body);
    expect(after).toEqual(new Set(['a1', 'b1']));
  });

  it('drains a removed backend without dropping the request it is serving', async () => {
    const [a, b] = await backends('a', 'b');
    a!.delayMs = 300;
    const p = await proxy({ service: { name: 'web', backends: [spec(a!)] } });
    const slow = call(`${p.url}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    p.update({ name: 'web', backends: [spec(b!)] });
    const fresh = await call(`${p.url}/`);
    expect(fresh.body).toBe('b');
    const drained = await slow;
    expect(drained.status).toBe(200);
    expect(drained.body).toBe('a');
  });

  it('passes a WebSocket upgrade through and copies bytes both ways', async () => {
    const [a] = await backends('a');
    const p = await proxy({ service: { name: 'web', backends: [spec(a!)] } });
    const echoed = await new Promise<{ status: number; data: string; forwarded: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(`${p.url}/ws`, {
          agent: false,
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
        });
        req.on('upgrade', (res, socket) => {
          socket.once('data', (d: Buffer) => {
            resolve({
              status: res.statusCode ?? 0,
              data: d.toString(),
              forwarded: a!.seen[0]!.headers['x-forwarded-for'] as string,
            });
            socket.destroy();
          });
          socket.write('ping');
        });
        req.on('error', reject);
        req.end();
      },
    );
    expect(echoed).toEqual({ status: 101, data: 'a:ping', forwarded: '127.0.0.1' });
  });
});
