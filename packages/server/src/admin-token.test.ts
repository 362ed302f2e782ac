import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { ensureAdminToken } from './admin-token.js';
import { hashSecret } from './platform/http/auth.js';
import { Store } from './platform/store/index.js';

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
    expect(second).toEqual({ hash: hashSecret(chosen), generated: undefined });
    expect((await ensureAdminToken(store, undefined, log)).hash).toBe(hashSecret(chosen));
  } finally {
    await store.close();
  }
});
