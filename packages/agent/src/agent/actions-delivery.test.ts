import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient, type NodeAction, type QueueNodeAction } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningAgent, startAgent } from '../index.js';
import { captureLogs } from '../testing/log-capture.js';

const ADMIN_TOKEN = 'agent-actions-admin-token-0123456789';

let dir: string;
let server: RunningServer;
let agent: RunningAgent | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-actions-'));
  const config = compileConfig({
    env: { AURORA_ADMIN_TOKEN: ADMIN_TOKEN, AURORA_LOG_LEVEL: 'silent' },
    overrides: { host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'data') },
  });
  server = await startServer(config, { consoleDir: path.join(dir, 'no-console') });
});
afterEach(async () => {
  await agent?.stop();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const admin = () => new AuroraClient({ baseUrl: server.url, token: ADMIN_TOKEN });
const nodeActions = async (name: string): Promise<NodeAction[]> => (await admin().nodeActions(name)).items;
const queue = (name: string, body: QueueNodeAction) => admin().queueNodeAction(name, body);

describe('actions from the control plane to a real agent', () => {
  it('runs what its allow-list permits, refuses the rest, and the results reach the control plane', async () => {
    const root = path.join(dir, 'scratch');
    await mkdir(root);
    const old = path.join(root, 'old.tmp');
    await writeFile(old, 'x');
    await utimes(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    await writeFile(path.join(root, 'new.tmp'), 'y');

    const { token } = await admin().createJoinToken({ uses: 1 });
    agent = await startAgent({
      server: server.url,
      token,
      stateDir: path.join(dir, 'state'),
      name: 'actions-node',
      // A long interval: results must arrive at once, not with the next regular heartbeat.
      intervalMs: 400,
      actions: { clean: { roots: [root] } },
      logger: captureLogs().logger,
    });
    await queue('actions-node', {
      id: 'clean-scratch-1',
      kind: 'clean-path',
      params: { path: root, pattern: '*.tmp', olderThan: '10m' },
    });
    await queue('actions-node', {
      id: 'clean-etc-00001',
      kind: 'clean-path',
      params: { path: '/etc', pattern: '*', olderThan: '1s' },
    });
    await queue('actions-node', { id: 'restart-db-0001', kind: 'restart-service', params: { service: 'db' } });

    await vi.waitFor(
      async () => {
        const items = await nodeActions('actions-node');
        expect(items.map((a) => a.status).sort()).toEqual(['refused', 'refused', 'succeeded']);
      },
      { timeout: 30_000, interval: 100 },
    );
    const byId = new Map((await nodeActions('actions-node')).map((a) => [a.id, a]));
    expect(byId.get('clean-scratch-1')?.details).toMatchObject({ removed: 1, files: ['old.tmp'] });
    expect(byId.get('clean-etc-00001')?.details).toMatchObject({ reason: 'outside-roots', field: 'params.path' });
    expect(byId.get('restart-db-0001')?.details).toMatchObject({ reason: 'not-allowed', field: 'params.service' });
    expect(await readdir(root)).toEqual(['new.tmp']);
  });
});
