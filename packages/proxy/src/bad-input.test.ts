import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningProxy, startProxy } from './server.js';
import { spec, startBackend, type TestBackend } from './testing/backends.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** Writes raw bytes on a fresh connection and collects everything until the proxy closes it. */
function raw(
  port: number,
  ...parts: (string | { waitMs: number })[]
): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    socket.once('connect', async () => {
      for (const part of parts) {
        if (typeof part === 'string') socket.write(part);
        else await new Promise((r) => setTimeout(r, part.waitMs));
      }
    });
    setTimeout(() => reject(new Error('proxy never closed the connection')), 20_000).unref();
  });
}

/** Waits until the proxy holds no client connection and the backend none from the proxy. */
async function expectNoOpenSockets(p: RunningProxy, backend: TestBackend): Promise<void> {
  const deadline = Date.now() + 10_000;
  let client = -1;
  let upstream = -1;
  while (Date.now() < deadline) {
    client = await p.connections();
    upstream = await new Promise<number>((r) => backend.server.getConnections((_e, n) => r(n)));
    if (client === 0 && upstream === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect({ client, upstream }).toEqual({ client: 0, upstream: 0 });
}

function statusOf(text: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
}

async function setup(): Promise<{ p: RunningProxy; a: TestBackend }> {
  const a = await startBackend('a');
  cleanup.push(() => a.close());
  const p = await startProxy({
    service: { name: 'web', backends: [spec(a)] },
    balancer: { health: false },
    maxHeaderBytes: 8_192,
    timeouts: {
      clientHeadersMs: 400,
      clientRequestMs: 800,
      clientIdleMs: 300,
      upstreamIdleMs: 300,
      upstreamHeadersMs: 1_000,
    },
  });
  cleanup.unshift(() => p.close());
  return { p, a };
}

describe('proxy under bad input', () => {
  it('answers malformed requests 400 and oversized heads 431, and keeps no socket open', async () => {
    const { p, a } = await setup();
    const bad = await raw(p.port, 'GET / HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n');
    expect(statusOf(bad.text)).toBe(400);
    expect(bad.text).toContain('"code":"AURORA_PROXY_BAD_REQUEST"');
    const huge = await raw(p.port, `GET / HTTP/1.1\r\nHost: x\r\nx-big: ${'y'.repeat(9_000)}\r\n\r\n`);
    expect(statusOf(huge.text)).toBe(431);
    expect(huge.text).toContain('application/problem+json');
    const smuggle = await raw(
      p.port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(statusOf(smuggle.text)).toBe(400);
    await expectNoOpenSockets(p, a);
  });

  it('cuts a client that sends its head too slowly, and one that sends its body too slowly', async () => {
    const { p, a } = await setup();
    const slowHead = await raw(p.port, 'GET / HTTP/1.1\r\n', { waitMs: 300 }, 'Host: x\r\n', { waitMs: 2_000 });
    expect(slowHead.closedAfterMs).toBeLessThan(2_000);
    expect([0, 408]).toContain(statusOf(slowHead.text));
    const slowBody = await raw(p.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab', { waitMs: 3_000 });
    expect(slowBody.closedAfterMs).toBeLessThan(3_000);
    await expectNoOpenSockets(p, a);
  });

  it('answers upstream garbage with 502 and a problem document', async () => {
    const garbage: Server = createServer((s) => {
      s.on('error', () => {});
      s.once('data', () => s.end('SSH-2.0-OpenSSH_9.2\r\nthis is not http\r\n\r\n'));
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => garbage.close(() => r())));
    const port = (garbage.address() as AddressInfo).port;
    const p = await startProxy({
      service: { name: 'web', backends: [spec({ id: 'g', port })] },
      balancer: { health: false },
    });
    cleanup.unshift(() => p.close());
    const reply = await raw(p.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusOf(reply.text)).toBe(502);
    expect(reply.text).toContain('"code":"AURORA_PROXY_UPSTREAM_PROTOCOL"');
    const head = await raw(p.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusOf(head.text)).toBe(502);
    expect(await p.connections()).toBe(0);
  });

  it('never crashes or leaks a socket on arbitrary bytes', async () => {
    const { p, a } = await setup();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
          fc
            .tuple(
              fc.constantFrom('GET', 'POST', 'G ET', ''),
              fc.string({ maxLength: 40 }),
              fc.string({ maxLength: 80 }),
            )
            .map(([m, path, h]) => `${m} /${path} HTTP/1.1\r\nHost: x\r\n${h}\r\nConnection: close\r\n\r\n`),
        ),
        async (input) => {
          const reply = await raw(p.port, input, { waitMs: 10 }, '\r\n\r\n');
          const status = statusOf(reply.text);
          expect(status === 0 || (status >= 200 && status < 600)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    const ok = await raw(p.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusOf(ok.text)).toBe(200);
    await expectNoOpenSockets(p, a);
  });
});
