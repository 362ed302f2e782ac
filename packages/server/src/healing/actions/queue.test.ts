import type { HeartbeatResponse } from '@aurora/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';

let server: TestServer;
let web: { credential: string; nodeId: string };
let db: { credential: string; nodeId: string };

beforeEach(async () => {
  server = await startTestServer();
  web = await joinNode(server, 'web-1');
  db = await joinNode(server, 'db-1', sampleFacts({ hostname: 'db-1' }));
});
afterEach(async () => {
  await server.close();
});

async function heartbeat(credential: string, actionResults?: unknown[]): Promise<HeartbeatResponse> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/v1/agent/heartbeat',
    headers: { authorization: `Bearer ${credential}` },
    payload: {
      sentAt: server.clock.now(),
      facts: sampleFacts(),
      batches: [],
      ...(actionResults ? { actionResults } : {}),
    },
  });
  if (res.statusCode !== 200) throw new Error(`heartbeat answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

async function queue(node: string, body: unknown) {
  return server.app.inject({
    method: 'POST',
    url: `/v1/nodes/${node}/actions`,
    headers: server.admin,
    payload: body as object,
  });
}

async function actions(node: string) {
  const res = await server.app.inject({ method: 'GET', url: `/v1/nodes/${node}/actions`, headers: server.admin });
  expect(res.statusCode).toBe(200);
  return res.json().items as Array<{ id: string; status: string; details: unknown }>;
}

describe('agent actions through heartbeats', () => {
  it('delivers a queued action to its node only, until the node reports its result', async () => {
    const res = await queue('web-1', { id: 'restart-web-001', kind: 'restart-service', params: { service: 'web' } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id: 'restart-web-001', node: 'web-1', status: 'pending' });

    expect((await heartbeat(db.credential)).actions).toBeUndefined();
    const first = await heartbeat(web.credential);
    expect(first.actions).toEqual([{ id: 'restart-web-001', kind: 'restart-service', params: { service: 'web' } }]);
    expect((await actions('web-1'))[0]?.status).toBe('delivered');
    // No result yet (the answer may have been lost): delivered again.
    expect((await heartbeat(web.credential)).actions?.map((a) => a.id)).toEqual(['restart-web-001']);

    // Another node cannot report a result for it.
    const result = { id: 'restart-web-001', status: 'succeeded', details: { pid: 42 }, finishedAt: server.clock.now() };
    expect((await heartbeat(db.credential, [result])).actionResultsStored).toEqual(['restart-web-001']);
    expect((await actions('web-1'))[0]?.status).toBe('delivered');

    const answered = await heartbeat(web.credential, [result]);
    expect(answered.actionResultsStored).toEqual(['restart-web-001']);
    expect(answered.actions).toBeUndefined();
    expect((await actions('web-1'))[0]).toMatchObject({ status: 'succeeded', details: { pid: 42 } });
    expect((await heartbeat(web.credential)).actions).toBeUndefined();
  });

  it('queues one action per id and refuses an id taken by another action', async () => {
    const body = {
      id: 'clean-tmp-0001',
      kind: 'clean-path',
      params: { path: '/var/tmp/x', pattern: '*.tmp', olderThan: '1d' },
    };
    expect((await queue('web-1', body)).statusCode).toBe(202);
    expect((await queue('web-1', body)).statusCode).toBe(202);
    expect(await actions('web-1')).toHaveLength(1);
    const clash = await queue('db-1', body);
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'AURORA_CONFLICT', field: 'id' });
  });

  it('refuses shell text, unknown kinds, unknown nodes and bad timeouts at the API', async () => {
    const shell = await queue('web-1', { kind: 'run', params: { command: 'rm -rf /' } });
    expect(shell.statusCode).toBe(400);
    const extra = await queue('web-1', { kind: 'restart-service', params: { service: 'web', command: 'sh' } });
    expect(extra.statusCode).toBe(400);
    expect((await queue('nope-1', { kind: 'rotate-logs', params: { log: 'app' } })).statusCode).toBe(404);
    const timeout = await queue('web-1', { kind: 'rotate-logs', params: { log: 'app' }, timeout: 'forever' });
    expect(timeout.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: 'timeout' });
  });

  it('expires an action that no result reached in time, and still records a late result', async () => {
    await queue('web-1', { id: 'rotate-late-01', kind: 'rotate-logs', params: { log: 'app' }, timeout: '10s' });
    expect((await heartbeat(web.credential)).actions).toHaveLength(1);
    server.clock.advance(11_000);
    expect((await heartbeat(web.credential)).actions).toBeUndefined();
    expect((await actions('web-1'))[0]?.status).toBe('expired');
    const late = { id: 'rotate-late-01', status: 'failed', details: { reason: 'not-found' }, finishedAt: 1 };
    await heartbeat(web.credential, [late]);
    expect((await actions('web-1'))[0]).toMatchObject({ status: 'failed', details: { reason: 'not-found' } });
  });
});
