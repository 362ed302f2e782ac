import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@aurora/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFailoverFetch } from './failover-fetch.js';

/** A real HTTP server on 127.0.0.1 answering every request with `status` and its own name. */
async function replica(
  name: string,
  status: () => number,
): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(status(), { 'content-type': 'text/plain' }).end(name);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise((r) => server.close(() => r())) };
}

describe('failover between control plane replicas', () => {
  let down: string;
  let a: Awaited<ReturnType<typeof replica>>;
  let b: Awaited<ReturnType<typeof replica>>;
  let aStatus = 200;
  beforeAll(async () => {
    // Nothing listens here: connections are refused.
    down = `http://127.0.0.1:${await freePort()}`;
    a = await replica('a', () => aStatus);
    b = await replica('b', () => 200);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('moves to the next replica when one refuses connections or says it is unavailable, and stays there', async () => {
    const switches: string[] = [];
    const stop = new AbortController();
    const f = createFailoverFetch([down, a.url, b.url], fetch, {
      signal: stop.signal,
      onSwitch: (from, to, reason) =>
        switches.push(
          `${from === down ? 'down' : from === a.url ? 'a' : 'b'}→${to === a.url ? 'a' : to === b.url ? 'b' : 'down'} ${reason}`,
        ),
    });
    const first = await f.fetch(`${down}/v1/agent/heartbeat`, { method: 'POST', body: '{"n":1}' });
    expect(await first.text()).toBe('a');
    expect(a.hits).toEqual(['POST /v1/agent/heartbeat {"n":1}']);
    expect(switches).toEqual(['down→a ECONNREFUSED']);
    expect(f.current()).toBe(a.url);
    // Sticky: the next request goes straight to the replica that answered.
    await f.fetch(`${down}/v1/agent/heartbeat`, { method: 'POST', body: '{"n":2}' });
    expect(switches).toHaveLength(1);
    // A replica behind a proxy that answers 503 is left for the next; the same body is sent again.
    aStatus = 503;
    const third = await f.fetch(`${down}/v1/agent/heartbeat`, { method: 'POST', body: '{"n":3}' });
    expect(await third.text()).toBe('b');
    expect(b.hits).toEqual(['POST /v1/agent/heartbeat {"n":3}']);
    expect(switches[1]).toBe('a→b status 503');
    expect(f.current()).toBe(b.url);
  });

  it('gives the last answer or error when no replica serves, and does not fail over a request the agent cut short', async () => {
    aStatus = 503;
    const stop = new AbortController();
    const onlyDown = createFailoverFetch([down, a.url], fetch, { signal: stop.signal });
    expect((await onlyDown.fetch(`${down}/v1/x`)).status).toBe(503);
    const bothDown = createFailoverFetch([down, `http://127.0.0.1:${await freePort()}`], fetch, {
      signal: stop.signal,
    });
    await expect(bothDown.fetch(`${down}/v1/x`)).rejects.toThrow();
    const switches: string[] = [];
    const stopping = createFailoverFetch([a.url, b.url], fetch, {
      signal: stop.signal,
      onSwitch: (_from, to) => switches.push(to),
    });
    stop.abort();
    await expect(stopping.fetch(`${a.url}/v1/x`, { signal: stop.signal })).rejects.toThrow();
    expect(switches).toEqual([]);
  });
});
