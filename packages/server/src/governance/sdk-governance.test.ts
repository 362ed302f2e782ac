/**
 * The SDK's governance calls against a real control plane over HTTP: logins kept fresh by
 * LoginSession, the caller's own account, event tickets, users, API tokens and the audit trail.
 */
import { AuroraApiError, AuroraClient, LoginSession } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness.js';

const MINUTE = 60_000;

async function rejection(promise: Promise<unknown>): Promise<AuroraApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuroraApiError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

describe('the SDK against a real server: sessions, users, API tokens, audit', () => {
  let server: TestServer;
  let admin: AuroraClient;
  let anonymous: AuroraClient;
  let adminPassword: string;
  const sessionOptions = () => ({ baseUrl: server.url, now: () => server.clock.now() });

  beforeAll(async () => {
    server = await startTestServer();
    admin = new AuroraClient({ baseUrl: server.url, token: server.admin.authorization.slice('Bearer '.length) });
    anonymous = new AuroraClient({ baseUrl: server.url });
    adminPassword = server.firstAdmin?.password as string;
  });
  afterAll(async () => server?.close());

  it('logs in with the first admin password; the session refreshes before the access token expires', async () => {
    const session = await LoginSession.login(sessionOptions(), 'admin', adminPassword);
    expect(session.user).toMatchObject({ name: 'admin', roles: ['admin'] });
    expect(await session.client.me()).toMatchObject({ kind: 'user', name: 'admin', roles: ['admin'] });
    // 15 minutes by default, read from the token itself; refreshed a minute before.
    expect(session.expiresAt - server.clock.now()).toBe(15 * MINUTE);
    expect(session.refreshAt - server.clock.now()).toBe(14 * MINUTE);

    const firstAccess = session.accessToken;
    const firstRefresh = session.refreshToken as string;
    server.clock.advance(13 * MINUTE);
    await session.client.listNodes();
    expect(session.accessToken).toBe(firstAccess); // not due yet

    server.clock.advance(90_000); // 14.5 min: due, the next call refreshes first
    expect((await session.client.me()).name).toBe('admin');
    expect(session.accessToken).not.toBe(firstAccess);
    expect(session.refreshToken).not.toBe(firstRefresh);
    // The old refresh token was replaced and is refused.
    expect((await rejection(anonymous.refreshSession(firstRefresh))).code).toBe('AURORA_TOKEN_INVALID');

    // Without a refresh, the old access token stops working when it expires.
    server.clock.advance(MINUTE);
    const stale = new AuroraClient({ baseUrl: server.url, token: firstAccess });
    expect((await rejection(stale.me())).code).toBe('AURORA_TOKEN_EXPIRED');
    expect((await session.client.me()).name).toBe('admin');

    // Two refreshes at once share one request: the server would refuse the second use of a refresh token.
    const [a, b] = await Promise.all([session.refresh(), session.refresh()]);
    expect(a.accessToken).toBe(b.accessToken);

    await session.logout();
    expect(session.ended).toBe(true);
    const afterLogout = new AuroraClient({ baseUrl: server.url, token: session.accessToken });
    expect((await rejection(afterLogout.me())).status).toBe(401);
    expect((await rejection(anonymous.refreshSession(session.refreshToken))).status).toBe(401);
    await expect(session.refresh()).rejects.toThrow(/logged out/);
  });

  it('a wrong password is refused with the server problem; resume picks a session up from its refresh token', async () => {
    const refused = await rejection(LoginSession.login(sessionOptions(), 'admin', 'not the password'));
    expect(refused.status).toBe(401);
    expect(refused.code).toBe('AURORA_LOGIN_FAILED');

    const first = await LoginSession.login(sessionOptions(), 'admin', adminPassword);
    const resumed = await LoginSession.resume(sessionOptions(), first.refreshToken);
    expect(resumed.user.name).toBe('admin');
    expect((await resumed.client.me()).name).toBe('admin');
    expect((await rejection(LoginSession.resume(sessionOptions()))).code).toBe('AURORA_UNAUTHENTICATED');
    await resumed.logout();
  });

  it('manages users: create, roles and teams, disable and enable, password change, delete', async () => {
    const created = await admin.createUser({
      name: 'kim',
      password: 'kim-first-password',
      roles: ['viewer'],
      teams: ['blue'],
    });
    expect(created).toMatchObject({ name: 'kim', roles: ['viewer'], teams: ['blue'], disabled: false });
    expect((await admin.listUsers()).items.map((u) => u.name)).toEqual(expect.arrayContaining(['admin', 'kim']));
    expect(
      (await rejection(admin.createUser({ name: 'kim', password: 'another-password', roles: ['viewer'] }))).code,
    ).toBe('AURORA_USER_NAME_TAKEN');

    const kim = await LoginSession.login(sessionOptions(), 'kim', 'kim-first-password');
    expect((await rejection(kim.client.listUsers())).status).toBe(403); // a viewer does not administer
    const updated = await admin.updateUser(created.id, { roles: ['operator', 'viewer'], teams: ['red'] });
    expect(updated).toMatchObject({ roles: ['operator', 'viewer'], teams: ['red'] });
    expect(await kim.client.me()).toMatchObject({ roles: ['operator', 'viewer'], teams: ['red'] }); // at once

    await kim.client.changePassword('kim-first-password', 'kim-second-password');
    expect((await rejection(anonymous.login('kim', 'kim-first-password'))).code).toBe('AURORA_LOGIN_FAILED');
    const wrongCurrent = await rejection(kim.client.changePassword('not-the-current-one', 'kim-third-password'));
    expect(wrongCurrent.problem?.field).toBe('currentPassword');

    expect((await admin.updateUser(created.id, { disabled: true })).disabled).toBe(true);
    expect((await rejection(kim.client.me())).status).toBe(401); // disabling ends its sessions
    expect((await rejection(anonymous.login('kim', 'kim-second-password'))).status).toBe(401);
    await admin.updateUser(created.id, { disabled: false });
    const again = await LoginSession.login(sessionOptions(), 'kim', 'kim-second-password');
    expect((await again.client.me()).name).toBe('kim');

    await admin.deleteUser(created.id);
    expect((await rejection(again.client.me())).status).toBe(401);
    expect((await rejection(admin.deleteUser(created.id))).code).toBe('AURORA_USER_NOT_FOUND');
  });

  it('an event ticket opens the stream once', async () => {
    const { ticket, expiresAt } = await admin.createEventTicket();
    expect(Date.parse(expiresAt) - server.clock.now()).toBe(30_000);
    const controller = new AbortController();
    const res = await fetch(admin.eventStreamUrl(ticket), { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    controller.abort();
    const replay = await fetch(admin.eventStreamUrl(ticket));
    expect(replay.status).toBe(401);
    await replay.body?.cancel();
  });

  it('creates an API token whose secret is shown once, lists it without the secret, and revokes it', async () => {
    const created = await admin.createApiToken({ name: 'ci', roles: ['viewer'], ttlSeconds: 3_600 });
    expect(created.token).toMatch(/^aurora-api\./);
    const ci = new AuroraClient({ baseUrl: server.url, token: created.token });
    expect(await ci.me()).toMatchObject({ kind: 'service', name: 'ci', roles: ['viewer'] });
    const listed = (await admin.listApiTokens()).items.find((t) => t.id === created.id);
    expect(listed).toMatchObject({ name: 'ci', revokedAt: null });
    expect(listed).not.toHaveProperty('token');
    await admin.revokeApiToken(created.id);
    expect((await rejection(ci.listNodes())).status).toBe(401);
    expect((await admin.listApiTokens()).items.find((t) => t.id === created.id)?.revokedAt).not.toBeNull();
    expect((await rejection(admin.revokeApiToken('no-such-token'))).code).toBe('AURORA_TOKEN_NOT_FOUND');
  });

  it('reads the audit trail a page at a time and verifies it intact', async () => {
    const first = await admin.auditEntries({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.next).toBe(first.items[1]?.seq);
    const second = await admin.auditEntries({ after: first.next as number, limit: 5_000 });
    expect(second.items[0]?.seq).toBe((first.next as number) + 1);
    const entries = [...first.items, ...second.items].map((i) => JSON.parse(i.entry) as Record<string, unknown>);
    // A known user is named by its id (its pseudonym), not by its name.
    const failed = entries.filter((e) => e.kind === 'login' && e.outcome === 'failed');
    expect(failed.some((e) => typeof e.userId === 'string' && !('name' in e))).toBe(true);
    expect(entries.some((e) => e.kind === 'request' && e.action === 'user.create')).toBe(true);

    const verification = await admin.verifyAudit();
    expect(verification).toMatchObject({ intact: true, firstBroken: null });
    expect(verification.entries).toBe(entries.length);
    const { publicKey, keyId } = await admin.auditCheckpoints();
    expect(keyId).toBe(verification.keyId);
    expect((await admin.verifyAudit({ publicKey })).intact).toBe(true);
    expect((await rejection(admin.verifyAudit({ publicKey: 'not a key' }))).problem?.field).toBe('publicKey');
  });
});
