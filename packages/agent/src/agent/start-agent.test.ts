import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { OUTBOX_FILE } from '../buffer/outbox-file.js';
import { credentialPath, loadCredential } from '../identity/credential-store.js';
import { nodeNameFromHostname } from '../identity/node-name.js';
import { type AgentOptions, type RunningAgent, startAgent } from '../index.js';
import { captureLogs } from '../testing/log-capture.js';
import { RealControlPlane } from '../testing/real-control-plane.js';
import { SequenceSource } from '../testing/sequence-source.js';

// One control plane for the file (its first start costs seconds); each test has its own node, state and relay record.
let plane: RealControlPlane;
let token: string;
let stateDir: string;
let NODE: string;
let tests = 0;
const running: RunningAgent[] = [];

beforeAll(async () => {
  plane = await RealControlPlane.start();
  token = await plane.joinToken(1_000);
});
afterAll(async () => plane?.close());
beforeEach(async () => {
  NODE = `agent-under-test-${++tests}`;
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((agent) => agent.stop()));
  await plane.start();
  plane.resetRelay();
  await rm(stateDir, { recursive: true, force: true });
});

const waitUntil = (check: () => boolean | Promise<boolean>, what: string) =>
  vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`still waiting: ${what}`);
    },
    { timeout: 30_000, interval: 20 },
  );

async function start(options: Partial<AgentOptions> = {}): Promise<RunningAgent> {
  const agent = await startAgent({
    server: plane.url,
    token,
    stateDir,
    name: NODE,
    intervalMs: 20,
    maxBackoffMs: 80,
    refusedRetryMs: 80,
    logger: captureLogs().logger,
    ...options,
  });
  running.push(agent);
  return agent;
}

const stored = (node = NODE) => plane.storedValues(node);
const consecutiveFromZero = (values: number[]) => values.every((v, i) => v === i);

describe('the agent against the real control plane', () => {
  it('joins under a name derived from the hostname and delivers real machine metrics', async () => {
    const agent = await start({
      name: undefined,
      metrics: undefined,
      intervalMs: 200,
      labels: { role: 'db' },
      zone: 'eu-1',
    });
    const name = nodeNameFromHostname(os.hostname());
    expect(agent.name).toBe(name);
    expect(plane.joins.map((j) => j.body.name)).toEqual([name]);
    await waitUntil(async () => (await plane.admin.getNode(name)).state === 'ready', 'the node ready');
    const node = await plane.admin.getNode(name);
    expect(node.labels).toEqual({ role: 'db' });
    expect(node.zone).toBe('eu-1');
    expect(node.facts?.hostname).toBe(os.hostname());
    for (const metric of ['mem.used_bytes', 'cpu.usage_pct']) {
      await waitUntil(async () => {
        const { series } = await plane.admin.nodeMetrics(name, { name: metric });
        return (series[0]?.points.length ?? 0) > 0;
      }, `${metric} stored`);
    }
    expect(agent.stats().nodeState).toBe('ready');
  });

  it('buffers while the server is down and, once it is back, delivers every batch exactly once and in order', async () => {
    const source = new SequenceSource();
    const agent = await start({ metrics: source });
    await waitUntil(async () => (await stored()).length >= 3, 'first batches stored');

    await plane.stop();
    await waitUntil(() => agent.stats().consecutiveFailures >= 3 && agent.stats().pendingBatches >= 5, 'buffering');
    const buffered = agent.stats().pendingBatches;

    await plane.start();
    // Everything collected up to now must arrive; later collections may still be in flight when we stop.
    const target = source.collected;
    await waitUntil(async () => (await stored()).length >= target, 'the backlog delivered');
    await agent.stop();

    const values = await stored();
    expect(target).toBeGreaterThanOrEqual(3 + buffered);
    expect(values.slice(0, target)).toEqual([...Array(target).keys()]);
    expect(consecutiveFromZero(values)).toBe(true);
    expect(agent.stats().droppedSamples).toBe(0);
  });

  it('resends a batch whose acknowledgement was lost, and the server stores it once', async () => {
    const source = new SequenceSource();
    // The server stores these heartbeats' batches, but the agent never hears so.
    let lost = 0;
    plane.relay.dropAnswer = (e) => e.path === '/v1/agent/heartbeat' && e.status === 200 && lost++ < 4;
    const agent = await start({ metrics: source });
    await waitUntil(() => agent.stats().batchesAcknowledged >= 8, 'acknowledgements after the losses');
    await agent.stop();

    const beats = plane.heartbeats;
    const lostIds = new Set(
      beats.filter((hb) => hb.exchange.dropped).flatMap((hb) => hb.body.batches.map((b) => b.id)),
    );
    const laterIds = new Set(beats.filter((hb) => hb.answer).flatMap((hb) => hb.body.batches.map((b) => b.id)));
    expect(lostIds.size).toBeGreaterThan(0);
    // Every batch whose answer was lost went out again, under the same id, and was then acknowledged.
    for (const id of lostIds) expect(laterIds.has(id), `batch ${id} resent`).toBe(true);
    const values = await stored();
    expect(consecutiveFromZero(values)).toBe(true);
    expect(values.length).toBeGreaterThanOrEqual(lostIds.size);
    expect(await plane.storedBatchCount(NODE)).toBe(values.length);
  });

  it('never resends a batch the server acknowledged', async () => {
    const source = new SequenceSource();
    let lost = 0;
    plane.relay.dropAnswer = (e) => e.path === '/v1/agent/heartbeat' && e.status === 200 && lost++ % 3 === 1;
    const agent = await start({ metrics: source });
    await waitUntil(async () => (await stored()).length >= 2, 'first batches');
    await plane.stop();
    await waitUntil(() => agent.stats().pendingBatches >= 6, 'a backlog');
    await plane.start();
    await waitUntil(() => agent.stats().batchesAcknowledged >= 15, 'fifteen acknowledgements');
    await agent.stop();

    const acknowledged = new Set<string>();
    for (const hb of plane.heartbeats) {
      for (const id of hb.body.batches.map((b) => b.id)) {
        expect(acknowledged.has(id), `batch ${id} sent again after its acknowledgement`).toBe(false);
      }
      for (const id of hb.answer?.acknowledged ?? []) acknowledged.add(id);
    }
    expect(plane.heartbeats.some((hb) => hb.exchange.dropped)).toBe(true);
    expect(plane.heartbeats.some((hb) => hb.answer && hb.body.batches.length > 1)).toBe(true);
  });

  it('drops the oldest samples when the buffer is full and reports how many to the server', async () => {
    const source = new SequenceSource();
    const { logger, records } = captureLogs();
    const agent = await start({ metrics: source, maxBufferedSamples: 4, logger });
    await waitUntil(async () => (await stored()).length >= 1, 'first batch');
    await plane.stop();
    await waitUntil(() => agent.stats().droppedSamples >= 3, 'drops');
    expect(agent.stats().pendingSamples).toBeLessThanOrEqual(4);
    source.pause();
    await plane.start();
    const target = source.collected;
    const reported = () =>
      plane.heartbeats.reduce((sum, hb) => sum + (hb.answer ? (hb.body.droppedSamples ?? 0) : 0), 0);
    await waitUntil(
      async () => (await stored()).includes(target - 1) && reported() === agent.stats().droppedSamples,
      'recovery with the drops reported',
    );
    await agent.stop();

    const node = await plane.admin.getNode(NODE);
    const condition = node.conditions.find((c) => c.type === 'DroppedSamples');
    expect(condition?.status).toBe('true');
    expect(condition?.message).toMatch(/agent dropped \d+ samples/);
    const values = await stored();
    expect(values).toEqual([...new Set(values)].sort((a, b) => a - b));
    // The gap left in the sequence is exactly what was dropped.
    const missing = target - values.filter((v) => v < target).length;
    expect(missing).toBe(agent.stats().droppedSamples);
    expect(records.some((r) => r.level === 40 && /dropping the oldest samples/.test(r.msg))).toBe(true);
  });

  it('keeps its credential (mode 0600) and restarts without joining again', async () => {
    const first = await start({ metrics: new SequenceSource() });
    await waitUntil(() => plane.heartbeats.some((hb) => hb.answer), 'a heartbeat');
    await first.stop();
    if (process.platform !== 'win32') expect((await stat(credentialPath(stateDir))).mode & 0o777).toBe(0o600);

    const second = await start({ token: undefined, name: undefined, metrics: new SequenceSource() });
    const before = plane.heartbeats.length;
    await waitUntil(() => plane.heartbeats.filter((hb) => hb.answer).length >= before + 2, 'heartbeats after restart');
    expect(second.name).toBe(NODE);
    expect(plane.joins).toHaveLength(1);
    expect(new Set(plane.heartbeats.map((hb) => hb.credential)).size).toBe(1);
    expect(second.stats().consecutiveFailures).toBe(0);
  });

  it('saves batches still pending at stop and delivers them after a restart, each once and in order', async () => {
    const before = new SequenceSource();
    const first = await start({ metrics: before });
    await waitUntil(async () => (await stored()).length >= 2, 'first batches stored');
    await plane.stop();
    await waitUntil(() => first.stats().pendingBatches >= 4, 'a backlog');
    await first.stop();
    const carried = first.stats().pendingBatches;
    await access(path.join(stateDir, OUTBOX_FILE));

    await plane.start();
    const after = new SequenceSource(before.collected);
    const second = await start({ token: undefined, metrics: after });
    await waitUntil(async () => (await stored()).includes(before.collected + 2), 'both runs delivered');
    await second.stop();

    expect(carried).toBeGreaterThanOrEqual(4);
    const values = await stored();
    expect(values.slice(0, before.collected)).toEqual([...Array(before.collected).keys()]);
    expect(consecutiveFromZero(values)).toBe(true);
    expect(plane.joins).toHaveLength(1);
  });

  it('keeps a copy of the outbox on disk during an outage and removes it once the backlog is delivered', async () => {
    const agent = await start({ metrics: new SequenceSource(), outboxSaveIntervalMs: 50 });
    const outboxFile = path.join(stateDir, OUTBOX_FILE);
    const onDisk = () =>
      access(outboxFile).then(
        () => true,
        () => false,
      );
    await waitUntil(async () => (await stored()).length >= 1, 'first batch');
    expect(await onDisk()).toBe(false);
    await plane.stop();
    await waitUntil(onDisk, 'the outbox saved');
    await plane.start();
    await waitUntil(async () => !(await onDisk()), 'the saved outbox removed');
    expect(agent.stats().consecutiveFailures).toBe(0);
  });

  it('gives up the oldest batch after repeated refusals, so one bad batch cannot block the rest', async () => {
    // Collection 1 yields a sample name the API's schema refuses (upper case), so its batch is refused with 400.
    const source = new SequenceSource(0, (value) => (value === 1 ? 'Test.Seq' : 'test.seq'));
    const { logger, records } = captureLogs();
    const agent = await start({ metrics: source, logger });
    await waitUntil(async () => (await stored()).includes(6), 'later batches delivered');
    await agent.stop();

    const refused = plane.heartbeats.filter((hb) => hb.exchange.status === 400);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect((refused[0]?.exchange.response as { code?: string } | undefined)?.code).toBe('AURORA_VALIDATION_FAILED');
    const values = await stored();
    expect(values).not.toContain(1);
    expect(values.slice(0, 3)).toEqual([0, 2, 3]);
    expect(agent.stats().droppedSamples).toBe(1);
    expect(records.some((r) => /dropped the oldest pending batch/.test(r.msg))).toBe(true);
  });

  it('joins again once with its configured token when the control plane no longer knows its credential', async () => {
    const source = new SequenceSource();
    const agent = await start({ name: 'web-07', metrics: source });
    await waitUntil(async () => (await stored('web-07')).length >= 2, 'first batches');
    const before = await loadCredential(stateDir);
    const collectedBefore = source.collected;
    await plane.admin.deleteNode('web-07');
    await waitUntil(
      async () => plane.joins.length === 2 && (await stored('web-07')).some((v) => v >= collectedBefore + 4),
      'rejoined and delivering',
    );

    expect(plane.joins.map((j) => j.body.name)).toEqual(['web-07', 'web-07']);
    expect(agent.name).toBe('web-07');
    const after = await loadCredential(stateDir);
    expect(after?.credential).not.toBe(before?.credential);
    expect(after?.nodeId).toBe((await plane.admin.getNode('web-07')).id);
    // The deletion took what was stored before it; everything pending since is delivered, each once, in order.
    const values = await stored('web-07');
    expect(values.every((v, i) => i === 0 || v === values[i - 1]! + 1)).toBe(true);
  });

  it('closes its connections when stopped, so a control plane in the same process can stop at once', async () => {
    // The connections the server accepts from now on are the agent's: the test itself only reads the store.
    const opened = new Set<import('node:net').Socket>();
    let accepted = 0;
    plane.server.app.server.on('connection', (socket: import('node:net').Socket) => {
      accepted++;
      opened.add(socket);
      socket.once('close', () => opened.delete(socket));
    });
    const agent = await start({ metrics: new SequenceSource(), server: plane.directUrl });
    await waitUntil(async () => (await stored()).length >= 2, 'heartbeats');
    expect(accepted).toBeGreaterThan(0);
    expect(opened.size).toBeGreaterThan(0);
    await agent.stop();
    await waitUntil(() => opened.size === 0, 'no connection of the agent left');
  });

  it('says how to rejoin when its credential is refused, and keeps retrying', async () => {
    const { logger, records } = captureLogs();
    const agent = await start({ logger, metrics: new SequenceSource(), token: await plane.joinToken(1) });
    await waitUntil(async () => (await stored()).length >= 1, 'first batch');
    await plane.admin.deleteNode(NODE);
    await waitUntil(() => agent.stats().consecutiveFailures >= 3, 'repeated refusals');
    // The join token was used up by the first join, so joining again is refused too.
    expect(plane.joins.at(-1)?.exchange.status).toBe(401);
    const advice = records.find((r) => r.level >= 50 && /credential/.test(r.msg));
    expect(advice?.msg).toMatch(/new join token.*aurora token create.*--token/);
    expect(plane.heartbeats.at(-1)?.exchange.status).toBe(401);
    expect(agent.stats().pendingBatches).toBeGreaterThan(0);
  });

  it('refuses to start with a join token the server does not accept, saying what to check', async () => {
    await expect(start({ token: 'wrong-token' })).rejects.toThrow(/refused.*AURORA_TOKEN_INVALID.*join token/);
    expect(plane.joins.at(-1)?.exchange.status).toBe(401);
  });

  it('refuses to start without a stored credential or a join token', async () => {
    await expect(start({ token: undefined })).rejects.toThrow(/no node credential.*--token/);
    expect(plane.relay.exchanges).toHaveLength(0);
  });
});
