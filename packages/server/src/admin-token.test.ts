import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { ensureAdminToken, resetAdminToken } from './admin-token.js';
import { compileConfig } from './platform/config/index.js';
import { hashSecret } from './platform/http/auth.js';
import { Store } from './platform/store/index.js';
import { startServer } from './server.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-admin-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('a configured admin token replaces the stored one on a later start; without one the stored token stays', async () => {
  const log = pino({ level: 'silent' });
  const store = await Store.open({ dataDir });
  try {
    const first = await ensureAdminToken(store, undefined, log);
    expect(first.generated).toMatch(/^aurora-admin\./);
    expect((await ensureAdminToken(store, undefined, log)).hash).toBe(first.hash);
    const chosen = 'operator-chosen-token-0123456789';
    const second = await ensureAdminToken(store, chosen, log);
    expect(second).toEqual({ hash: hashSecret(chosen), generated: undefined, replaced: true });
    expect((await ensureAdminToken(store, undefined, log)).hash).toBe(hashSecret(chosen));
  } finally {
    await store.close();
  }
});

it('a reset-token reset and a configured replacement are each recorded once in the audit trail at the next start', async () => {
  const dir = path.join(dataDir, 'audited');
  const start = (adminToken?: string) =>
    startServer(
      compileConfig({
        env: { AURORA_LOG_LEVEL: 'silent', ...(adminToken ? { AURORA_ADMIN_TOKEN: adminToken } : {}) },
        overrides: { port: 0, dataDir: dir },
      }),
      { manualControllers: true, consoleDir: path.join(dir, 'no-console') },
    );
  const resets = async (server: Awaited<ReturnType<typeof start>>, token: string) => {
    const res = await server.app.inject({
      method: 'GET',
      url: '/v1/audit?limit=1000',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    return (res.json().items as { entry: string }[])
      .map((i) => JSON.parse(i.entry))
      .filter((e) => e.kind === 'admin.token.reset');
  };

  const first = await start();
  expect(first.adminToken).toBeDefined();
  await first.stop();
  const store = await Store.open({ dataDir: dir });
  await resetAdminToken(store, { now: new Date('2026-01-02T03:04:05Z'), host: 'ops-host', user: 'ops' });
  await store.close();

  const chosen = 'operator-chosen-token-abcdef0123456789';
  const second = await start(chosen);
  expect(await resets(second, chosen)).toEqual([
    expect.objectContaining({ via: 'reset-token', resetAt: '2026-01-02T03:04:05.000Z', host: 'ops-host', user: 'ops' }),
    expect.objectContaining({ via: 'configured' }),
  ]);
  await second.stop();

  // Recorded once: the marker is gone and the configured token is already the stored one.
  const third = await start(chosen);
  expect(await resets(third, chosen)).toHaveLength(2);
  await third.stop();
}, 300_000);
