import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuroraEvent } from '@aurora/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStream, type StreamStatus } from './event-stream.js';

type Handler = (req: IncomingMessage, res: ServerResponse, connection: number) => void;

async function serve(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
  let connections = 0;
  const server = createServer((req, res) => handler(req, res, ++connections));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function waitFor<T>(check: () => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const poll = () => {
      const value = check();
      if (value !== undefined) resolve(value);
      else setTimeout(poll, 10);
    };
    poll();
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('event stream', () => {
  it('opens the stream with a single-use ticket, never a token, and delivers typed events from it', async () => {
    let authorization: string | undefined;
    let url: string | undefined;
    const server = await serve((req, res) => {
      authorization = req.headers.authorization;
      url = req.url;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\nevent: node.deleted\ndata: {"name":"n1","at":"2026-01-01T00:00:00Z"}\n\n');
    });
    cleanups.push(server.close);
    const events: AuroraEvent[] = [];
    const close = openEventStream({
      baseUrl: server.url,
      ticket: async () => 'aurora-ticket.one+two',
      onEvent: (e) => events.push(e),
    });
    cleanups.push(close);
    const first = await waitFor(() => events[0]);
    expect(first).toEqual({ type: 'node.deleted', name: 'n1', at: '2026-01-01T00:00:00Z' });
    expect(url).toBe('/v1/events?ticket=aurora-ticket.one%2Btwo');
    expect(authorization).toBeUndefined();
  });

  it('reconnects after the server ends the stream with a fresh ticket each time, and reports open again', async () => {
    const urls: string[] = [];
    const server = await serve((req, res, connection) => {
      urls.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`event: node.deleted\ndata: {"name":"n${connection}","at":"t"}\n\n`);
    });
    cleanups.push(server.close);
    const names: string[] = [];
    const statuses: StreamStatus[] = [];
    let tickets = 0;
    const close = openEventStream({
      baseUrl: server.url,
      ticket: async () => `t${++tickets}`,
      retryMs: 5,
      onEvent: (e) => {
        if (e.type === 'node.deleted') names.push(e.name);
      },
      onStatus: (s) => statuses.push(s),
    });
    cleanups.push(close);
    await waitFor(() => (names.length >= 2 ? true : undefined));
    expect(names.slice(0, 2)).toEqual(['n1', 'n2']);
    expect(urls.slice(0, 2)).toEqual(['/v1/events?ticket=t1', '/v1/events?ticket=t2']);
    expect(statuses.filter((s) => s === 'open').length).toBeGreaterThanOrEqual(2);
  });

  it('stops and reports unauthorized when the server rejects the ticket', async () => {
    let requests = 0;
    const server = await serve((_req, res) => {
      requests++;
      res.writeHead(401, { 'content-type': 'application/problem+json' }).end('{}');
    });
    cleanups.push(server.close);
    const statuses: StreamStatus[] = [];
    const close = openEventStream({
      baseUrl: server.url,
      ticket: async () => 'bad',
      retryMs: 5,
      onEvent: () => {},
      onStatus: (s) => statuses.push(s),
    });
    cleanups.push(close);
    await waitFor(() => (statuses.includes('unauthorized') ? true : undefined));
    expect(requests).toBe(1);
  });

  it('stops without opening the stream when asking for a ticket is refused, and retries other failures', async () => {
    let requests = 0;
    const server = await serve((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': hi\n\n');
    });
    cleanups.push(server.close);
    const statuses: StreamStatus[] = [];
    let asked = 0;
    const close = openEventStream({
      baseUrl: server.url,
      ticket: async () => {
        asked++;
        // First the server is away, then the session has ended.
        throw asked === 1 ? new Error('fetch failed') : Object.assign(new Error('signed out'), { status: 401 });
      },
      retryMs: 5,
      onEvent: () => {},
      onStatus: (s) => statuses.push(s),
    });
    cleanups.push(close);
    await waitFor(() => (statuses.includes('unauthorized') ? true : undefined));
    expect(statuses).toEqual(['connecting', 'reconnecting', 'unauthorized']);
    expect(asked).toBe(2);
    expect(requests).toBe(0);
  });
});
