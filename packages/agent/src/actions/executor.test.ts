import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { freePort } from '@aurora/sdk/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLogs } from '../testing/log-capture.js';
import { type ActionsConfig, compileActions } from './config.js';
import { ActionExecutor } from './executor.js';
import { ActionJournal } from './journal.js';

const tinyService = fileURLToPath(new URL('../testing/tiny-service.mjs', import.meta.url));

let dir: string;
let executors: ActionExecutor[] = [];
let children: ChildProcess[] = [];
let now = Date.UTC(2026, 0, 10, 12);

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aurora-actions-'));
  now = Date.UTC(2026, 0, 10, 12);
});
afterEach(async () => {
  for (const e of executors) await e.stop();
  for (const c of children) c.kill('SIGKILL');
  executors = [];
  children = [];
  await rm(dir, { recursive: true, force: true });
});

async function executor(config: ActionsConfig, stateDir = path.join(dir, 'state')): Promise<ActionExecutor> {
  const e = await ActionExecutor.open({
    stateDir,
    actions: compileActions(config, stateDir),
    clock: () => now,
    logger: captureLogs().logger,
  });
  executors.push(e);
  return e;
}

async function get(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
  return res.text();
}

describe('supervised services', () => {
  it('starts a service from its config, and a restart brings a hung one back', async () => {
    const portFile = path.join(dir, 'port');
    const fixed = await freePort();
    const e = await executor({
      services: {
        web: {
          command: process.execPath,
          args: [tinyService],
          env: { PORT_FILE: portFile, PORT: String(fixed) },
          cwd: dir,
          stopTimeout: '300ms',
          check: { http: `http://127.0.0.1:${fixed}/`, timeout: '300ms' },
        },
      },
    });
    await e.supervisor.startAll();
    const port = await vi.waitFor(async () => Number(await readFile(portFile, 'utf8')), { timeout: 10_000 });
    const [status] = e.supervisor.statuses();
    expect(status?.state).toBe('running');
    expect(await get(port)).toBe(`ok ${status?.pid}`);
    expect(e.supervisor.samples(now)).toContainEqual({
      ts: now,
      name: 'service.up',
      value: 1,
      labels: { service: 'web' },
    });

    await e.supervisor.probe();
    expect(e.supervisor.statuses()[0]?.healthy).toBe(true);

    process.kill(status?.pid as number, 'SIGSTOP'); // hung: alive, but answers nothing
    await expect(get(port)).rejects.toThrow();
    await e.supervisor.probe();
    expect(e.supervisor.statuses()[0]).toMatchObject({ state: 'running', healthy: false });
    expect(e.supervisor.samples(now)[0]).toMatchObject({ name: 'service.up', value: 0 });
    await rm(portFile);

    const result = await e.run({ id: 'restart-web-0001', kind: 'restart-service', params: { service: 'web' } });
    expect(result.status).toBe('succeeded');
    expect(result.details).toMatchObject({ service: 'web', restarts: 1, previous: { pid: status?.pid } });
    const newPort = await vi.waitFor(async () => Number(await readFile(portFile, 'utf8')), { timeout: 10_000 });
    const [after] = e.supervisor.statuses();
    expect(after?.pid).not.toBe(status?.pid);
    expect(await get(newPort)).toBe(`ok ${after?.pid}`);
    await e.supervisor.probe();
    expect(e.supervisor.samples(now)[0]).toMatchObject({ name: 'service.up', value: 1 });
  });

  it('reports a service that exited as down and does not restart it by itself', async () => {
    const e = await executor({ services: { once: { command: process.execPath, args: ['-e', 'process.exit(3)'] } } });
    await e.supervisor.startAll();
    await vi.waitFor(() => expect(e.supervisor.statuses()[0]?.state).toBe('exited'), { timeout: 10_000 });
    expect(e.supervisor.statuses()[0]?.lastExit?.code).toBe(3);
    expect(e.supervisor.samples(now)[0]).toMatchObject({ name: 'service.up', value: 0 });
  });

  it('fails with a reason when the program cannot be started', async () => {
    const e = await executor({ services: { ghost: { command: path.join(dir, 'no-such-program'), autostart: false } } });
    const result = await e.run({ id: 'start-ghost-01', kind: 'start-service', params: { service: 'ghost' } });
    expect(result.status).toBe('failed');
    expect(result.details.reason).toBe('error');
    expect(String(result.details.message)).toContain('ENOENT');
  });

  it('refuses services that are not on the allow-list, and systemd units where systemd does not run fail cleanly', async () => {
    const e = await executor({ systemd: ['aurora-test-unit.service'] });
    const refusedResult = await e.run({ id: 'restart-db-0001', kind: 'restart-service', params: { service: 'db' } });
    expect(refusedResult).toMatchObject({
      status: 'refused',
      details: { reason: 'not-allowed', field: 'params.service' },
    });
    const unit = await e.run({
      id: 'restart-unit-01',
      kind: 'restart-service',
      params: { service: 'aurora-test-unit.service' },
    });
    // This machine has no running systemd; where one runs, the unit does not exist. Either way nothing is restarted.
    expect(unit.status).toBe('failed');
    expect(['unavailable', 'error']).toContain(unit.details.reason);
  });
});

describe('refusals', () => {
  it('refuses unknown kinds and malformed parameters with the field at fault; shell text has nowhere to go', async () => {
    const e = await executor({ services: { web: { command: process.execPath, autostart: false } } });
    const unknown = await e.run({ id: 'unknown-kind-1', kind: 'run-shell', params: { command: 'rm -rf /' } });
    expect(unknown).toMatchObject({ status: 'refused', details: { reason: 'invalid' } });
    const extra = await e.run({
      id: 'extra-param-01',
      kind: 'restart-service',
      params: { service: 'web', args: ['x'] },
    });
    expect(extra).toMatchObject({ status: 'refused', details: { reason: 'invalid' } });
    const shelly = await e.run({ id: 'shelly-name-01', kind: 'restart-service', params: { service: 'web; reboot' } });
    expect(shelly).toMatchObject({ status: 'refused', details: { reason: 'invalid', field: 'params.service' } });
    const both = await e.run({ id: 'kill-both-0001', kind: 'kill-process', params: { name: 'a', cgroup: '/x' } });
    expect(both).toMatchObject({ status: 'refused', details: { field: 'params' } });
    await expect(e.run({ kind: 'restart-service', params: { service: 'web' } })).rejects.toThrow(/id/);
  });
});

describe('clean-path', () => {
  let root: string;
  let outside: string;
  const old = Date.UTC(2026, 0, 1) / 1000;

  beforeEach(async () => {
    root = path.join(dir, 'root');
    outside = path.join(dir, 'outside');
    await mkdir(path.join(root, 'cache', 'deep'), { recursive: true });
    await mkdir(outside, { recursive: true });
    for (const [file, aged] of [
      ['cache/a.tmp', true],
      ['cache/deep/b.tmp', true],
      ['cache/c.log', true],
      ['cache/fresh.tmp', false],
      ['../outside/victim.tmp', true],
    ] as const) {
      const full = path.join(root, file);
      await writeFile(full, 'x'.repeat(10));
      if (aged) await utimes(full, old, old);
    }
    await symlink(outside, path.join(root, 'cache', 'escape-dir'));
    await symlink(path.join(outside, 'victim.tmp'), path.join(root, 'cache', 'escape.tmp'));
    await symlink(outside, path.join(root, 'link-to-outside'));
  });

  const clean = (e: ActionExecutor, id: string, p: string, pattern = '*.tmp') =>
    e.run({ id, kind: 'clean-path', params: { path: p, pattern, olderThan: '1d' } });

  it('deletes old matching files below the directory and nothing else, never through a link', async () => {
    const e = await executor({ clean: { roots: [root] } });
    const result = await clean(e, 'clean-cache-01', path.join(root, 'cache'));
    expect(result.status).toBe('succeeded');
    expect(result.details).toMatchObject({ removed: 2, removedBytes: 20, skippedLinks: 2 });
    expect((await readdir(path.join(root, 'cache'))).sort()).toEqual([
      'c.log',
      'deep',
      'escape-dir',
      'escape.tmp',
      'fresh.tmp',
    ]);
    expect(await readdir(outside)).toEqual(['victim.tmp']);
  });

  it('refuses paths outside the roots, climbing out with .., and directories reached through a link', async () => {
    const e = await executor({ clean: { roots: [root] } });
    expect((await clean(e, 'outside-00001', outside)).details).toMatchObject({
      reason: 'outside-roots',
      field: 'params.path',
    });
    expect((await clean(e, 'dotdot-000001', `${root}/cache/../../outside`)).details.reason).toBe('outside-roots');
    expect((await clean(e, 'relative-0001', 'root/cache')).details.reason).toBe('outside-roots');
    expect((await clean(e, 'prefix-00001', `${root}-sibling`)).details.reason).toBe('outside-roots');
    const viaLink = await clean(e, 'via-link-0001', path.join(root, 'link-to-outside'));
    expect(viaLink).toMatchObject({ status: 'refused', details: { reason: 'symlink-escape' } });
    expect((await clean(e, 'bad-glob-0001', root, 'a/b')).details).toMatchObject({
      reason: 'invalid',
      field: 'params.pattern',
    });
    expect(await readdir(outside)).toEqual(['victim.tmp']);
    const none = await executor({}, path.join(dir, 'state-2'));
    expect((await clean(none, 'no-roots-0001', path.join(root, 'cache'))).details.reason).toBe('not-allowed');
  });

  it('acts once per id: a repeated id, also after a restart, returns the first result without acting', async () => {
    const e = await executor({ clean: { roots: [root] } });
    const first = await clean(e, 'clean-once-01', path.join(root, 'cache'));
    expect(first.details.removed).toBe(2);
    const again = path.join(root, 'cache', 'again.tmp');
    await writeFile(again, 'y');
    await utimes(again, old, old);

    expect(await clean(e, 'clean-once-01', path.join(root, 'cache'))).toEqual(first);
    await e.stop();
    executors = [];
    const restarted = await executor({ clean: { roots: [root] } });
    expect(await clean(restarted, 'clean-once-01', path.join(root, 'cache'))).toEqual(first);
    expect(await readdir(path.join(root, 'cache'))).toContain('again.tmp');
    // Results are reported until the control plane stores them, and again when it asks again.
    expect(restarted.unreported().map((r) => r.id)).toContain('clean-once-01');
    await restarted.markReported(['clean-once-01']);
    expect(restarted.unreported()).toEqual([]);
    // A new id acts.
    expect((await clean(restarted, 'clean-once-02', path.join(root, 'cache'))).details.removed).toBe(1);
  });

  it('answers an action interrupted by a crash as interrupted instead of running it again', async () => {
    const stateDir = path.join(dir, 'state');
    const { journal } = await ActionJournal.open(stateDir);
    await journal.begin('crashed-0001', 'clean-path', now);
    const e = await executor({ clean: { roots: [root] } }, stateDir);
    const result = await clean(e, 'crashed-0001', path.join(root, 'cache'));
    expect(result).toMatchObject({ status: 'failed', details: { reason: 'interrupted' } });
    expect(await readdir(path.join(root, 'cache'))).toContain('a.tmp');
  });
});

describe('kill-process', () => {
  it('kills processes by an allowed name only', async () => {
    if (process.platform !== 'linux') return;
    const program = path.join(dir, 'aurora-runaway');
    await copyFile('/bin/sleep', program);
    const child = spawn(program, ['300'], { stdio: 'ignore' });
    children.push(child);
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const e = await executor({ kill: { names: ['aurora-runaway'] } });
    const denied = await e.run({ id: 'kill-sleep-01', kind: 'kill-process', params: { name: 'sleep' } });
    expect(denied).toMatchObject({ status: 'refused', details: { reason: 'not-allowed', field: 'params.name' } });
    await vi.waitFor(async () => expect(await readFile(`/proc/${child.pid}/comm`, 'utf8')).toBe('aurora-runaway\n'));
    const result = await e.run({ id: 'kill-runaway1', kind: 'kill-process', params: { name: 'aurora-runaway' } });
    expect(result).toMatchObject({ status: 'succeeded', details: { pids: [child.pid], signal: 'SIGKILL' } });
    expect(await exited).toBe('SIGKILL');
  });

  it('refuses cgroups not on the allow-list and reports a missing one', async () => {
    const e = await executor({ kill: { cgroups: ['/aurora-test-missing.slice'] } });
    const denied = await e.run({ id: 'kill-cg-00001', kind: 'kill-process', params: { cgroup: '/' } });
    expect(denied.details).toMatchObject({ reason: 'not-allowed', field: 'params.cgroup' });
    const missing = await e.run({
      id: 'kill-cg-00002',
      kind: 'kill-process',
      params: { cgroup: '/aurora-test-missing.slice' },
    });
    expect(missing.status).toBe('failed');
  });
});

describe('rotate-logs', () => {
  it('renames with a time suffix, gzips, keeps the newest N and leaves an empty file', async () => {
    const log = path.join(dir, 'app.log');
    const e = await executor({ logs: { app: { path: log, keep: 2, compress: true } } });
    const contents: string[] = [];
    for (let i = 0; i < 3; i++) {
      contents.push(`line ${i}\n`.repeat(100));
      await writeFile(log, contents[i] as string);
      now += 60_000;
      const result = await e.run({ id: `rotate-app-${i}000`, kind: 'rotate-logs', params: { log: 'app' } });
      expect(result).toMatchObject({ status: 'succeeded', details: { rotated: true, bytes: contents[i]?.length } });
    }
    const rotated = (await readdir(dir)).filter((f) => f.startsWith('app.log.')).sort();
    expect(rotated).toHaveLength(2);
    expect(rotated.every((f) => f.endsWith('.gz'))).toBe(true);
    expect(gunzipSync(await readFile(path.join(dir, rotated[1] as string))).toString()).toBe(contents[2]);
    expect(gunzipSync(await readFile(path.join(dir, rotated[0] as string))).toString()).toBe(contents[1]);
    expect(await readFile(log, 'utf8')).toBe('');
    const denied = await e.run({ id: 'rotate-sys-001', kind: 'rotate-logs', params: { log: 'syslog' } });
    expect(denied.details).toMatchObject({ reason: 'not-allowed', field: 'params.log' });
  });
});

describe('the allow-list config', () => {
  it('names the key at fault', () => {
    expect(() => compileActions({ clean: { roots: ['relative/dir'] } }, dir)).toThrow(
      /clean\.roots\.0: must be an absolute path/,
    );
    expect(() => compileActions({ clean: { roots: ['/'] } }, dir)).toThrow(/clean\.roots\.0: a filesystem root/);
    expect(() => compileActions({ services: { web: { command: 'x', stopTimeout: 'soon' } } }, dir)).toThrow(
      /services\.web\.stopTimeout/,
    );
    expect(() => compileActions({ shell: 'sh' } as unknown as ActionsConfig, dir)).toThrow(/agent actions config/);
  });
});
