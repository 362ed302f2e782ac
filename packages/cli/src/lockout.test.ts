/**
 * Nobody gets locked out of a control plane they run: real `aurora` child
 * processes on a real port, embedded store and PostgreSQL. The tests share
 * one embedded data dir and run in order, since each start of a fresh
 * store costs tens of seconds on a busy box.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type AuditEntryPage, AuroraApiError, AuroraClient } from '@aurora/sdk';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { credentialsDir } from './saved-credentials.js';
import {
  type AuroraProcess,
  bannerUrl,
  hasExited,
  runAurora,
  spawnAurora,
  stopAurora,
} from './testing/aurora-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-lockout-'));
const dataDir = path.join(dir, 'custom-data');
const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'aurora-lockout-elsewhere-'));
const processes: AuroraProcess[] = [];
// Nothing in this test runner's environment may stand in for the saved credentials.
for (const name of ['AURORA_ADMIN_TOKEN', 'AURORA_TOKEN', 'AURORA_SERVER', 'AURORA_PORT', 'AURORA_DATA_DIR']) {
  delete process.env[name];
}
delete process.env.AURORA_DATABASE_URL;
const quiet = { AURORA_LOG_LEVEL: 'warn' };

afterAll(() => {
  for (const run of processes) if (!hasExited(run)) run.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

async function start(args: string[], cwd: string): Promise<{ run: AuroraProcess; url: string }> {
  const run = spawnAurora(args, quiet, cwd);
  processes.push(run);
  return { run, url: await bannerUrl(run) };
}

/** Whether `token` is accepted as the admin token by the control plane at `url`. */
async function accepted(url: string, token: string): Promise<boolean> {
  try {
    await new AuroraClient({ baseUrl: url, token }).listAllNodes();
    return true;
  } catch (error) {
    if (error instanceof AuroraApiError && error.status === 401) return false;
    throw error;
  }
}

async function auditKinds(url: string, token: string): Promise<Array<Record<string, unknown>>> {
  const page = await new AuroraClient({ baseUrl: url, token }).request<AuditEntryPage>('GET', '/v1/audit?limit=1000');
  return page.items.map((row) => JSON.parse(row.entry) as Record<string, unknown>);
}

function tokenPrintedBy(output: string): string {
  const token = /aurora-admin\.[\w-]+/.exec(output)?.[0];
  if (!token) throw new Error(`no admin token in: ${output}`);
  return token;
}

let firstToken = '';

test('a first start that fails on a port in use still leaves its token saved, and the next start uses it', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = String((blocker.address() as net.AddressInfo).port);
  const failed = await runAurora(['up', '--port', port, '--data-dir', dataDir, '--no-agent'], quiet, dir);
  await new Promise((resolve) => blocker.close(resolve));
  expect(failed.code).not.toBe(0);
  expect(failed.output).toContain('EADDRINUSE');
  const tokenFile = path.join(dataDir, 'admin-token');
  expect(failed.output).toContain(tokenFile);
  expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  firstToken = readFileSync(tokenFile, 'utf8').trim();
  expect(firstToken).toMatch(/^aurora-admin\./);

  // The next start keeps that token; its local agent joins with it.
  const next = await start(['up', '--port', '0', '--data-dir', dataDir], dir);
  expect(next.run.output()).toContain('(local agent)');
  expect(next.run.output()).not.toMatch(/aurora-admin\./);
  expect(next.run.output()).toContain(`Sign in with the admin token saved in ${tokenFile}`);
  expect(await accepted(next.url, firstToken)).toBe(true);
  await stopAurora(next.run);
}, 300_000);

test('operator commands given --data-dir find the server and token that start saved there', async () => {
  const server = await start(['up', '--port', '0', '--data-dir', dataDir], dir);
  const node = /Node\s+(\S+) \(local agent\)/.exec(server.run.output())?.[1];
  expect(node).toBeDefined();
  // From another folder, with nothing in the environment: only --data-dir says where to look.
  const listed = await runAurora(['nodes', '--data-dir', dataDir], quiet, elsewhere);
  expect(listed.output).toContain(node);
  expect(listed.code).toBe(0);
  await stopAurora(server.run);
}, 300_000);

test('aurora admin reset-token on the embedded store: the new token works, the old one not, and the audit trail says so', async () => {
  const reset = await runAurora(['admin', 'reset-token', '--data-dir', dataDir], quiet, elsewhere);
  expect(reset.code).toBe(0);
  const newToken = tokenPrintedBy(reset.output);
  expect(readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim()).toBe(newToken);

  const server = await start(['server', '--port', '0', '--data-dir', dataDir], dir);
  expect(await accepted(server.url, newToken)).toBe(true);
  expect(await accepted(server.url, firstToken)).toBe(false);
  const resets = (await auditKinds(server.url, newToken)).filter((e) => e.kind === 'admin.token.reset');
  expect(resets).toHaveLength(1);
  expect(resets[0]).toMatchObject({ via: 'reset-token', host: os.hostname() });

  // While a control plane holds the embedded store, a reset is refused rather than racing it.
  const refused = await runAurora(['admin', 'reset-token', '--data-dir', dataDir], quiet, elsewhere);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toContain('stop that control plane');
  expect(await accepted(server.url, newToken)).toBe(true);
  await stopAurora(server.run);
}, 300_000);

const postgresUrl = process.env.AURORA_TEST_DATABASE_URL;
const POSTGRES_SKIP =
  'PostgreSQL lock-out tests skipped: set AURORA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them';

describe.runIf(!postgresUrl)('PostgreSQL lock-out', () => {
  test.skip(POSTGRES_SKIP, () => {});
});

describe.runIf(postgresUrl)('PostgreSQL lock-out', () => {
  // A database of its own, so this test's admin token and nodes touch nothing else on the server.
  const database = `aurora_lockout_${randomBytes(6).toString('hex')}`;
  const databaseUrl = (() => {
    const url = new URL(postgresUrl ?? 'postgres://127.0.0.1');
    url.pathname = `/${database}`;
    return url.toString();
  })();
  const project = mkdtempSync(path.join(os.tmpdir(), 'aurora-lockout-project-'));

  async function admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  afterAll(async () => {
    for (const run of processes) if (!hasExited(run)) run.child.kill('SIGKILL');
    rmSync(project, { recursive: true, force: true });
    await admin(`drop database if exists ${database} with (force)`);
  });

  test('aurora up --database-url in the project folder leaves the embedded store its token and local agent', async () => {
    await admin(`create database ${database}`);
    const embedded = await start(['up', '--port', '0'], project);
    const embeddedToken = tokenPrintedBy(embedded.run.output());
    await stopAurora(embedded.run);

    const onPostgres = await start(['up', '--port', '0', '--database-url', databaseUrl], project);
    const postgresToken = tokenPrintedBy(onPostgres.run.output());
    expect(onPostgres.run.output()).toContain('(local agent)');
    await stopAurora(onPostgres.run);
    const postgresFolder = credentialsDir({ dataDir: path.join(project, '.aurora', 'data'), databaseUrl });
    expect(readFileSync(path.join(postgresFolder, 'admin-token'), 'utf8').trim()).toBe(postgresToken);

    // A plain start again: its local agent still has its own credential, and the saved token is the first one.
    const again = await start(['up', '--port', '0'], project);
    expect(again.run.output()).toContain('(local agent)');
    expect(readFileSync(path.join(project, '.aurora', 'data', 'admin-token'), 'utf8').trim()).toBe(embeddedToken);
    expect(await accepted(again.url, embeddedToken)).toBe(true);
    const listed = await runAurora(['nodes'], quiet, project);
    expect(listed.code, listed.output).toBe(0);
    await stopAurora(again.run);
  }, 600_000);

  test('aurora admin reset-token on PostgreSQL: the new token works, the old one not, and the audit trail says so', async () => {
    const folder = credentialsDir({ dataDir: path.join(project, '.aurora', 'data'), databaseUrl });
    const previous = readFileSync(path.join(folder, 'admin-token'), 'utf8').trim();
    const reset = await runAurora(['admin', 'reset-token', '--database-url', databaseUrl], quiet, project);
    expect(reset.code, reset.output).toBe(0);
    const newToken = tokenPrintedBy(reset.output);
    expect(readFileSync(path.join(folder, 'admin-token'), 'utf8').trim()).toBe(newToken);

    const server = await start(['server', '--port', '0', '--database-url', databaseUrl], project);
    expect(await accepted(server.url, newToken)).toBe(true);
    expect(await accepted(server.url, previous)).toBe(false);
    const resets = (await auditKinds(server.url, newToken)).filter((e) => e.kind === 'admin.token.reset');
    expect(resets).toHaveLength(1);
    expect(resets[0]).toMatchObject({ via: 'reset-token' });
    await stopAurora(server.run);
  }, 300_000);
});
