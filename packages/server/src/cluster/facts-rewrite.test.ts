import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';

describe('facts kept across heartbeats', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  const beat = (credential: string, facts: ReturnType<typeof sampleFacts>) =>
    server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload: { sentAt: server.clock.now(), facts, batches: [] },
    });
  const stored = async (name: string) =>
    (await server.app.inject({ method: 'GET', url: `/v1/nodes/${name}`, headers: server.admin })).json();

  it('a node repeating its facts keeps them, and a change after repeats is stored, as is a change back', async () => {
    const { credential } = await joinNode(server, 'facts-repeat');
    const first = sampleFacts({ hostname: 'first', labels: { role: 'web' }, zone: 'a' });
    const second = sampleFacts({ hostname: 'second', labels: { role: 'db' } });
    for (const facts of [first, first, first]) expect((await beat(credential, facts)).statusCode).toBe(200);
    expect(await stored('facts-repeat')).toMatchObject({ facts: first, labels: { role: 'web' }, zone: 'a' });
    expect((await beat(credential, second)).statusCode).toBe(200);
    const changed = await stored('facts-repeat');
    expect(changed).toMatchObject({ facts: second, labels: { role: 'db' } });
    expect(changed.zone ?? null).toBeNull();
    for (const facts of [second, first]) expect((await beat(credential, facts)).statusCode).toBe(200);
    expect(await stored('facts-repeat')).toMatchObject({ facts: first, labels: { role: 'web' }, zone: 'a' });
  });

  it('a deleted node is refused at once although its credential was remembered at join', async () => {
    const { credential } = await joinNode(server, 'facts-deleted');
    expect((await beat(credential, sampleFacts())).statusCode).toBe(200);
    const del = await server.app.inject({ method: 'DELETE', url: '/v1/nodes/facts-deleted', headers: server.admin });
    expect(del.statusCode).toBeLessThan(300);
    expect((await beat(credential, sampleFacts())).statusCode).toBe(401);
  });
});
