/**
 * `aurora up --actions FILE`: the local agent gets the allow-list, as `aurora agent --actions` does.
 * A real `aurora up` child process supervises a real tiny HTTP service, and a restart queued through
 * the API replaces its process; a missing or invalid file stops the start before anything runs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuroraClient, type NodeAction } from '@aurora/sdk';
import { afterAll, expect, test, vi } from 'vitest';
import {
  type AuroraProcess,
  bannerUrl,
  hasExited,
  runAurora,
  spawnAurora,
  stopAurora,
} from '../testing/aurora-process.js';

const tinyService = fileURLToPath(new URL('../../../agent/src/testing/tiny-service.mjs', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-up-actions-'));
const processes: AuroraProcess[] = [];
// Nothing in this test runner's environment may stand in for the flags under test.
for (const name of ['AURORA_ADMIN_TOKEN', 'AURORA_TOKEN', 'AURORA_SERVER', 'AURORA_PORT', 'AURORA_DATA_DIR']) {
  delete process.env[name];
}
delete process.env.AURORA_DATABASE_URL;
delete process.env.AURORA_AGENT_ACTIONS;
const quiet = { AURORA_LOG_LEVEL: 'warn' };

afterAll(() => {
  for (const run of processes) if (!hasExited(run)) run.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function servicePid(portFile: string): Promise<number> {
  const answer = await (await fetch(`http://127.0.0.1:${readFileSync(portFile, 'utf8')}/`)).text();
  const pid = Number(/^ok (\d+)$/.exec(answer)?.[1]);
  if (!pid) throw new Error(`unexpected answer from the service: ${answer}`);
  return pid;
}

test('aurora up --actions FILE: the local agent supervises the listed service and restarts it when asked through the API', async () => {
  const data = path.join(dir, 'data');
  const portFile = path.join(dir, 'web.port');
  const actionsFile = path.join(dir, 'actions.yaml');
  writeFileSync(
    actionsFile,
    [
      'services:',
      '  web:',
      `    command: ${JSON.stringify(process.execPath)}`,
      `    args: [${JSON.stringify(tinyService)}]`,
      `    env: { PORT_FILE: ${JSON.stringify(portFile)} }`,
      '    stopTimeout: 2s',
      '',
    ].join('\n'),
  );
  const run = spawnAurora(['up', '--port', '0', '--data-dir', data, '--actions', actionsFile], quiet, dir);
  processes.push(run);
  const url = await bannerUrl(run);
  const node = /Node\s+(\S+) \(local agent\)/.exec(run.output())?.[1];
  const token = /aurora-admin\.[\w-]+/.exec(run.output())?.[0];
  expect(node, run.output()).toBeDefined();
  expect(token, run.output()).toBeDefined();
  const client = new AuroraClient({ baseUrl: url, token });

  await vi.waitFor(() => expect(existsSync(portFile)).toBe(true), { timeout: 20_000, interval: 100 });
  const before = await vi.waitFor(() => servicePid(portFile), { timeout: 10_000, interval: 100 });

  const queued = await client.queueNodeAction(node as string, {
    kind: 'restart-service',
    params: { service: 'web' },
  });
  const finished = await vi.waitFor(
    async () => {
      const { items } = await client.nodeActions(node as string);
      const action = items.find((a: NodeAction) => a.id === queued.id);
      expect(action?.status).toMatch(/^(succeeded|failed|refused|expired)$/);
      return action as NodeAction;
    },
    { timeout: 30_000, interval: 250 },
  );
  expect(finished.status, JSON.stringify(finished.details)).toBe('succeeded');
  // A new process answers: the restart really replaced the one the agent started.
  const after = await vi.waitFor(
    async () => {
      const pid = await servicePid(portFile);
      expect(pid).not.toBe(before);
      return pid;
    },
    { timeout: 10_000, interval: 100 },
  );
  expect(after).not.toBe(before);

  await stopAurora(run);
  // The service lives as long as the agent: stopping `aurora up` stops it.
  await vi.waitFor(() => expect(() => process.kill(after, 0)).toThrow(), { timeout: 10_000, interval: 100 });
}, 120_000);

test('aurora up --actions refuses a missing or invalid file before it starts anything', async () => {
  const missing = path.join(dir, 'no-such-actions.yaml');
  const missingData = path.join(dir, 'missing-data');
  const refusedMissing = await runAurora(
    ['up', '--port', '0', '--data-dir', missingData, '--actions', missing],
    quiet,
    dir,
  );
  expect(refusedMissing.code).not.toBe(0);
  expect(refusedMissing.output).toContain(`cannot read the actions file ${missing}`);
  expect(refusedMissing.output).toContain('ENOENT');
  expect(refusedMissing.output).not.toContain('Aurora is running');
  expect(existsSync(missingData)).toBe(false);

  const invalid = path.join(dir, 'invalid-actions.yaml');
  writeFileSync(invalid, 'clean:\n  roots: [relative/dir]\n');
  const invalidData = path.join(dir, 'invalid-data');
  const refusedInvalid = await runAurora(
    ['up', '--port', '0', '--data-dir', invalidData, '--actions', invalid],
    quiet,
    dir,
  );
  expect(refusedInvalid.code).not.toBe(0);
  expect(refusedInvalid.output).toContain(`the actions file ${invalid} is invalid`);
  expect(refusedInvalid.output).toContain('clean.roots.0: must be an absolute path');
  expect(refusedInvalid.output).not.toContain('Aurora is running');
  expect(existsSync(invalidData)).toBe(false);

  const withoutAgent = await runAurora(['up', '--no-agent', '--actions', invalid], quiet, dir);
  expect(withoutAgent.code).not.toBe(0);
  expect(withoutAgent.output).toContain('--actions is for the local agent, and --no-agent starts none');
}, 60_000);
