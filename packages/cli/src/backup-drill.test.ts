/**
 * The restore drill, on both stores: a real `aurora server` with nodes, state
 * history and audit entries is backed up by `aurora backup` while heartbeats
 * keep arriving; its data is destroyed, `aurora restore` puts the backup
 * back (after refusing to overwrite a store without --force, and after a
 * failed restore that must leave the store as it was), and a new start
 * serves the same inventory, history and an intact audit chain.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AuditEntryPage, AuroraClient } from '@aurora/sdk';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { findPgTool } from './commands/pg-tools.js';
import {
  type AuroraProcess,
  bannerUrl,
  hasExited,
  runAurora,
  spawnAurora,
  stopAurora,
} from './testing/aurora-process.js';
import { probeFacts } from './testing/probe-facts.js';

const ADMIN = 'backup-drill-admin-token-0123456789abcdef';
const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-backup-drill-'));
const processes: AuroraProcess[] = [];
for (const name of ['AURORA_TOKEN', 'AURORA_SERVER', 'AURORA_PORT', 'AURORA_DATA_DIR', 'AURORA_DATABASE_URL']) {
  delete process.env[name];
}
// Silence is judged only after minutes: the drill compares node history before the backup and after the
// restore, and on a busy box the restarted leader's grace could end before that history is read.
const env = {
  AURORA_LOG_LEVEL: 'warn',
  AURORA_ADMIN_TOKEN: ADMIN,
  AURORA_SUSPECT_AFTER_MS: '10m',
  AURORA_DOWN_AFTER_MS: '20m',
};

afterAll(() => {
  for (const run of processes) if (!hasExited(run)) run.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function start(store: string[]): Promise<{ run: AuroraProcess; url: string; admin: AuroraClient }> {
  const run = spawnAurora(['server', '--port', '0', ...store], env, dir);
  processes.push(run);
  const url = await bannerUrl(run);
  return { run, url, admin: new AuroraClient({ baseUrl: url, token: ADMIN }) };
}

/** What must survive: every node, one node's state history, and the audit chain so far. */
async function inventory(admin: AuroraClient) {
  const nodes = (await admin.listAllNodes())
    .map((n) => ({ name: n.name, state: n.state, operatorState: n.operatorState, labels: n.labels }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const history = (await admin.nodeTransitions('web-1')).items.map((t) => [t.from, t.to, t.reason, t.at]);
  const audit = (await admin.request<AuditEntryPage>('GET', '/v1/audit?limit=5000')).items.map((e) => [e.seq, e.hash]);
  return { nodes, history, audit };
}

/** Joins three nodes, heartbeats them, cordons and uncordons one: nodes, history and audit entries. */
async function populate(admin: AuroraClient): Promise<string[]> {
  const { token } = await admin.createJoinToken({ uses: 4 });
  const credentials: string[] = [];
  for (const name of ['db-1', 'web-1', 'web-2']) {
    const joined = await admin.join({
      token,
      name,
      facts: { ...probeFacts(name), labels: { role: name.slice(0, -2) } },
    });
    await admin.heartbeat(joined.credential, { sentAt: Date.now(), facts: probeFacts(name), batches: [] });
    credentials.push(joined.credential);
  }
  await admin.cordonNode('web-1');
  await admin.uncordonNode('web-1');
  await admin.cordonNode('web-2');
  return credentials;
}

/** Heartbeats every node back to back until `done` settles, so the backup is taken under writes. */
async function heartbeatUntil(admin: AuroraClient, credentials: string[], done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let beats = 0;
  while (!finished) {
    for (const credential of credentials) {
      await admin.heartbeat(credential, { sentAt: Date.now(), facts: probeFacts('busy'), batches: [] });
      beats++;
    }
  }
  return beats;
}

/** The drill itself; `destroy` wipes the store, `store` are the flags that name it. */
async function drill(store: string[], backupFile: string, destroy: () => Promise<void>, keyFile: string) {
  const first = await start(store);
  const credentials = await populate(first.admin);
  const before = await inventory(first.admin);
  expect(before.nodes).toHaveLength(3);
  expect(before.history.length).toBeGreaterThanOrEqual(3);
  expect(before.audit.length).toBeGreaterThan(5);

  const connection = ['--server', first.url, '--token', ADMIN];
  const backup = runAurora(['backup', ...store, ...connection, '--out', backupFile], env, dir);
  const beats = await heartbeatUntil(first.admin, credentials, backup);
  const backedUp = await backup;
  expect(backedUp.output).toContain(`backup written: ${backupFile}`);
  expect(backedUp.code).toBe(0);
  expect(beats).toBeGreaterThan(0);

  // Written after the backup: the restored store must not have it.
  const { token } = await first.admin.createJoinToken({ uses: 1 });
  await first.admin.join({ token, name: 'late-1', facts: probeFacts('late-1') });

  const underServer = await runAurora(['restore', backupFile, ...store, '--force'], env, dir);
  expect(underServer.code).not.toBe(0);
  expect(underServer.output).toMatch(/control plane .* (runs on|holds the leader lease)/);
  await stopAurora(first.run);

  const keptKey = readFileSync(keyFile);
  await destroy();
  const restored = await runAurora(['restore', backupFile, ...store], env, dir);
  expect(restored.output).toContain(`restored ${backupFile}`);
  expect(restored.code).toBe(0);
  writeFileSync(keyFile, keptKey, { mode: 0o600 });

  const again = await runAurora(['restore', backupFile, ...store], env, dir);
  expect(again.code).not.toBe(0);
  expect(again.output).toContain('already holds');
  expect(again.output).toContain('--force');

  // Cut short past its table of contents, so the restore fails midway, after it started replacing.
  const whole = readFileSync(backupFile);
  const truncated = `${backupFile}.truncated`;
  writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const failed = await runAurora(['restore', truncated, ...store, '--force'], env, dir);
  expect(failed.code).not.toBe(0);
  expect(failed.output).toMatch(/unchanged|pg_restore failed/);
  expect(failed.output).not.toContain('    at ');
  const forced = await runAurora(['restore', backupFile, ...store, '--force'], env, dir);
  expect(forced.output).toContain(`restored ${backupFile}`);
  expect(forced.code).toBe(0);

  const second = await start(store);
  const after = await inventory(second.admin);
  expect(after.nodes).toEqual(before.nodes);
  expect(after.history).toEqual(before.history);
  // The chain restored is the chain backed up, plus the entries written while the backup ran.
  expect(after.audit.slice(0, before.audit.length)).toEqual(before.audit);
  const verify = await runAurora(['audit', 'verify', '--server', second.url, '--token', ADMIN], env, dir);
  expect(verify.output).toContain('audit chain intact');
  expect(verify.code).toBe(0);
  await stopAurora(second.run);
}

describe('restore drill', () => {
  test('embedded store: back up while serving, destroy, restore, serve the same data', async () => {
    const dataDir = path.join(dir, 'embedded-data');
    await drill(
      ['--data-dir', dataDir],
      path.join(dir, 'embedded.tar.gz'),
      async () => rmSync(dataDir, { recursive: true, force: true }),
      path.join(dataDir, 'master.key'),
    );
  }, 600_000);

  const postgresUrl = process.env.AURORA_TEST_DATABASE_URL;
  const skip = postgresUrl
    ? undefined
    : 'the PostgreSQL restore drill skips: set AURORA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it (it needs pg_dump and pg_restore: apt-get install postgresql-client)';
  test.skipIf(skip !== undefined)(
    skip ?? 'PostgreSQL: back up with pg_dump while serving, drop the database, restore, serve the same data',
    async () => {
      // With a database to test against, missing client tools are a failure, not a skip.
      findPgTool('pg_dump', process.env);
      findPgTool('pg_restore', process.env);
      const database = `aurora_backup_${randomBytes(6).toString('hex')}`;
      const url = new URL(postgresUrl ?? '');
      url.pathname = `/${database}`;
      const admin = async (statement: string) => {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        try {
          await client.query(statement);
        } finally {
          await client.end();
        }
      };
      await admin(`create database ${database}`);
      const dataDir = path.join(dir, 'postgres-side');
      try {
        await drill(
          ['--database-url', url.toString(), '--data-dir', dataDir],
          path.join(dir, 'postgres.pgdump'),
          async () => {
            await admin(`drop database ${database} with (force)`);
            await admin(`create database ${database}`);
            const key = path.join(dataDir, 'master.key');
            copyFileSync(key, `${key}.kept`);
            rmSync(key);
          },
          path.join(dataDir, 'master.key'),
        );
      } finally {
        await admin(`drop database if exists ${database} with (force)`);
      }
    },
    600_000,
  );
});
