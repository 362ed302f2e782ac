import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OUTBOX_FILE } from '../buffer/outbox-file.js';
import { credentialPath, loadCredential } from '../identity/credential-store.js';
import { nodeNameFromHostname } from '../identity/node-name.js';
import { type AgentOptions, type RunningAgent, startAgent } from '../index.js';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.js';
import { captureLogs } from '../testing/log-capture.js';
import { SequenceSource } from '../testing/sequence-source.js';

let plane: TestControlPlane;
let stateDir: string;
const running: RunningAgent[] = [];

beforeEach(async () => {
  plane = await startTestControlPlane();
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((agent) => agent.stop()));
  await plane.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const waitUntil = (check: () => boolean, what: string) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error(`still waiting: ${what}`);
    },
    { timeout: 15_000, interval: 10 },
  );

async function start(options: Partial<AgentOptions> = {}): Promise<RunningAgent> {
  const agent = await startAgent({
    server: plane.url,
    token: plane.joinToken,
    stateDir,
    intervalMs: 20,
    maxBackoffMs: 80,
    refusedRetryMs: 80,
    logger: captureLogs().logger,
    ...options,
  });
  running.push(agent);
  return agent;
}

const storedValues = () => plane.stored.flatMap((b) => b.samples.map((s) => s.value));
const consecutiveFromZero = (values: number[]) => values.every((v, i) => v === i);

describe('the agent against a control plane on 127.0.0.1', () => {
  it('joins under a name derived from the hostname and delivers real machine metrics', async () => {
    const agent = await start({ intervalMs: 200, labels: { role: 'db' }, zone: 'eu-1' });
    expect(agent.name).toBe(nodeNameFromHostname(os.hostname()));
    expect(plane.joins).toHaveLength(1);
    expect(plane.joins[0]?.facts.labels).toEqual({ role: 'db' });
    await waitUntil(() => plane.stored.length >= 2, 'two collections stored');
    const names = new Set(plane.stored.flatMap((b) => b.samples.map((s) => s.name)));
    expect(names).toContain('mem.used_bytes');
    expect(names).toContain('cpu.usage_pct');
    expect(plane.heartbeats.at(-1)?.body.facts.zone).toBe('eu-1');
    expect(agent.stats().nodeState).toBe('ready');
  });

  it('buffers while the server is down and, once it is back, delivers every batch exactly once and in order', async () => {
    const source = new SequenceSource();
    const agent = await start({ metrics: source });
    await waitUntil(() => plane.stored.length >= 3, 'first batches stored');

    await plane.stop();
    await waitUntil(() => agent.stats().consecutiveFailures >= 3 && agent.stats().pendingBatches >= 5, 'buffering');
    const buffered = agent.stats().pendingBatches;

    await plane.start();
    // Everything collected up to now must arrive; later collections may still be in flight when we stop.
    const target = source.collected;
    await waitUntil(() => plane.stored.length >= target, 'the backlog delivered');
    await agent.stop();

    const values = storedValues();
    expect(target).toBeGreaterThanOrEqual(3 + buffered);
    expect(consecutiveFromZero(values)).toBe(true);
    expect(agent.stats().droppedSamples).toBe(0);
  });

  it('resends a batch whose acknowledgement was lost, and the server stores it once', async () => {
    const source = new SequenceSource();
    plane.mode = 'store-then-fail';
    const agent = await start({ metrics: source });
    await waitUntil(() => plane.heartbeats.length >= 4, 'failed heartbeats');
    plane.mode = 'normal';
    await waitUntil(() => agent.stats().batchesAcknowledged >= 5, 'acknowledgements');
    await agent.stop();

    const sentIds = plane.heartbeats.flatMap((hb) => hb.body.batches.map((b) => b.id));
    expect(new Set(sentIds).size).toBeLessThan(sentIds.length);
    expect(consecutiveFromZero(storedValues())).toBe(true);
  });

  it('never resends a batch the server acknowledged', async () => {
    // Acknowledge only the first batch of each heartbeat, so the rest must come again.
    plane.acknowledge = (ids) => ids.slice(0, 1);
    const source = new SequenceSource();
    const agent = await start({ metrics: source });
    await plane.stop();
    await waitUntil(() => agent.stats().pendingBatches >= 6, 'a backlog');
    await plane.start();
    await waitUntil(() => agent.stats().batchesAcknowledged >= 10, 'ten acknowledgements');
    await agent.stop();

    const acknowledgedAt = new Map<string, number>();
    plane.heartbeats.forEach((hb, index) => {
      for (const id of hb.body.batches.map((b) => b.id)) {
        const ackedBefore = acknowledgedAt.get(id);
        expect(ackedBefore, `batch ${id} sent again after its acknowledgement`).toBeUndefined();
      }
      for (const id of hb.acknowledged) acknowledgedAt.set(id, index);
    });
    expect(plane.heartbeats.some((hb) => hb.body.batches.length > 1)).toBe(true);
  });

  it('drops the oldest samples when the buffer is full and reports how many to the server', async () => {
    const source = new SequenceSource();
    const { logger, records } = captureLogs();
    const agent = await start({ metrics: source, maxBufferedSamples: 4, logger });
    await waitUntil(() => plane.stored.length >= 1, 'first batch');
    await plane.stop();
    await waitUntil(() => agent.stats().droppedSamples >= 3, 'drops');
    expect(agent.stats().pendingSamples).toBeLessThanOrEqual(4);
    source.pause();
    await plane.start();
    const target = source.collected;
    await waitUntil(
      () => storedValues().includes(target - 1) && plane.reportedDrops === agent.stats().droppedSamples,
      'recovery with the drops reported',
    );
    await agent.stop();

    expect(plane.reportedDrops).toBe(agent.stats().droppedSamples);
    const values = storedValues();
    expect(values).toEqual([...new Set(values)].sort((a, b) => a - b));
    // The gap left in the sequence is what was dropped (a batch stored without its acknowledgement may also count).
    const missing = target - values.filter((v) => v < target).length;
    expect(missing).toBeGreaterThan(0);
    expect(missing).toBeLessThanOrEqual(agent.stats().droppedSamples);
    expect(records.some((r) => r.level === 40 && /dropping the oldest samples/.test(r.msg))).toBe(true);
  });

  it('keeps its credential (mode 0600) and restarts without joining again', async () => {
    const first = await start({ name: 'web-01', metrics: new SequenceSource() });
    await waitUntil(() => plane.heartbeats.length >= 1, 'a heartbeat');
    await first.stop();
    if (process.platform !== 'win32') expect((await stat(credentialPath(stateDir))).mode & 0o777).toBe(0o600);

    const second = await start({ token: undefined, metrics: new SequenceSource() });
    const before = plane.heartbeats.length;
    await waitUntil(() => plane.heartbeats.length >= before + 2, 'heartbeats after restart');
    expect(second.name).toBe('web-01');
    expect(plane.joins).toHaveLength(1);
    expect(new Set(plane.heartbeats.map((hb) => hb.credential)).size).toBe(1);
    expect(second.stats().consecutiveFailures).toBe(0);
  });

  it('saves batches still pending at stop and delivers them after a restart, each once and in order', async () => {
    const before = new SequenceSource();
    const first = await start({ metrics: before });
    await waitUntil(() => plane.stored.length >= 2, 'first batches stored');
    await plane.stop();
    await waitUntil(() => first.stats().pendingBatches >= 4, 'a backlog');
    await first.stop();
    const carried = first.stats().pendingBatches;

    await plane.start();
    const after = new SequenceSource(before.collected);
    const second = await start({ token: undefined, metrics: after });
    await waitUntil(() => storedValues().includes(before.collected + 2), 'both runs delivered');
    await second.stop();

    expect(carried).toBeGreaterThanOrEqual(4);
    expect(consecutiveFromZero(storedValues())).toBe(true);
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
    await waitUntil(() => plane.stored.length >= 1, 'first batch');
    await plane.stop();
    await vi.waitFor(async () => expect(await onDisk()).toBe(true), { timeout: 15_000, interval: 10 });
    await plane.start();
    await vi.waitFor(async () => expect(await onDisk()).toBe(false), { timeout: 15_000, interval: 10 });
    expect(agent.stats().consecutiveFailures).toBe(0);
  });

  it('gives up the oldest batch after repeated refusals, so one bad batch cannot block the rest', async () => {
    plane.refuseBatch = (batch) => batch.samples.some((s) => s.value === 1);
    const source = new SequenceSource();
    const { logger, records } = captureLogs();
    const agent = await start({ metrics: source, logger });
    await waitUntil(() => storedValues().includes(6), 'later batches delivered');
    await agent.stop();

    const values = storedValues();
    expect(values).not.toContain(1);
    expect(values.slice(0, 3)).toEqual([0, 2, 3]);
    expect(agent.stats().droppedSamples).toBe(1);
    expect(records.some((r) => /dropped the oldest pending batch/.test(r.msg))).toBe(true);
  });

  it('joins again once with its configured token when the control plane no longer knows its credential', async () => {
    const source = new SequenceSource();
    const agent = await start({ name: 'web-07', metrics: source });
    await waitUntil(() => plane.stored.length >= 2, 'first batches');
    const before = await loadCredential(stateDir);
    plane.forgetNodes();
    await waitUntil(() => plane.joins.length === 2 && plane.stored.length >= 6, 'rejoined and delivering');

    expect(plane.joins[1]?.name).toBe('web-07');
    expect(agent.name).toBe('web-07');
    const after = await loadCredential(stateDir);
    expect(after?.credential).not.toBe(before?.credential);
    expect(consecutiveFromZero(storedValues())).toBe(true);
  });

  it('closes its connections when stopped, so a control plane in the same process can stop at once', async () => {
    const agent = await start({ metrics: new SequenceSource() });
    await waitUntil(() => plane.heartbeats.length >= 2, 'heartbeats');
    expect(await plane.openConnections()).toBeGreaterThan(0);
    await agent.stop();
    await vi.waitFor(async () => expect(await plane.openConnections()).toBe(0), { timeout: 15_000, interval: 10 });
  });

  it('says how to rejoin when its credential is refused, and keeps retrying', async () => {
    const { logger, records } = captureLogs();
    const agent = await start({ logger, metrics: new SequenceSource() });
    plane.mode = 'unauthorized';
    await waitUntil(() => agent.stats().consecutiveFailures >= 3, 'repeated refusals');
    const advice = records.find((r) => r.level >= 50 && /credential/.test(r.msg));
    expect(advice?.msg).toMatch(/new join token.*aurora token create.*--token/);
    expect(agent.stats().pendingBatches).toBeGreaterThan(0);
  });

  it('refuses to start with a join token the server does not accept, saying what to check', async () => {
    await expect(start({ token: 'wrong-token' })).rejects.toThrow(/refused.*join token/);
  });

  it('refuses to start without a stored credential or a join token', async () => {
    await expect(start({ token: undefined })).rejects.toThrow(/no node credential.*--token/);
  });
});
