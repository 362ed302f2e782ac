import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';

describe('API tokens and ABAC over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await joinNode(server, 'blue-1', sampleFacts({ hostname: 'blue-1', labels: { team: 'blue' } }));
    await joinNode(server, 'red-1', sampleFacts({ hostname: 'red-1', labels: { team: 'red' } }));
    await joinNode(
      server,
      'blue-prod',
      sampleFacts({ hostname: 'blue-prod', labels: { team: 'blue', environment: 'production' } }),
    );
  });
  afterAll(async () => server?.close());

  const create = async (body: object) => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: server.admin,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; token: string; expiresAt: string };
  };
  const as = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string) =>
    server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });

  it('an operator drains nodes of its team, is refused others naming the policy, and needs approval on production', async () => {
    const { token } = await create({ name: 'ops-blue', roles: ['operator'], teams: ['blue'] });
    expect((await as(token, 'POST', '/v1/nodes/blue-1/drain')).statusCode).toBe(200);
    const red = await as(token, 'POST', '/v1/nodes/red-1/drain');
    expect(red.statusCode).toBe(403);
    expect(red.json()).toMatchObject({ code: 'AURORA_FORBIDDEN' });
    expect(red.json().detail).toContain('"operator-own-team"');
    const prod = await as(token, 'POST', '/v1/nodes/blue-prod/drain');
    expect(prod.statusCode).toBe(403);
    expect(prod.json().code).toBe('AURORA_APPROVAL_REQUIRED');
    expect(prod.json().detail).toContain('"production-needs-approval"');
    // Reads are not limited by team; the admin token is not held by the approval policy.
    expect((await as(token, 'GET', '/v1/nodes/red-1')).statusCode).toBe(200);
    expect(
      (await server.app.inject({ method: 'POST', url: '/v1/nodes/blue-prod/cordon', headers: server.admin }))
        .statusCode,
    ).toBe(200);
  });

  it('the secret is shown once and stored hashed; a revoked token is refused at once, and replaying it stays refused', async () => {
    const created = await create({ name: 'ci', roles: ['viewer'] });
    const list = await server.app.inject({ method: 'GET', url: '/v1/api-tokens', headers: server.admin });
    expect(list.body).not.toContain(created.token);
    expect((await as(created.token, 'GET', '/v1/nodes')).statusCode).toBe(200);
    const revoked = await server.app.inject({
      method: 'DELETE',
      url: `/v1/api-tokens/${created.id}`,
      headers: server.admin,
    });
    expect(revoked.statusCode).toBe(204);
    for (let i = 0; i < 3; i++) {
      const replay = await as(created.token, 'GET', '/v1/nodes');
      expect(replay.statusCode).toBe(401);
      expect(replay.json().code).toBe('AURORA_TOKEN_INVALID');
    }
    const again = await server.app.inject({
      method: 'DELETE',
      url: `/v1/api-tokens/${created.id}`,
      headers: server.admin,
    });
    expect(again.statusCode).toBe(204);
    const missing = await server.app.inject({ method: 'DELETE', url: '/v1/api-tokens/nope', headers: server.admin });
    expect(missing.json().code).toBe('AURORA_TOKEN_NOT_FOUND');
    const row = (await server.app.inject({ method: 'GET', url: '/v1/api-tokens', headers: server.admin }))
      .json()
      .items.find((t: { id: string }) => t.id === created.id);
    expect(row.revokedAt).not.toBeNull();
  });

  it('an expired token is refused', async () => {
    const created = await create({ name: 'short', roles: ['viewer'], ttlSeconds: 60 });
    expect((await as(created.token, 'GET', '/v1/nodes')).statusCode).toBe(200);
    server.clock.advance(61_000);
    const res = await as(created.token, 'GET', '/v1/nodes');
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AURORA_TOKEN_INVALID');
  });

  it('a viewer cannot mint tokens, and a role the policies do not know grants nothing', async () => {
    const viewer = await create({ name: 'v', roles: ['viewer'] });
    expect((await as(viewer.token, 'POST', '/v1/api-tokens')).statusCode).toBe(403);
    const nobody = await create({ name: 'n', roles: ['auditor'] });
    const res = await as(nobody.token, 'GET', '/v1/nodes');
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toContain('no policy permits it');
  });
});
