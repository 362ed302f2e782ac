import type { Node, NodeList, NodeSortKey } from '@aurora/sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRow } from '../platform/store/index.js';
import { testEngines } from '../testing/engines.js';
import { startTestServer, type TestServer } from '../testing/harness.js';

const STATES = ['joining', 'ready', 'suspect', 'down', 'cordoned', 'draining'] as const;
const SORTS: NodeSortKey[] = ['name', 'state', 'zone', 'lastHeartbeatAt', 'createdAt'];
const COUNT = 60;

/** Nodes with repeated states, zones, times and labels, so ties and NULLs are everywhere. */
function fleet(): NodeRow[] {
  return Array.from({ length: COUNT }, (_, i) => ({
    id: `id-${i}`,
    name: `n${(i * 37) % 101}x${i % 7}`,
    state: STATES[i % STATES.length]!,
    stateReason: 'test',
    stateSince: 1_000,
    labels: { ...(i % 2 ? { role: i % 4 === 1 ? 'db' : 'web' } : {}), ...(i % 3 ? {} : { gpu: 'yes' }) },
    zone: i % 5 === 0 ? null : `z${i % 3}`,
    facts: null,
    conditions: [],
    credentialHash: `hash-${i}`,
    joinTokenId: null,
    joinKeyHash: null,
    lastHeartbeatAt: i % 4 === 0 ? null : 1_000 * (i % 9),
    operatorState: null,
    health: { joinedAt: 0, healthySince: null, failures: [], observedAt: 0 },
    createdAt: 500 * (i % 11),
  }));
}

/** The sort value as the API orders it (no zone as '', no heartbeat as -1). */
function keyOf(n: Node, sort: NodeSortKey): string | number {
  if (sort === 'lastHeartbeatAt') return n.lastHeartbeatAt === null ? -1 : Date.parse(n.lastHeartbeatAt);
  if (sort === 'createdAt') return Date.parse(n.createdAt);
  if (sort === 'zone') return n.zone ?? '';
  return sort === 'state' ? n.state : n.name;
}

const query = fc.record(
  {
    limit: fc.integer({ min: 1, max: 25 }),
    sort: fc.constantFrom(...SORTS),
    order: fc.constantFrom('asc', 'desc'),
    state: fc.constantFrom(...STATES),
    label: fc.constantFrom('role=db', 'role=web', 'gpu=yes', 'role=none'),
    hasLabel: fc.constantFrom('role', 'gpu', 'absent'),
    q: fc.constantFrom('x1', 'X2', 'n1', '%', '_', 'zz'),
  },
  { requiredKeys: ['limit', 'sort', 'order'] },
);

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`GET /v1/nodes paging on ${engine.name}`, () => {
    let server: TestServer;
    const nodes = fleet();
    const get = async (qs: string) =>
      server.app.inject({ method: 'GET', url: `/v1/nodes?${qs}`, headers: server.admin });
    beforeAll(async () => {
      server = await startTestServer({ engine });
      for (const row of nodes) await server.store.nodes.insert(row);
    });
    afterAll(async () => server?.close());

    it('pages through exactly the matching nodes, each once, in (sort key, name) order, with the total', async () => {
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const params = new URLSearchParams();
          for (const [k, v] of Object.entries(q)) params.set(k, String(v));
          const seen: Node[] = [];
          let cursor: string | null = null;
          let total = -1;
          let pages = 0;
          do {
            const p = new URLSearchParams(params);
            if (cursor) p.set('cursor', cursor);
            const res = await get(p.toString());
            expect(res.statusCode).toBe(200);
            const page = res.json() as NodeList;
            expect(page.items.length).toBeLessThanOrEqual(q.limit);
            if (page.next !== null) expect(page.items).toHaveLength(q.limit);
            total = page.total;
            seen.push(...page.items);
            cursor = page.next;
            pages++;
          } while (cursor !== null && pages <= COUNT + 1);
          const [labelKey, labelValue] = q.label?.split('=') ?? [];
          const expected = nodes.filter(
            (n) =>
              (q.state === undefined || n.state === q.state) &&
              (labelKey === undefined || n.labels[labelKey] === labelValue) &&
              (q.hasLabel === undefined || q.hasLabel in n.labels) &&
              (q.q === undefined || n.name.toLowerCase().includes(q.q.toLowerCase())),
          );
          expect(seen.map((n) => n.name).sort()).toEqual(expected.map((n) => n.name).sort());
          expect(total).toBe(expected.length);
          const sign = q.order === 'asc' ? 1 : -1;
          for (let i = 1; i < seen.length; i++) {
            const [a, b] = [keyOf(seen[i - 1]!, q.sort), keyOf(seen[i]!, q.sort)];
            // Names are lowercase letters and digits, which every collation orders alike.
            const cmp = a < b ? -1 : a > b ? 1 : seen[i - 1]!.name < seen[i]!.name ? -1 : 1;
            expect(cmp * sign).toBe(-1);
          }
        }),
        { numRuns: 60 },
      );
    });

    it('answers 500 nodes by default and refuses a limit outside 1 … 5000', async () => {
      const first = (await get('')).json() as NodeList;
      expect(first).toMatchObject({ next: null, total: COUNT });
      expect(first.items).toHaveLength(COUNT);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.integer({ min: -10, max: 0 }),
            fc.integer({ min: 5_001, max: 1e9 }),
            fc.constantFrom('1.5', 'ten', '', '1e3x'),
          ),
          async (limit) => {
            const res = await get(`limit=${encodeURIComponent(String(limit))}`);
            expect(res.statusCode).toBe(400);
            expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED' });
          },
        ),
        { numRuns: 20 },
      );
      expect((await get('limit=5000')).statusCode).toBe(200);
    });

    it('refuses cursors it did not make, or made for another sort, naming the fix; never a 5xx', async () => {
      const page = (await get('limit=2&sort=zone')).json() as NodeList;
      const other = await get(`limit=2&sort=name&cursor=${page.next}`);
      expect(other.statusCode).toBe(400);
      expect(other.json()).toMatchObject({ code: 'AURORA_INVALID_CURSOR', field: 'cursor' });
      expect(other.json().detail).toMatch(/belongs to sort=zone&order=asc.*leave cursor out/);
      const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ minLength: 1, maxLength: 40 }),
            fc.jsonValue().map(forged),
            fc.tuple(fc.constant('name'), fc.constant('asc'), fc.jsonValue(), fc.jsonValue()).map(forged),
            fc.tuple(fc.constant('name'), fc.constant('asc'), fc.string(), fc.string()).map(forged),
          ),
          fc.constantFrom(...SORTS),
          async (cursor, sort) => {
            const res = await get(`sort=${sort}&cursor=${encodeURIComponent(cursor)}`);
            expect(res.statusCode).toBeLessThan(500);
            if (res.statusCode !== 200) expect(res.json().code).toMatch(/^AURORA_(INVALID_CURSOR|VALIDATION_FAILED)$/);
          },
        ),
        { numRuns: 80 },
      );
    });

    it('answers at most 500 nodes when no limit is given', async () => {
      const more = fleet().map((row, i) => ({
        ...row,
        id: `more-${i}`,
        name: `more${i}`,
        credentialHash: `more-${i}`,
      }));
      for (let round = 0; round < 8; round++) {
        for (const row of more) {
          await server.store.nodes.insert({
            ...row,
            id: `${row.id}-${round}`,
            name: `${row.name}r${round}`,
            credentialHash: `${row.credentialHash}-${round}`,
          });
        }
      }
      const page = (await get('')).json() as NodeList;
      expect(page.total).toBe(COUNT * 9);
      expect(page.items).toHaveLength(500);
      expect(page.next).not.toBeNull();
    });

    it('refuses unknown sort keys and orders', async () => {
      for (const qs of ['sort=facts', 'order=up', 'state=gone']) {
        const res = await get(qs);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED' });
      }
    });
  });
}
