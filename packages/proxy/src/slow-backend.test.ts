import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningProxy, startProxy } from './server.js';
import { spec, startBackend, type TestBackend } from './testing/backends.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** One request over a fresh connection; resolves with the backend that answered it. */
function call(url: string, method = 'GET', body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers['x-backend'] ?? `status ${res.statusCode}`)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setUp(
  probeEveryMs: number,
  slowMs = 80,
): Promise<{ slow: TestBackend; fast: TestBackend[]; p: RunningProxy }> {
  const list = await Promise.all(['a', 'b', 'slow'].map((id) => startBackend(id)));
  for (const b of list) cleanup.push(() => b.close());
  const slow = list[2]!;
  slow.delayMs = slowMs;
  const p = await startProxy({
    service: { name: 'web', backends: list.map((b) => spec(b)) },
    balancer: { slow: { factor: 4, floorMs: 10, probeEveryMs } },
  });
  cleanup.unshift(() => p.close());
  // Nothing is known about a backend until it has answered once: requests go everywhere until the slow one has.
  let found = false;
  for (let i = 0; i < 300 && !found; i++) found = (await call(`${p.url}/warm`)) === 'slow';
  expect(found).toBe(true);
  return { slow, fast: list.slice(0, 2), p };
}

describe('a backend much slower than its peers', () => {
  it('is timed with copies of safe requests while every client is served by the fast backends', async () => {
    const { slow, p } = await setUp(100);
    const before = slow.seen.length;
    const answered: string[] = [];
    const until = Date.now() + 1_000;
    for (let i = 0; Date.now() < until; i++) answered.push(await call(`${p.url}/page?i=${i}`));
    await sleep(200); // the last shadow copy may still be on its way
    expect(answered.length).toBeGreaterThan(20);
    expect(answered.filter((id) => id === 'slow')).toEqual([]);
    const probes = slow.seen.slice(before);
    // One copy per 100 ms over a second: at least a few, never one per request.
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes.length).toBeLessThan(answered.length);
    for (const probe of probes) {
      expect(probe.method).toBe('GET');
      expect(probe.url).toMatch(/^\/page\?i=\d+$/);
      expect(probe.headers['x-forwarded-for']).toBe('127.0.0.1');
    }
  });

  it('gets an unsafe request as its probe, since no copy of one may be sent', async () => {
    const { slow, p } = await setUp(1_000);
    await sleep(1_100); // a probe is due
    const before = slow.seen.length;
    expect(await call(`${p.url}/order`, 'POST', 'one')).toBe('slow');
    expect(slow.seen.slice(before).map((r) => r.method)).toEqual(['POST']);
    // The probe confirmed it slow: the next unsafe request goes elsewhere.
    expect(await call(`${p.url}/order`, 'POST', 'two')).not.toBe('slow');
  });

  it('stays shunned under concurrent load after its peers had one slow moment', async () => {
    // 1 s, so that a loaded test machine slowing the fast backends down cannot make it "not much slower".
    const { fast, p } = await setUp(1_000, 1_000);
    // Busy but well: 20 ms an answer, so that requests queue on the fast backends and the idle slow one looks cheap
    // to a cost-based picker; sixteen clients at once keep them that busy.
    for (const b of fast) b.delayMs = 20;
    const answered: string[] = [];
    const started = Date.now();
    const load = Promise.all(
      Array.from({ length: 16 }, async (_, c) => {
        for (let i = 0; Date.now() - started < 2_000; i++) answered.push(await call(`${p.url}/c${c}?i=${i}`));
      }),
    );
    // Half a second in, a moment of 300 ms answers from both (a GC pause, say): a peak their latency estimate holds
    // for seconds, against which the 1 s backend would pass for one of theirs; their mean over the busy second moves
    // by a few milliseconds.
    await sleep(500);
    for (const b of fast) b.delayMs = 300;
    await sleep(50);
    for (const b of fast) b.delayMs = 20;
    await load;
    expect(answered.length).toBeGreaterThan(100);
    expect(answered.filter((id) => id === 'slow')).toEqual([]);
  });
});
