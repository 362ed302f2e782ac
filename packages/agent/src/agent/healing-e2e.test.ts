import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuroraClient, type NodeAction, type WorkflowRunDetail } from '@aurora/sdk';
import { freePort } from '@aurora/sdk/testing';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const agentScript = fileURLToPath(new URL('../testing/actions-agent-process.ts', import.meta.url));
const tinyService = fileURLToPath(new URL('../testing/tiny-service.mjs', import.meta.url));
const ADMIN_TOKEN = 'agent-healing-admin-token-0123456789';

let dir: string;
let server: RunningServer;
let agentProcess: ChildProcess | undefined;
const servicePids = new Set<number>();

/** The service's pid when it answers within half a second, else undefined. */
async function serviceAnswers(port: number): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
    const pid = Number((await res.text()).replace(/^ok /, ''));
    servicePids.add(pid);
    return pid;
  } catch {
    return undefined;
  }
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aurora-healing-e2e-'));
  const config = compileConfig({
    env: { AURORA_ADMIN_TOKEN: ADMIN_TOKEN, AURORA_LOG_LEVEL: 'silent' },
    overrides: { host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'data') },
  });
  server = await startServer(config, { consoleDir: path.join(dir, 'no-console') });
});
afterEach(async () => {
  if (agentProcess && agentProcess.exitCode === null) {
    agentProcess.kill('SIGTERM'); // the agent stops its services on the way out
    await once(agentProcess, 'exit');
  }
  for (const pid of servicePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a playbook heals a service through its node agent', () => {
  it('a killed, then a hung service is noticed, a playbook run restarts it through the agent, and it answers again', async () => {
    const admin = new AuroraClient({ baseUrl: server.url, token: ADMIN_TOKEN });
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    // A threshold rule watches the agent's service.up, and a playbook restarts the service when it fires.
    await call('POST', '/v1/alert-rules', {
      name: 'web-down',
      selector: 'service_up{service="web"}',
      op: '<',
      value: 1,
      for: '10s',
    });
    await call('PUT', '/v1/playbooks/restart-web', {
      yaml: [
        'trigger:',
        '  alert: { metric: service_up, labels: { service: web } }',
        'steps:',
        '  - agent: { action: restart-service, service: web }',
        '    timeout: 1m',
        '  - verify: alert-resolved',
        '    within: 2m',
        'cooldown: 5s',
      ].join('\n'),
    });

    const port = await freePort();
    const { token } = await admin.createJoinToken({ uses: 1 });
    agentProcess = spawn(process.execPath, ['--conditions=@aurora/source', '--import', 'tsx', agentScript], {
      cwd: repoRoot,
      env: {
        ...process.env,
        AURORA_TEST_AGENT: JSON.stringify({
          server: server.url,
          token,
          stateDir: path.join(dir, 'agent'),
          name: 'heal-node',
          intervalMs: 500,
          actions: {
            services: {
              web: {
                command: process.execPath,
                args: [tinyService],
                env: { PORT: String(port) },
                stopTimeout: '1s',
                check: { http: `http://127.0.0.1:${port}/`, timeout: '500ms' },
              },
            },
          },
        }),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const slow = { timeout: 120_000, interval: 250 };
    const firstPid = await vi.waitFor(async () => {
      const pid = await serviceAnswers(port);
      if (pid === undefined) throw new Error('service not answering yet');
      return pid;
    }, slow);

    process.kill(firstPid, 'SIGKILL');
    expect(await serviceAnswers(port)).toBeUndefined();

    const finishedRun = (count: number) =>
      vi.waitFor(async () => {
        const { items } = await call('GET', '/v1/runs?workflow=playbook:restart-web@1');
        const done = items.filter((r: { status: string }) => r.status !== 'pending' && r.status !== 'waiting');
        if (done.length < count)
          throw new Error(`runs: ${JSON.stringify(items.map((r: { status: string }) => r.status))}`);
        return (await call('GET', `/v1/runs/${done[0].id}`)) as WorkflowRunDetail; // newest first
      }, slow);
    const run = await finishedRun(1);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const restarted = run.steps.find((s) => s.name === '0-agent-restart-service');
    expect(restarted?.output).toMatchObject({
      node: 'heal-node',
      action: 'restart-service',
      status: 'succeeded',
      details: { service: 'web', restarts: 1 },
    });

    const newPid = await serviceAnswers(port);
    expect(newPid).toBeDefined();
    expect(newPid).not.toBe(firstPid);

    // Hung: the process is alive (service.up would say 1 without a check), but its health check times out.
    process.kill(newPid as number, 'SIGSTOP');
    const second = await finishedRun(2);
    expect(second.id).not.toBe(run.id);
    expect(second.status, JSON.stringify(second.steps)).toBe('succeeded');
    expect(second.steps.find((s) => s.name === '0-agent-restart-service')?.output).toMatchObject({
      status: 'succeeded',
      details: { restarts: 2, previous: { pid: newPid } },
    });
    const thirdPid = await serviceAnswers(port);
    expect(thirdPid).toBeDefined();
    expect(thirdPid).not.toBe(newPid);

    const { items } = (await call('GET', '/v1/nodes/heal-node/actions')) as { items: NodeAction[] };
    expect(items.map((a) => [a.kind, a.status])).toEqual([
      ['restart-service', 'succeeded'],
      ['restart-service', 'succeeded'],
    ]);
  }, 300_000);
});
