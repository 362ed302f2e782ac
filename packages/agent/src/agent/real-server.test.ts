import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningAgent, startAgent } from '../index.js';
import { captureLogs } from '../testing/log-capture.js';

const ADMIN_TOKEN = 'agent-suite-admin-token-0123456789';

let dataDir: string;
let stateDir: string;
let server: RunningServer;
let agent: RunningAgent | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-server-'));
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-state-'));
  const config = compileConfig({
    env: { AURORA_ADMIN_TOKEN: ADMIN_TOKEN, AURORA_LOG_LEVEL: 'silent' },
    overrides: { host: '127.0.0.1', port: 0, dataDir },
  });
  server = await startServer(config, { consoleDir: path.join(dataDir, 'no-console') });
});
afterEach(async () => {
  await agent?.stop();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(stateDir, { recursive: true, force: true });
});

const eventually = <T>(check: () => Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

describe('the agent against the real control plane on PGlite', () => {
  it('joins with a minted token, turns ready and has its machine metrics stored', async () => {
    const admin = new AuroraClient({ baseUrl: server.url, token: ADMIN_TOKEN });
    const { token } = await admin.createJoinToken({ uses: 1 });
    agent = await startAgent({
      server: server.url,
      token,
      stateDir,
      name: 'agent-suite-node',
      intervalMs: 250,
      labels: { role: 'test' },
      logger: captureLogs().logger,
    });

    await eventually(async () => expect((await admin.getNode('agent-suite-node')).state).toBe('ready'));
    const node = await admin.getNode('agent-suite-node');
    expect(node.labels).toEqual({ role: 'test' });
    expect(node.facts?.hostname).toBe(os.hostname());

    await eventually(async () => {
      const { series } = await admin.nodeMetrics('agent-suite-node', { name: 'mem.used_bytes' });
      expect(series[0]?.points.length ?? 0).toBeGreaterThan(0);
    });
    expect(agent.stats().batchesAcknowledged).toBeGreaterThan(0);
    expect(agent.stats().nodeState).toBe('ready');
  });
});
