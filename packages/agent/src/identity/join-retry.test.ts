import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient, type JoinResponse } from '@aurora/sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningAgent, startAgent } from '../index.js';
import { captureLogs } from '../testing/log-capture.js';
import { RealControlPlane } from '../testing/real-control-plane.js';
import { SequenceSource } from '../testing/sequence-source.js';
import { loadCredential } from './credential-store.js';
import { JOIN_KEY_FILE } from './join-key.js';

let plane: RealControlPlane;
const dirs: string[] = [];
const running: RunningAgent[] = [];

beforeAll(async () => {
  plane = await RealControlPlane.start();
});
afterAll(async () => plane?.close());
beforeEach(() => plane.resetRelay());
afterEach(async () => {
  await Promise.all(running.splice(0).map((agent) => agent.stop()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-join-'));
  dirs.push(dir);
  return dir;
}

const options = { intervalMs: 50, maxBackoffMs: 100, logger: captureLogs().logger };

describe('a join whose answer is lost on the way back', () => {
  it('is repeated with the same join key and answered with a credential for the same node', async () => {
    // One use: a repeat that counted as a second join would be refused as used up.
    const token = await plane.joinToken(1);
    let lost = 0;
    plane.relay.dropAnswer = (e) => e.path === '/v1/join' && e.status === 201 && lost++ === 0;
    const dir = await stateDir();
    const agent = await startAgent({
      ...options,
      server: plane.url,
      token,
      stateDir: dir,
      name: 'lost-answer',
      metrics: new SequenceSource(),
    });
    running.push(agent);

    const joins = plane.joins;
    expect(joins.map((j) => [j.exchange.status, j.exchange.dropped])).toEqual([
      [201, true],
      [201, false],
    ]);
    const key = joins[0]!.body.joinKey;
    expect(key).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(joins[1]?.body.joinKey).toBe(key);
    const lostAnswer = joins[0]?.exchange.response as JoinResponse;
    const delivered = joins[1]?.exchange.response as JoinResponse;
    expect(delivered.nodeId).toBe(lostAnswer.nodeId);
    expect(await loadCredential(dir)).toMatchObject({ nodeId: lostAnswer.nodeId, credential: delivered.credential });
    if (process.platform !== 'win32') expect((await stat(path.join(dir, JOIN_KEY_FILE))).mode & 0o777).toBe(0o600);

    await vi.waitFor(async () => expect((await plane.storedValues('lost-answer')).length).toBeGreaterThan(1), {
      timeout: 30_000,
      interval: 20,
    });
    expect((await plane.admin.getNode('lost-answer')).state).toBe('ready');
    // The credential in the lost answer was replaced; nobody can use it.
    const direct = new AuroraClient({ baseUrl: plane.directUrl });
    const facts = joins[0]!.body.facts;
    await expect(
      direct.heartbeat(lostAnswer.credential, { sentAt: Date.now(), facts, batches: [] }),
    ).rejects.toMatchObject({
      status: 401,
    });
  });

  it('still refuses the name to another agent, which has its own join key', async () => {
    const first = await startAgent({
      ...options,
      server: plane.url,
      token: await plane.joinToken(1),
      stateDir: await stateDir(),
      name: 'claimed',
      metrics: new SequenceSource(),
    });
    running.push(first);
    await expect(
      startAgent({
        ...options,
        server: plane.url,
        token: await plane.joinToken(5),
        stateDir: await stateDir(),
        name: 'claimed',
        metrics: new SequenceSource(),
      }),
    ).rejects.toThrow(/refused.*AURORA_NODE_NAME_TAKEN/);
    const keys = plane.joins.map((j) => j.body.joinKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });
});
