import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OUTBOX_FILE } from '../buffer/outbox-file.js';
import { type RunningAgent, startAgent } from '../index.js';
import { captureLogs } from '../testing/log-capture.js';
import { RealControlPlane } from '../testing/real-control-plane.js';
import { SequenceSource } from '../testing/sequence-source.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const agentScript = fileURLToPath(new URL('../testing/agent-process.ts', import.meta.url));

let plane: RealControlPlane;
let stateDir: string;
let child: ChildProcess | undefined;
let agent: RunningAgent | undefined;

beforeEach(async () => {
  plane = await RealControlPlane.start();
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-crash-'));
});
afterEach(async () => {
  child?.kill('SIGKILL');
  await agent?.stop();
  await plane.close();
  await rm(stateDir, { recursive: true, force: true });
});

const waitUntil = (check: () => boolean | Promise<boolean>, what: string) =>
  vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`still waiting: ${what}`);
    },
    { timeout: 30_000, interval: 20 },
  );
const NODE = 'crashing-node';

describe('an agent process killed during an outage', () => {
  it('delivers what it had saved after the restart, each batch once and in order', async () => {
    const printed: number[] = [];
    child = spawn(process.execPath, ['--conditions=@aurora/source', '--import', 'tsx', agentScript], {
      cwd: repoRoot,
      env: {
        ...process.env,
        AURORA_TEST_AGENT: JSON.stringify({
          server: plane.url,
          token: await plane.joinToken(1),
          name: NODE,
          stateDir,
          intervalMs: 20,
          outboxSaveIntervalMs: 100,
        }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      printed.push(...lines.map(Number));
    });

    await waitUntil(async () => (await plane.storedValues(NODE)).length >= 3, 'the child delivering');
    await plane.stop();
    const outageFrom = printed.length;
    await waitUntil(() => printed.length >= outageFrom + 30, 'collections during the outage');
    await access(path.join(stateDir, OUTBOX_FILE));
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    const lastCollected = printed.at(-1) ?? 0;

    await plane.start();
    agent = await startAgent({
      server: plane.url,
      stateDir,
      intervalMs: 20,
      metrics: new SequenceSource(100_000),
      logger: captureLogs().logger,
    });
    await waitUntil(async () => (await plane.storedValues(NODE)).includes(100_002), 'the restarted agent delivering');

    const beforeCrash = (await plane.storedValues(NODE)).filter((v) => v < 100_000);
    expect(beforeCrash.every((v, i) => v === i)).toBe(true);
    // At most the last save period (100 ms at 20 ms per collection, plus scheduling slack) is lost.
    expect(beforeCrash.length).toBeGreaterThan(lastCollected - 15);
    expect(plane.joins).toHaveLength(1);
    expect(agent.name).toBe(NODE);
  });
});
