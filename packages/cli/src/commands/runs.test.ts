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
    expect(lines[0]).toMatch(/^ID\s+WORKFLOW\s+STATUS\s+STEP\s+STARTED\s+APPROVAL\s+ERROR$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${runId}\\s+cli-shown\\s+waiting\\s+1\\s+2026-06-01T00:00:00.000Z\\s+-\\s+-$`),
    );
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

  test('shows a pending approval, refuses a decision without a reason, and approves with one', async () => {
    const api = async (method: string, url: string, body: unknown) => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, string>>;
    };
    const { token } = await api('POST', '/v1/tokens', {});
    const facts = {
      hostname: 'pay-1',
      os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0' },
      arch: 'x64',
      cpus: { count: 2, model: 'cpu' },
      memoryBytes: 1024 ** 3,
      disks: [],
      addresses: [],
      labels: { environment: 'production', team: 'payments' },
      agentVersion: '0.1.0',
    };
    await api('POST', '/v1/join', { token, name: 'pay-1', facts });
    await api('PUT', '/v1/playbooks/pay-hot', {
      yaml: 'trigger:\n  alert: { metric: cpu_usage_pct }\nsteps:\n  - action: cordon\n',
    });
    // Alerts come from detection; one is written as the alerter writes it.
    const t = clock.now();
    await server.store.db.execute(
      `insert into alerts (id, fingerprint, source, state, node, metric, labels, starts_at, last_seen_at, summary, score, updated_at)
       values ('cli-alert', 'cli-alert', 'anomaly', 'firing', 'pay-1', 'cpu_usage_pct', '{}', ${t}, ${t}, 'hot', 1, ${t})`,
    );
    await server.healing.playbooks.runOnce();
    await server.healing.workflows.drain();
    const listed = await runRuns([...connection, '--workflow', 'playbook:pay-hot@1'], {});
    const id = listed.split('\n')[1]?.split(/\s+/)[0] ?? '';
    expect(listed).toMatch(
      /waiting\s+1\s+\S+\s+pending L1\/1 0\/1 \(role admin\|operator\) until 2026-06-01T01:00:00.000Z/,
    );
    const shown = await runRuns([...connection, id], {});
    expect(shown).toContain(
      'Approval: pending at level 1 on node pay-1 (asked by production-needs-approval); expires 2026-06-01T01:00:00.000Z, then reject',
    );
    expect(shown).toContain('  level 1: 0/1 of role admin, role operator');
    await expect(runRuns([...connection, 'approve', id], {})).rejects.toThrow(/--reason is required to approve/);
    const approved = await runRuns([...connection, 'approve', id, '--reason', 'checked: safe to cordon'], {});
    expect(approved).toContain('Approval: approved on node pay-1');
    expect(approved).toContain('  level 1: 1/1 of role admin, role operator (approved by admin), satisfied');
    expect(approved).toMatch(/admin approved at level 1: checked: safe to cordon/);
    await expect(runRuns([...connection, 'reject', id, '--reason', 'too late'], {})).rejects.toThrow(
      /takes no decision/,
    );
  });

  test('an unknown run and a bad limit are errors that say what to do', async () => {
    await expect(runRuns([...connection, 'nope'], {})).rejects.toThrow(/no run with id "nope"/);
    await expect(runRuns([...connection, '--limit', '0'], {})).rejects.toThrow(CliError);
  });
});
