/**
 * `npm run bench:nodes -- [--nodes 10000] [--runs 20]`: how long `GET /v1/nodes` takes and how
 * many bytes it answers for a large fleet on the embedded store: the default page (500), the
 * largest page (5,000), a page deep in the list (by cursor), a sorted and a filtered page, and
 * the whole fleet read page by page as the console and `aurora nodes` do. Prints a table and
 * writes bench/results/nodes-list.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { NodeList } from '@aurora/sdk';
import { compileConfig, startServer } from '@aurora/server';
import { seedNodes } from '@aurora/server/testing';
import { printTable, quantile, writeResult } from '../lib/report.js';

const ADMIN = 'bench-admin-token-0123456789';
const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '10000' }, runs: { type: 'string', default: '20' } },
});
const count = Number(values.nodes);
const runs = Number(values.runs);
if (!Number.isInteger(count) || count < 1) throw new Error(`--nodes takes a whole number (got "${values.nodes}")`);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number (got "${values.runs}")`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-bench-nodes-'));
const server = await startServer(
  compileConfig({
    env: { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'silent' },
    overrides: { port: 0, dataDir: path.join(dir, 'data') },
  }),
  { manualControllers: true, consoleDir: path.join(dir, 'no-console') },
);
try {
  await seedNodes(server.store, count);
  const get = async (qs: string) => {
    const started = performance.now();
    const res = await fetch(`${server.url}/v1/nodes${qs}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`GET /v1/nodes${qs}: ${res.status} ${text}`);
    return { ms: performance.now() - started, bytes: Buffer.byteLength(text), page: JSON.parse(text) as NodeList };
  };
  const middle = (await get(`?limit=${Math.floor(count / 2)}`)).page.next ?? '';
  const cases: Array<{ name: string; run: () => Promise<{ ms: number; bytes: number; items: number }> }> = [
    { name: 'default page (500)', run: one('') },
    { name: 'limit=5000', run: one('?limit=5000') },
    { name: 'page at the middle (cursor)', run: one(`?cursor=${middle}`) },
    { name: 'sort=lastHeartbeatAt desc', run: one('?sort=lastHeartbeatAt&order=desc') },
    { name: 'state=suspect&label=role=db&q=7', run: one('?state=suspect&label=role%3Ddb&q=7') },
    {
      name: 'whole fleet, 5000 a page',
      run: async () => {
        let ms = 0;
        let bytes = 0;
        let items = 0;
        let cursor: string | null = null;
        do {
          const r = await get(`?limit=5000${cursor ? `&cursor=${cursor}` : ''}`);
          ms += r.ms;
          bytes += r.bytes;
          items += r.page.items.length;
          cursor = r.page.next;
        } while (cursor !== null);
        return { ms, bytes, items };
      },
    },
  ];
  function one(qs: string) {
    return async () => {
      const r = await get(qs);
      return { ms: r.ms, bytes: r.bytes, items: r.page.items.length };
    };
  }
  const rows: Array<{ case: string; items: number; bytes: number; medianMs: number; p95Ms: number }> = [];
  for (const c of cases) {
    await c.run(); // warm-up
    const times: number[] = [];
    let last = { ms: 0, bytes: 0, items: 0 };
    for (let i = 0; i < runs; i++) {
      last = await c.run();
      times.push(last.ms);
    }
    rows.push({
      case: c.name,
      items: last.items,
      bytes: last.bytes,
      medianMs: quantile(times, 0.5),
      p95Ms: quantile(times, 0.95),
    });
  }
  const whole = rows.at(-1)!;
  console.log(`\nGET /v1/nodes with ${count} nodes on the embedded store, ${runs} runs each\n`);
  printTable(
    ['request', 'nodes', 'bytes', 'median ms', 'p95 ms', 'median / whole fleet'],
    rows.map((r) => [
      r.case,
      r.items,
      r.bytes,
      r.medianMs.toFixed(1),
      r.p95Ms.toFixed(1),
      (r.medianMs / whole.medianMs).toFixed(3),
    ]),
  );
  const file = writeResult('nodes-list', { nodes: count, runs, store: 'pglite', cases: rows });
  console.log(`\nwrote ${file}`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
