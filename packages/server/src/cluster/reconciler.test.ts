import type { AuroraEvent } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, sendHeartbeat, startTestServer, type TestServer } from '../testing/harness.js';

describe('health reconciler', () => {
  let server: TestServer;
  const events: AuroraEvent[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    server.bus.subscribe((e) => events.push(e));
  });
  afterAll(async () => server?.close());

  const heartbeat = (credential: string) => sendHeartbeat(server, credential);

  const node = async (name: string) =>
    (await server.app.inject({ method: 'GET', url: `/v1/nodes/${name}`, headers: server.admin })).json();

  it('a node that misses three heartbeats turns suspect, then down after 40 s, and ready when it returns', async () => {
    const { credential } = await joinNode(server, 'web-1');
    await heartbeat(credential);
    server.clock.advance(14_000);
    await server.reconciler.runOnce();
    expect((await node('web-1')).state).toBe('ready');
    server.clock.advance(1_000);
    await server.reconciler.runOnce();
    const suspect = await node('web-1');
    expect(suspect.state).toBe('suspect');
    expect(suspect.stateReason).toBe('no heartbeat for 15s (suspect after 15s)');
    server.clock.advance(25_000);
    await server.reconciler.runOnce();
    const down = await node('web-1');
    expect(down.state).toBe('down');
    expect(down.stateReason).toContain('down after 40s');
    expect(down.stateSince).toBe(new Date(server.clock.now()).toISOString());
    expect((await heartbeat(credential)).state).toBe('ready');
    const changes = events
      .filter((e) => e.type === 'node.state_changed')
      .map((e) => e.type === 'node.state_changed' && `${e.from}>${e.to}`);
    expect(changes).toEqual(['joining>ready', 'ready>suspect', 'suspect>down', 'down>ready']);
  });

  it('persists every transition with its reason', async () => {
    const row = await server.store.nodes.byName('web-1');
    const history = await server.store.nodes.transitions(row?.id ?? '');
    expect(history.map((t) => t.toState).reverse()).toEqual(['ready', 'suspect', 'down', 'ready']);
    expect(history.every((t) => t.reason.length > 0)).toBe(true);
  });

  it('a cordoned node stays cordoned while healthy, goes suspect when silent, and returns to cordoned', async () => {
    const { credential } = await joinNode(server, 'db-1');
    await heartbeat(credential);
    const cordoned = await server.app.inject({
      method: 'POST',
      url: '/v1/nodes/db-1/cordon',
      headers: server.admin,
      payload: {},
    });
    expect(cordoned.json()).toMatchObject({
      state: 'cordoned',
      stateReason: 'cordoned by an operator',
      facts: { hostname: 'web-1' },
    });
    server.clock.advance(5_000);
    expect((await heartbeat(credential)).state).toBe('cordoned');
    server.clock.advance(16_000);
    await server.reconciler.runOnce();
    expect((await node('db-1')).state).toBe('suspect');
    expect((await heartbeat(credential)).state).toBe('cordoned');
    const drained = await server.app.inject({
      method: 'POST',
      url: '/v1/nodes/db-1/drain',
      headers: server.admin,
      payload: {},
    });
    expect(drained.json().state).toBe('draining');
    const uncordoned = await server.app.inject({
      method: 'POST',
      url: '/v1/nodes/db-1/uncordon',
      headers: server.admin,
      payload: {},
    });
    expect(uncordoned.json().state).toBe('ready');
  });

  it('lists nodes filtered by state and labels, counts them in the summary, and deletes them', async () => {
    await joinNode(server, 'cache-1', sampleFacts({ labels: { role: 'cache', zone: 'b' } }));
    const byLabel = await server.app.inject({
      method: 'GET',
      url: '/v1/nodes?label=role=cache&label=zone=b',
      headers: server.admin,
    });
    expect(byLabel.json().items.map((n: { name: string }) => n.name)).toEqual(['cache-1']);
    const joining = await server.app.inject({ method: 'GET', url: '/v1/nodes?state=joining', headers: server.admin });
    expect(joining.json().items.map((n: { name: string }) => n.name)).toEqual(['cache-1']);
    const bad = await server.app.inject({ method: 'GET', url: '/v1/nodes?label=nokey', headers: server.admin });
    expect(bad.json()).toMatchObject({ status: 400, field: 'label' });
    const summary = (
      await server.app.inject({ method: 'GET', url: '/v1/cluster/summary', headers: server.admin })
    ).json();
    // web-1 went silent during the cordon test, so it is suspect by now.
    expect(summary).toMatchObject({
      nodes: { total: 3, byState: { joining: 1, ready: 1, suspect: 1 } },
      leader: true,
      store: 'pglite',
    });
    const del = await server.app.inject({ method: 'DELETE', url: '/v1/nodes/cache-1', headers: server.admin });
    expect(del.statusCode).toBe(204);
    expect(events.at(-1)).toMatchObject({ type: 'node.deleted', name: 'cache-1' });
    expect(
      (await server.app.inject({ method: 'DELETE', url: '/v1/nodes/cache-1', headers: server.admin })).statusCode,
    ).toBe(404);
  });

  it('a deleted node credential stops working', async () => {
    const { credential } = await joinNode(server, 'gone-1');
    await heartbeat(credential);
    await server.app.inject({ method: 'DELETE', url: '/v1/nodes/gone-1', headers: server.admin });
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload: { sentAt: server.clock.now(), facts: sampleFacts(), batches: [] },
    });
    expect(res.statusCode).toBe(401);
  });

  it('a cordon or uncordon of a suspect node is stored, shown and recorded at once, and applies when it returns', async () => {
    const act = async (verb: 'cordon' | 'uncordon') => {
      const res = await server.app.inject({
        method: 'POST',
        url: `/v1/nodes/quiet-1/${verb}`,
        headers: server.admin,
        payload: {},
      });
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    const lastChange = () => events.filter((e) => e.type === 'node.state_changed').at(-1);
    const history = async () =>
      (await server.app.inject({ method: 'GET', url: '/v1/nodes/quiet-1/transitions', headers: server.admin })).json()
        .items;
    const { credential } = await joinNode(server, 'quiet-1');
    await heartbeat(credential);
    server.clock.advance(16_000);
    await server.reconciler.runOnce();
    expect(await node('quiet-1')).toMatchObject({ state: 'suspect', operatorState: null });

    const requested = 'cordoned by an operator while suspect; takes effect when heartbeats resume';
    expect(await act('cordon')).toMatchObject({ state: 'suspect', operatorState: 'cordoned' });
    expect(await node('quiet-1')).toMatchObject({ state: 'suspect', operatorState: 'cordoned' });
    expect((await history())[0]).toMatchObject({ from: 'suspect', to: 'suspect', reason: requested });
    expect(lastChange()).toMatchObject({ from: 'suspect', to: 'suspect', reason: requested });
    // Asking again changes nothing, so it records nothing.
    const recorded = (await history()).length;
    await act('cordon');
    expect(await history()).toHaveLength(recorded);

    expect((await heartbeat(credential)).state).toBe('cordoned');
    expect(await node('quiet-1')).toMatchObject({
      state: 'cordoned',
      operatorState: 'cordoned',
      stateReason: 'cordoned by an operator; heartbeats resumed after being suspect',
    });

    server.clock.advance(16_000);
    await server.reconciler.runOnce();
    expect(await act('uncordon')).toMatchObject({ state: 'suspect', operatorState: null });
    expect((await history())[0]).toMatchObject({
      from: 'suspect',
      to: 'suspect',
      reason: 'uncordoned by an operator while suspect; takes effect when heartbeats resume',
    });
    expect((await heartbeat(credential)).state).toBe('ready');
    expect(await node('quiet-1')).toMatchObject({
      state: 'ready',
      operatorState: null,
      stateReason: 'heartbeats resumed after being suspect',
    });
  });
});
