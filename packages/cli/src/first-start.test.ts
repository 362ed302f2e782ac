/**
 * The first start, as the README tells it: a real `aurora server` child
 * process prints the console login of the first admin user (and the admin
 * token) once, saves both readable by their owner only, and a later start on
 * the same data dir prints neither while both keep working.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { type AuroraProcess, bannerUrl, hasExited, spawnAurora, stopAurora } from './testing/aurora-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-first-start-'));
const dataDir = path.join(dir, 'data');
const processes: AuroraProcess[] = [];

afterAll(() => {
  for (const run of processes) if (!hasExited(run)) run.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ run: AuroraProcess; url: string }> {
  const run = spawnAurora(['server', '--port', '0', '--data-dir', dataDir], { AURORA_LOG_LEVEL: 'warn' }, dir);
  processes.push(run);
  return { run, url: await bannerUrl(run) };
}

async function login(url: string, password: string): Promise<number> {
  const res = await fetch(`${url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password }),
  });
  return res.status;
}

async function waitFor(run: AuroraProcess, text: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 100; i++) {
    const match = text.exec(run.output());
    if (match) return match;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not printed: ${text}\n${run.output()}`);
}

test('the first start prints the admin login and token once and saves them; a restart prints neither', async () => {
  const first = await start();
  const password = (await waitFor(first.run, /password\s+(\S+)/))[1] as string;
  const token = (await waitFor(first.run, /^\s+(aurora-admin\.\S+)$/m))[1] as string;
  expect(first.run.output()).toContain(`saved to ${path.join(dataDir, 'admin-password')}`);
  expect(readFileSync(path.join(dataDir, 'admin-password'), 'utf8')).toBe(`admin\n${password}\n`);
  if (process.platform !== 'win32') expect(statSync(path.join(dataDir, 'admin-password')).mode & 0o777).toBe(0o600);
  expect(await login(first.url, password)).toBe(200);
  expect(await login(first.url, 'not-the-password')).toBe(401);
  await stopAurora(first.run);

  const second = await start();
  await waitFor(second.run, /Stop with Ctrl-C/);
  expect(second.run.output()).not.toContain(password);
  expect(second.run.output()).not.toMatch(/^\s+password\s/m);
  expect(second.run.output()).toContain('Users log in to the console with their name and password');
  expect(await login(second.url, password)).toBe(200);
  const me = await fetch(`${second.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  expect(await me.json()).toMatchObject({ kind: 'admin' });
  await stopAurora(second.run);
}, 300_000);
