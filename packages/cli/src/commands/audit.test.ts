/**
 * `aurora audit verify` against a real control plane over real HTTP: intact
 * answers exit 0, a tampered store exit 1 naming the first broken entry.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CliError } from '../cli-error.js';
import { runAudit } from './audit.js';
import { runToken } from './token.js';

const ADMIN = 'audit-verify-admin-token-0123456789';

describe('aurora audit verify', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-audit-cli-'));
  let server: RunningServer;
  let connection: string[];
  const env = {};

  beforeAll(async () => {
    server = await startServer(
      compileConfig({
        env: { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'silent', AURORA_AUDIT_CHECKPOINT_ENTRIES: '3' },
        overrides: { port: 0, dataDir: path.join(dir, 'data') },
      }),
      { manualControllers: true, consoleDir: path.join(dir, 'no-console') },
    );
    connection = ['--server', server.url, '--token', ADMIN];
    for (let i = 0; i < 7; i++) await runToken(['create', ...connection], env);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const failure = async (argv: string[]) => {
    try {
      await runAudit(argv, env);
    } catch (error) {
      if (error instanceof CliError) return error;
      throw error;
    }
    throw new Error('expected aurora audit verify to fail');
  };

  test('an intact chain verifies against the key the server reports and against a pinned copy', async () => {
    const out = await runAudit(['verify', ...connection], env);
    // The first start's policy.seeded entry, then seven token creations.
    expect(out).toContain('audit chain intact: 8 entries, 2 signed checkpoints');
    expect(out).toContain('2 newest entries are chained but not yet covered');
    const pem = await runAudit(['public-key', ...connection], env);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const pinned = path.join(dir, 'audit-key.pem');
    writeFileSync(pinned, pem);
    expect(await runAudit(['verify', '--public-key', pinned, ...connection], env)).toContain(`pinned in ${pinned}`);
    const foreign = path.join(dir, 'foreign.pem');
    writeFileSync(foreign, generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString());
    const refused = await failure(['verify', '--public-key', foreign, ...connection]);
    expect(refused.exitCode).toBe(1);
    expect(refused.message).toMatch(
      /BROKEN at entry 1: checkpoint for entry 3 has a signature the key does not verify/,
    );
  });

  test('a byte changed in the store exits 1 naming that entry', async () => {
    await server.store.db.execute('alter table audit_log disable trigger user');
    await server.store.db.execute(
      "update audit_log set entry = replace(entry, 'token.create', 'token.crEate') where seq = 5",
    );
    await server.store.db.execute('alter table audit_log enable trigger user');
    const broken = await failure(['verify', ...connection]);
    expect(broken.exitCode).toBe(1);
    expect(broken.message).toBe(
      'audit chain BROKEN at entry 5: entry 5 does not hash to its stored hash (altered, or an entry before it was)',
    );
    const api = await fetch(`${server.url}/v1/audit/verify`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await api.json()).toMatchObject({ intact: false, firstBroken: { seq: 5 } });
  });
});
