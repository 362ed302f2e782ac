/**
 * The README's five-minute tour, run as a user would: real child processes of
 * the compiled `aurora` command talking over real HTTP, with short health
 * timings so "suspect" and "down" arrive in seconds instead of minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AuroraProcess, bannerUrl, runAurora, spawnAurora, stopAurora } from './testing/aurora-process.js';

const ADMIN = 'tour-admin-token-0123456789abcdef';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe('the README tour', () => {
  let dir: string;
  let up: AuroraProcess;
  let url: string;
  const env = (extra: Record<string, string> = {}) => ({
    AURORA_ADMIN_TOKEN: ADMIN,
    AURORA_HEARTBEAT_INTERVAL_MS: '1000',
    AURORA_SUSPECT_AFTER_MS: '4000',
    AURORA_DOWN_AFTER_MS: '8000',
    AURORA_LOG_LEVEL: 'warn',
    ...extra,
  });
  const nodes = async () => {
    const res = await fetch(`${url}/v1/nodes`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return ((await res.json()) as { items: { name: string; state: string }[] }).items;
  };
  const stateOf = async (name: string) => (await nodes()).find((n) => n.name === name)?.state;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-tour-'));
    up = spawnAurora(['up', '--port', '0', '--data-dir', path.join(dir, 'data')], env(), dir);
    url = await bannerUrl(up);
  }, 60_000);

  afterAll(async () => {
    if (up) await stopAurora(up);
    rmSync(dir, { recursive: true, force: true });
  });

  test('aurora up brings this machine in as a ready node', async () => {
    const ready = await until('the local node to be ready', async () =>
      (await nodes()).find((n) => n.state === 'ready'),
    );
    expect(ready.name).toMatch(/^[a-z0-9]/);
  });

  test('a second agent joins with a token, then turns suspect, down and ready again', async () => {
    const created = await runAurora(['token', 'create', '--server', url, '--token', ADMIN], env(), dir);
    expect(created.code, created.output).toBe(0);
    const token = created.output.split('\n')[0]!.trim();
    const agentArgs = ['agent', '--server', url, '--token', token, '--name', 'second', '--interval', '1s'];
    const agentArgsAgain = ['agent', '--server', url, '--name', 'second', '--interval', '1s'];
    const stateDir = ['--state-dir', path.join(dir, 'second')];
    let agent = spawnAurora([...agentArgs, ...stateDir], env(), dir);
    await until('second to be ready', async () => ((await stateOf('second')) === 'ready' ? true : undefined));

    const listed = await runAurora(['nodes', '--server', url, '--token', ADMIN], env(), dir);
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(/second\s+ready/);

    await stopAurora(agent);
    await until('second to be suspect', async () => ((await stateOf('second')) === 'suspect' ? true : undefined));
    await until('second to be down', async () => ((await stateOf('second')) === 'down' ? true : undefined));

    // Restarting needs no token: the agent kept its credential.
    agent = spawnAurora([...agentArgsAgain, ...stateDir], env(), dir);
    await until('second to be ready again', async () => ((await stateOf('second')) === 'ready' ? true : undefined));
    await stopAurora(agent);
  }, 60_000);

  test('drain and uncordon from the CLI change the node state', async () => {
    const local = await until('the local node to be ready', async () =>
      (await nodes()).find((n) => n.name !== 'second' && n.state === 'ready'),
    );
    const drained = await runAurora(['node', local.name, 'drain', '--server', url, '--token', ADMIN], env(), dir);
    expect(drained.code, drained.output).toBe(0);
    expect(await stateOf(local.name)).toBe('draining');
    const back = await runAurora(['node', local.name, 'uncordon', '--server', url, '--token', ADMIN], env(), dir);
    expect(back.code, back.output).toBe(0);
    expect(await stateOf(local.name)).toBe('ready');
  });

  test('a second aurora up on the same data dir refuses with a clear message', async () => {
    const second = await runAurora(['up', '--port', '0', '--data-dir', path.join(dir, 'data')], env(), dir);
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/in use|already/i);
  });

  test('a bad setting names the key and the fix', async () => {
    const bad = await runAurora(['server', '--port', 'abc'], env(), dir);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/port/);
    expect(bad.output).toMatch(/AURORA_PORT|--port/);
  });
});
