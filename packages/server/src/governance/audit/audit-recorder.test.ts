import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sendHeartbeat, startTestServer, type TestServer } from '../../testing/harness.js';

describe('the audit trail records what operators and agents change', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  const entries = async () => {
    const res = await server.app.inject({ method: 'GET', url: '/v1/audit?limit=5000', headers: server.admin });
    expect(res.statusCode).toBe(200);
    return (res.json().items as { seq: number; entry: string }[]).map((i) => JSON.parse(i.entry));
  };

  it('mutating requests, joins, denials and failed authentications are chained; reads and ingest are not', async () => {
    const before = (await entries()).length;
    const { credential } = await joinNode(server, 'audited-1');
    await sendHeartbeat(server, credential);
    await sendHeartbeat(server, credential);
    await server.app.inject({ method: 'GET', url: '/v1/nodes', headers: server.admin });
    await server.app.inject({ method: 'POST', url: '/v1/nodes/audited-1/cordon', headers: server.admin });
    const viewer = await server.app.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: server.admin,
      payload: { name: 'auditor', roles: ['viewer'] },
    });
    await server.app.inject({
      method: 'POST',
      url: '/v1/nodes/audited-1/drain',
      headers: { authorization: `Bearer ${viewer.json().token}` },
    });
    await server.app.inject({ method: 'GET', url: '/v1/nodes', headers: { authorization: 'Bearer forged' } });

    const added = (await entries()).slice(before);
    expect(added.map((e) => [e.kind, e.action ?? e.route, e.status])).toEqual([
      ['request', 'token.create', 201],
      ['request', 'node.join', 201],
      ['request', 'node.cordon', 200],
      ['request', 'apitoken.create', 201],
      ['request', 'node.drain', 403],
      ['auth.failed', '/v1/nodes', 401],
    ]);
    const cordon = added[2];
    expect(cordon).toMatchObject({
      actor: { kind: 'admin', id: 'admin' },
      outcome: 'allow',
      policies: ['admin'],
      params: { name: 'audited-1' },
      method: 'POST',
    });
    expect(added[4]).toMatchObject({ actor: { kind: 'service', name: 'auditor' }, outcome: 'deny' });
    // Secrets never reach the trail: neither the API token minted nor the join token.
    const text = JSON.stringify(added);
    expect(text).not.toContain(viewer.json().token);
    expect(text).not.toContain('aurora-join.');
  });

  it('verifies over HTTP, names the key, and refuses a foreign pinned key', async () => {
    const ok = await server.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: server.admin });
    expect(ok.json()).toMatchObject({ intact: true, firstBroken: null });
    const cps = await server.app.inject({ method: 'GET', url: '/v1/audit/checkpoints', headers: server.admin });
    const pinned = await server.app.inject({
      method: 'GET',
      url: `/v1/audit/verify?publicKey=${encodeURIComponent(cps.json().publicKey)}`,
      headers: server.admin,
    });
    expect(pinned.json().intact).toBe(true);
    const { generateKeyPairSync } = await import('node:crypto');
    const foreign = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: server.admin, payload: {} });
    const cp = await server.app.inject({ method: 'GET', url: '/v1/audit/checkpoints', headers: server.admin });
    if (cp.json().items.length === 0) {
      // Nothing signed yet: the foreign key has nothing to refuse; sign by time.
      server.clock.advance(3_600_000);
      await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: server.admin, payload: {} });
    }
    const refused = await server.app.inject({
      method: 'GET',
      url: `/v1/audit/verify?publicKey=${encodeURIComponent(foreign)}`,
      headers: server.admin,
    });
    expect(refused.json().intact).toBe(false);
    const bad = await server.app.inject({
      method: 'GET',
      url: '/v1/audit/verify?publicKey=nonsense',
      headers: server.admin,
    });
    expect(bad.statusCode).toBe(400);
  });
});
