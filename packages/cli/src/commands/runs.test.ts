/**
 * `aurora runs` against a real control plane in this process, over real HTTP on an ephemeral
 * port, with a workflow run advanced by the engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileConfig, ManualClock, type RunningServer, startServer } from '@aurora/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CliError } from '../cli-error.js';
import { runRuns } from './runs.js';

const ADMIN = 'runs-admin-token-0123456789abcdef';

describe('aurora runs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-runs-'));
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let server: RunningServer;
  let connection: string[];
  let runId = '';

  beforeAll(async () => {
    server = await startServer(
      compileConfig({
        env: { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'silent' },
        overrides: { port: 0, dataDir: path.join(dir, 'data') },
      }),
      {
        manualControllers: true,
        consoleDir: path.join(dir, 'no-console'),
        clock,
        workflows: [
          {
            name: 'cli-shown',
            steps: [
              { kind: 'task', name: 'check', run: async () => ({ ok: true }) },
              { kind: 'wait', name: 'cool', ms: 120_000 },
            ],
          },
        ],
      },
    );
    connection = ['--server', server.url, '--token', ADMIN];
    runId = (await server.healing.workflows.start('cli-shown', null)).run.id;
    await server.healing.workflows.drain();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('lists runs, and shows one with its steps', async () => {
    const lines = (await runRuns(connection, {})).split('\n');
    expect(lines[0]).toMatch(/^ID\s+WORKFLOW\s+STATUS\s+STEP\s+STARTED\s+ERROR$/);
    expect(lines[1]).toMatch(new RegExp(`^${runId}\\s+cli-shown\\s+waiting\\s+1\\s+2026-06-01T00:00:00.000Z\\s+-$`));
    const shown = (await runRuns([...connection, runId], {})).split('\n');
    expect(shown[0]).toBe(`Run ${runId}: cli-shown, waiting`);
    expect(shown.slice(3)).toEqual([
      expect.stringMatching(/^#\s+STEP\s+STATUS\s+ATTEMPTS\s+FAILURES\s+OUTPUT \/ ERROR$/),
      expect.stringMatching(/^0\s+check\s+succeeded\s+1\s+0\s+\{"ok":true\}$/),
      expect.stringMatching(/^1\s+cool\s+waiting until 2026-06-01T00:02:00.000Z\s+1\s+0\s+-$/),
    ]);
    expect(await runRuns([...connection, '--workflow', 'other'], {})).toBe('No workflow runs.');
    expect(JSON.parse(await runRuns([...connection, runId, '--json'], {})).steps).toHaveLength(2);
  });

  test('an unknown run and a bad limit are errors that say what to do', async () => {
    await expect(runRuns([...connection, 'nope'], {})).rejects.toThrow(/no run with id "nope"/);
    await expect(runRuns([...connection, '--limit', '0'], {})).rejects.toThrow(CliError);
  });
});
