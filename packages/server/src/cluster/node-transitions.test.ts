import { AuroraApiError, AuroraClient, type NodeTransition } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../testing/engines.js';
import { joinNode, sendHeartbeat, startTestServer, type TestServer } from '../testing/harness.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`node state history on ${engine.name}`, () => {
    let server: TestServer;
    let client: AuroraClient;
    /** What happened to web-1, oldest first, as the test drove it. */
    const expected: Pick<NodeTransition, 'from' | 'to' | 'at'>[] = [];

    const heartbeat = (credential: string) => sendHeartbeat(server, credential);

    const act = async (name: string, action: 'cordon' | 'uncordon' | 'drain') => {
      const res = await server.app.inject({
        method: 'POST',
        url: `/v1/nodes/${name}/${action}`,
        headers: server.admin,
        payload: {},
      });
      expect(res.statusCode).toBe(200);
    };
    const get = (url: string) => server.app.inject({ method: 'GET', url, headers: server.admin });
    const iso = () => new Date(server.clock.now()).toISOString();

    beforeAll(async () => {
      server = await startTestServer({ engine });
      client = new AuroraClient({ baseUrl: server.url, token: server.admin.authorization.slice('Bearer '.length) });
      const { credential } = await joinNode(server, 'web-1');
      await heartbeat(credential);
      expected.push({ from: 'joining', to: 'ready', at: iso() });
      server.clock.advance(1_000);
      await act('web-1', 'cordon');
      expected.push({ from: 'ready', to: 'cordoned', at: iso() });
      server.clock.advance(1_000);
      await act('web-1', 'drain');
      expected.push({ from: 'cordoned', to: 'draining', at: iso() });
      server.clock.advance(16_000);
      await server.reconciler.runOnce();
      expected.push({ from: 'draining', to: 'suspect', at: iso() });
      server.clock.advance(1_000);
      await heartbeat(credential);
      expected.push({ from: 'suspect', to: 'draining', at: iso() });
      server.clock.advance(1_000);
      await act('web-1', 'uncordon');
      expected.push({ from: 'draining', to: 'ready', at: iso() });
      // Another node's history must never leak into web-1's.
      await heartbeat((await joinNode(server, 'db-1')).credential);
      await act('db-1', 'cordon');
    });
    afterAll(async () => server?.close());

    it('lists every stored transition of a node newest first, with when, from, to and why', async () => {
      const res = await get('/v1/nodes/web-1/transitions');
      expect(res.statusCode).toBe(200);
      const { items, next } = res.json() as { items: NodeTransition[]; next: number | null };
      expect(items.map(({ from, to, at }) => ({ from, to, at }))).toEqual([...expected].reverse());
      expect(next).toBeNull();
      expect(items.find((t) => t.to === 'cordoned')?.reason).toBe('cordoned by an operator');
      expect(items.find((t) => t.to === 'suspect')?.reason).toMatch(/^no heartbeat for /);
    });

    it('pages with limit and the before cursor, without gaps or repeats, through the SDK', async () => {
      const seen: NodeTransition[] = [];
      let page = await client.nodeTransitions('web-1', { limit: 4 });
      expect(page.items).toHaveLength(4);
      seen.push(...page.items);
      expect(page.next).not.toBeNull();
      page = await client.nodeTransitions('web-1', { limit: 4, before: page.next ?? 0 });
      seen.push(...page.items);
      expect(page.items).toHaveLength(2);
      expect(page.next).toBeNull();
      expect(seen).toEqual((await client.nodeTransitions('web-1')).items);
    });

    it('says there is no next page when the last page is exactly full', async () => {
      const page = await client.nodeTransitions('web-1', { limit: expected.length });
      expect(page.items).toHaveLength(expected.length);
      expect(page.next).toBeNull();
    });

    it('answers 404 problem+json for a node that does not exist, or no longer does', async () => {
      const missing = await get('/v1/nodes/nope/transitions');
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toContain('application/problem+json');
      expect(missing.json()).toMatchObject({ code: 'AURORA_NODE_NOT_FOUND', instance: '/v1/nodes/nope/transitions' });
      await expect(client.nodeTransitions('db-1')).resolves.toMatchObject({ items: [{ to: 'cordoned' }, {}] });
      await client.deleteNode('db-1');
      const error = await client.nodeTransitions('db-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuroraApiError);
      expect((error as AuroraApiError).code).toBe('AURORA_NODE_NOT_FOUND');
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=2.5', 'limit'],
      ['before=0', 'before'],
      ['before=-5', 'before'],
      ['before=9007199254740992', 'before'],
    ])('refuses %s with 400 naming the field', async (qs, field) => {
      const res = await get(`/v1/nodes/web-1/transitions?${qs}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: `querystring.${field}` });
    });

    it('is in the OpenAPI document with its query and page schema', async () => {
      const doc = (await server.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
      const route = doc.paths['/v1/nodes/{name}/transitions']?.get;
      expect(route.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['before', 'limit', 'name']);
      const page = route.responses['200'].content['application/json'].schema;
      expect(Object.keys(page.properties).sort()).toEqual(['items', 'next']);
      expect(route.responses['404']).toBeDefined();
    });
  });
}
