import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../platform/store/schema.js';
import { startTestServer, type TestServer } from '../../testing/harness.js';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('users, logins and sessions over HTTP', () => {
  let server: TestServer;
  let adminPassword: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { AURORA_LOGIN_MAX_FAILURES: '3', AURORA_LOGIN_LOCKOUT: '10m' } });
    adminPassword = server.firstAdmin?.password as string;
  });
  afterAll(async () => server?.close());

  const login = (name: string, password: string, extra: object = {}, ip = '127.0.0.1') =>
    server.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { name, password, ...extra },
      remoteAddress: ip,
    });
  const as = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const auditEntries = async () => {
    const res = await server.app.inject({ method: 'GET', url: '/v1/audit?limit=5000', headers: server.admin });
    return (res.json().items as { entry: string }[]).map((i) => JSON.parse(i.entry) as Record<string, unknown>);
  };
  const createUser = async (name: string, roles: string[], teams: string[] = []) => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: server.admin,
      payload: { name, password: `${name}-password-123`, roles, teams },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };

  it('the first start creates the admin user with a generated password, shown once; it logs in and refreshes', async () => {
    expect(server.firstAdmin?.name).toBe('admin');
    expect(adminPassword.length).toBeGreaterThanOrEqual(20);
    const row = (await server.store.db.select().from(users)).find((u) => u.name === 'admin');
    expect(row?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row?.passwordHash).not.toContain(adminPassword);

    const res = await login('admin', adminPassword);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.tokenType).toBe('Bearer');
    expect(body.refreshToken).toBeUndefined();
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^aurora_refresh=aurora-refresh\.[\w-]+; Path=\/v1\/sessions; HttpOnly; SameSite=Strict/);
    expect((await as(body.accessToken, 'GET', '/v1/me')).json()).toMatchObject({
      kind: 'user',
      name: 'admin',
      roles: ['admin'],
    });
    expect((await as(body.accessToken, 'GET', '/v1/audit/verify')).statusCode).toBe(200);

    const refreshCookie = cookie.split(';')[0] as string;
    const refreshed = await server.app.inject({
      method: 'POST',
      url: '/v1/sessions/refresh',
      headers: { cookie: refreshCookie },
      payload: {},
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(String(refreshed.headers['set-cookie'])).not.toContain(refreshCookie);
    // A refresh token works once: replaying the old one is refused.
    const replay = await server.app.inject({
      method: 'POST',
      url: '/v1/sessions/refresh',
      headers: { cookie: refreshCookie },
      payload: {},
    });
    expect(replay.statusCode).toBe(401);
    const entries = await auditEntries();
    // The trail names people by their user id (a random pseudonym), never by name: erasing the user unlinks it.
    const adminId = row?.id;
    expect(entries.some((e) => e.kind === 'login' && e.outcome === 'success' && e.userId === adminId)).toBe(true);
    expect(entries.some((e) => e.kind === 'login' && 'name' in e && e.userId !== undefined)).toBe(false);
    // The refresh is recorded as the user it continues, through a public route; the replay as a failed authentication.
    const refreshes = entries.filter((e) => e.route === '/v1/sessions/refresh');
    expect(refreshes.find((e) => e.status === 200)).toMatchObject({
      kind: 'request',
      outcome: 'public',
      actor: { kind: 'user', id: adminId },
    });
    expect(refreshes.find((e) => e.status === 401)).toMatchObject({ kind: 'auth.failed' });
  });

  it('after logout the access token and the refresh token are refused, however often they are replayed', async () => {
    const res = await login('admin', adminPassword, { refreshIn: 'body' });
    const { accessToken, refreshToken } = res.json();
    expect(typeof refreshToken).toBe('string');
    expect((await as(accessToken, 'DELETE', '/v1/sessions')).statusCode).toBe(204);
    for (let i = 0; i < 3; i++) {
      const again = await as(accessToken, 'GET', '/v1/nodes');
      expect(again.statusCode).toBe(401);
      expect(again.json().code).toBe('AURORA_TOKEN_INVALID');
      const refresh = await server.app.inject({
        method: 'POST',
        url: '/v1/sessions/refresh',
        payload: { refreshToken },
      });
      expect(refresh.statusCode).toBe(401);
    }
  });

  it('forged access tokens are refused with 401 and recorded: alg none, a wrong key, a changed payload, an expired one', async () => {
    const good = (await login('admin', adminPassword)).json().accessToken as string;
    const [header, payload] = good.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const wrongKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32).fill(7));
    const promoted = `${header}.${b64({ ...claims, name: 'root', sub: 'someone-else' })}.${good.split('.')[2]}`;
    const hmacOfPayload = `${header}.${payload}.${createHmac('sha256', 'aurora').update(`${header}.${payload}`).digest('base64url')}`;
    const before = (await auditEntries()).filter((e) => e.kind === 'auth.failed').length;
    for (const forged of [none, wrongKey, promoted, hmacOfPayload, `${good}x`, 'eyJ.e30.']) {
      const res = await server.app.inject({
        method: 'GET',
        url: '/v1/nodes',
        headers: { authorization: `Bearer ${forged}` },
      });
      expect(res.statusCode, forged).toBe(401);
      expect(res.json().code).toBe('AURORA_TOKEN_INVALID');
    }
    expect((await auditEntries()).filter((e) => e.kind === 'auth.failed').length).toBe(before + 6);
    server.clock.advance(15 * 60_000 + 1000);
    const expired = await as(good, 'GET', '/v1/nodes');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('AURORA_TOKEN_EXPIRED');
  });

  it('brute force: a user locks after 3 wrong passwords (429, Retry-After), even the right one is refused until the lock ends, and every attempt is audited', async () => {
    const target = await createUser('mallory-target', ['viewer']);
    const before = (await auditEntries()).filter((e) => e.kind === 'login' && e.userId === target.id).length;
    expect((await login('mallory-target', 'guess-1-xxxxxxx')).statusCode).toBe(401);
    expect((await login('mallory-target', 'guess-2-xxxxxxx')).json().code).toBe('AURORA_LOGIN_FAILED');
    const locking = await login('mallory-target', 'guess-3-xxxxxxx');
    expect(locking.statusCode).toBe(429);
    expect(locking.json().code).toBe('AURORA_ACCOUNT_LOCKED');
    expect(Number(locking.headers['retry-after'])).toBe(600);
    const right = await login('mallory-target', 'mallory-target-password-123');
    expect(right.statusCode).toBe(429);
    expect(right.headers['content-type']).toContain('application/problem+json');
    const outcomes = (await auditEntries())
      .filter((e) => e.kind === 'login' && e.userId === target.id)
      .slice(before)
      .map((e) => e.outcome);
    expect(outcomes).toEqual(['failed', 'failed', 'failed-and-locked', 'locked']);
    server.clock.advance(10 * 60_000 + 1);
    expect((await login('mallory-target', 'mallory-target-password-123')).statusCode).toBe(200);
  });

  it('a viewer user reads, but cannot change users, policies of alerting, or its own roles; refused changes are audited and change nothing', async () => {
    const viewer = await createUser('vera', ['viewer']);
    const token = (await login('vera', 'vera-password-123')).json().accessToken as string;
    expect((await as(token, 'GET', '/v1/nodes')).statusCode).toBe(200);
    const rowsBefore = await server.store.db.select().from(users);
    const attempts = [
      await as(token, 'PATCH', `/v1/users/${viewer.id}`, { roles: ['admin'] }),
      await as(token, 'POST', '/v1/users', { name: 'sneaky', password: 'sneaky-password-1', roles: ['admin'] }),
      await as(token, 'POST', '/v1/alert-rules', { name: 'x', selector: 'up', op: '<', value: 1, for: '1m' }),
      await as(token, 'POST', '/v1/api-tokens', { name: 'x', roles: ['admin'] }),
    ];
    for (const res of attempts) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().detail).toContain('user "vera"');
    }
    expect(await server.store.db.select().from(users)).toEqual(rowsBefore);
    const denied = (await auditEntries()).filter(
      (e) => e.kind === 'request' && (e.actor as { id?: string })?.id === viewer.id && e.outcome === 'deny',
    );
    expect(denied.map((e) => e.action)).toEqual(['user.update', 'user.create', 'alertrule.create', 'apitoken.create']);
  });

  it('an operator user acts within its teams; a role change and disabling apply to live sessions at once', async () => {
    const op = await createUser('otto', ['operator'], ['blue']);
    const token = (await login('otto', 'otto-password-123')).json().accessToken as string;
    expect((await as(token, 'GET', '/v1/me')).json()).toMatchObject({ roles: ['operator'], teams: ['blue'] });
    await server.app.inject({
      method: 'PATCH',
      url: `/v1/users/${op.id}`,
      headers: server.admin,
      payload: { roles: ['viewer'] },
    });
    expect((await as(token, 'GET', '/v1/me')).json().roles).toEqual(['viewer']);
    await server.app.inject({
      method: 'PATCH',
      url: `/v1/users/${op.id}`,
      headers: server.admin,
      payload: { disabled: true },
    });
    expect((await as(token, 'GET', '/v1/me')).statusCode).toBe(401);
    expect((await login('otto', 'otto-password-123')).statusCode).toBe(401);
  });

  it('a user changes its own password with the current one; other sessions end, this one stays', async () => {
    await createUser('paula', ['viewer']);
    const first = (await login('paula', 'paula-password-123')).json().accessToken as string;
    const second = (await login('paula', 'paula-password-123')).json().accessToken as string;
    const wrong = await as(first, 'PUT', '/v1/me/password', {
      currentPassword: 'nope',
      newPassword: 'a-new-password-456',
    });
    expect(wrong.statusCode).toBe(400);
    const ok = await as(first, 'PUT', '/v1/me/password', {
      currentPassword: 'paula-password-123',
      newPassword: 'a-new-password-456',
    });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await as(first, 'GET', '/v1/me')).statusCode).toBe(200);
    expect((await as(second, 'GET', '/v1/me')).statusCode).toBe(401);
    expect((await login('paula', 'a-new-password-456')).statusCode).toBe(200);
    const byAdminToken = await server.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: server.admin,
      payload: { currentPassword: 'x', newPassword: 'another-password-1' },
    });
    expect(byAdminToken.json().code).toBe('AURORA_NOT_A_USER');
  });

  it('oversized and deeply nested JSON on the login and user routes answer 4xx, never 5xx, and the server keeps answering', async () => {
    const deep = `{"name":"admin","password":${'{"a":'.repeat(100_000)}"x"${'}'.repeat(100_000)}}`;
    const deepArray = `{"name":"admin","password":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const huge = JSON.stringify({ name: 'admin', password: 'p'.repeat(2 * 1024 * 1024) });
    for (const url of ['/v1/sessions', '/v1/users', '/v1/sessions/refresh']) {
      for (const payload of [deep, deepArray, huge, '{"name":', '[]', 'null']) {
        const res = await server.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', ...(url === '/v1/users' ? server.admin : {}) },
          payload,
        });
        expect(res.statusCode, `${url} ${payload.slice(0, 40)}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }
    }
    expect((await login('admin', adminPassword)).statusCode).toBe(200);
  });

  it('throttles one address that fails too often, whichever names it tries, with Retry-After', async () => {
    const throttled = await startTestServer({
      env: { AURORA_AUTH_FAILURES_PER_IP: '4', AURORA_AUTH_FAILURE_WINDOW: '1m' },
    });
    try {
      const attempt = (name: string, ip: string) =>
        throttled.app.inject({
          method: 'POST',
          url: '/v1/sessions',
          payload: { name, password: 'wrong-password' },
          remoteAddress: ip,
        });
      for (let i = 0; i < 4; i++) expect((await attempt(`nobody-${i}`, '10.0.0.9')).statusCode).toBe(401);
      const blocked = await attempt('admin', '10.0.0.9');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().code).toBe('AURORA_TOO_MANY_FAILURES');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // Wrong bearer tokens count against the same address.
      const bearer = await throttled.app.inject({
        method: 'GET',
        url: '/v1/nodes',
        headers: { authorization: 'Bearer guess' },
        remoteAddress: '10.0.0.9',
      });
      expect(bearer.statusCode).toBe(429);
      // Another address is not held back, and the window passes.
      expect((await attempt('admin', '10.0.0.10')).statusCode).toBe(401);
      throttled.clock.advance(61_000);
      expect((await attempt('admin', '10.0.0.9')).statusCode).toBe(401);
    } finally {
      await throttled.close();
    }
  });
});
