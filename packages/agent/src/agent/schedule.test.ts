import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AgentOptions, type RunningAgent, startAgent } from '../index.js';
import { captureLogs } from '../testing/log-capture.js';
import { RealControlPlane } from '../testing/real-control-plane.js';
import { SequenceSource } from '../testing/sequence-source.js';
import { VirtualTime } from '../testing/virtual-time.js';

let plane: RealControlPlane;
let stateDir: string;
let agent: RunningAgent | undefined;
let node: string;
let tests = 0;

beforeAll(async () => {
  plane = await RealControlPlane.start();
});
afterAll(async () => plane?.close());
/**
 * Each test's agent has joined the real control plane already (in real time), so the schedule
 * under virtual time starts at its first heartbeat; the joining agent collects nothing.
 */
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-schedule-'));
  node = `schedule-${++tests}`;
  const idle = new SequenceSource();
  idle.pause();
  const joining = await startAgent({
    server: plane.url,
    token: await plane.joinToken(1),
    stateDir,
    name: node,
    logger: captureLogs().logger,
    metrics: idle,
  });
  await joining.stop();
  plane.resetRelay();
});
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await plane.start();
  await rm(stateDir, { recursive: true, force: true });
});

/** Starts the agent that joined in beforeEach, on virtual time. */
async function startOnVirtualTime(options: Omit<AgentOptions, 'server' | 'stateDir'>): Promise<RunningAgent> {
  agent = await startAgent({ server: plane.url, stateDir, logger: captureLogs().logger, ...options });
  return agent;
}

/** Moves virtual time on each time both loops (collection and heartbeat) are asleep, until `done`. */
async function runUntil(time: VirtualTime, done: () => boolean): Promise<void> {
  for (;;) {
    await vi.waitFor(
      () => {
        if (time.sleeping < 2) throw new Error('a loop is still busy');
      },
      { timeout: 15_000, interval: 1 },
    );
    if (done()) return;
    time.advance();
  }
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('heartbeat schedule under virtual time', () => {
  it('backs off exponentially with the injected jitter while failing, then returns to the interval', async () => {
    const time = new VirtualTime();
    await plane.stop();
    const agent = await startOnVirtualTime({
      intervalMs: 1_000,
      maxBackoffMs: 8_000,
      metrics: new SequenceSource(),
      runtime: { clock: time.clock, sleep: time.sleep, random: () => 0.5 },
    });

    await runUntil(time, () => plane.heartbeats.length >= 6);
    await plane.start();
    await runUntil(time, () => plane.heartbeats.length >= 9);

    const sentAt = plane.heartbeats.map((hb) => hb.body.sentAt);
    // Half of each ceiling (1, 2, 4, then the 8 s cap) after each of six failures;
    // the seventh heartbeat succeeds and the interval is 1 s again.
    expect(plane.heartbeats.slice(0, 6).every((hb) => hb.exchange.status === undefined)).toBe(true);
    expect(gaps(sentAt)).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000, 1_000, 1_000]);
    expect(plane.heartbeats[6]?.answer?.acknowledged.length).toBeGreaterThan(1);
    expect(agent.stats().consecutiveFailures).toBe(0);
  });

  it('retries within 5 s at most by default, however long the control plane stays away', async () => {
    const time = new VirtualTime();
    await plane.stop();
    const agent = await startOnVirtualTime({
      intervalMs: 5_000,
      metrics: new SequenceSource(),
      // The top of every jitter range: the longest wait the agent could choose.
      runtime: { clock: time.clock, sleep: time.sleep, random: () => 0.999_999 },
    });
    await runUntil(time, () => plane.heartbeats.length >= 12);
    const waits = gaps(plane.heartbeats.map((hb) => hb.body.sentAt));
    // 1, 2, 4 s, then the 5 s cap for good (floored from just under each ceiling).
    expect(waits.slice(0, 4)).toEqual([999, 1_999, 3_999, 4_999]);
    expect(Math.max(...waits)).toBe(4_999);
    await plane.start();
    await runUntil(time, () => agent.stats().consecutiveFailures === 0);
    expect(plane.heartbeats.at(-1)?.answer?.state).toBe('ready');
  });

  it('collects on a fixed rate whatever the heartbeats do', async () => {
    const time = new VirtualTime();
    const source = new SequenceSource();
    await plane.stop();
    const start = time.now;
    const agent = await startOnVirtualTime({
      intervalMs: 1_000,
      maxBackoffMs: 60_000,
      metrics: source,
      runtime: { clock: time.clock, sleep: time.sleep, random: () => 0.99 },
    });
    await runUntil(time, () => time.now - start >= 30_000);
    // One collection at start plus one per elapsed second, even though heartbeats were backing off.
    expect(source.collected).toBe(1 + Math.floor((time.now - start) / 1_000));
    expect(gaps(plane.heartbeats.map((hb) => hb.body.sentAt)).some((gap) => gap > 4_000)).toBe(true);
    expect(agent.stats().pendingBatches).toBe(source.collected);
  });

  it('retries a refused credential only once a minute, without jitter toward zero', async () => {
    const time = new VirtualTime();
    const { logger, records } = captureLogs();
    // The control plane no longer knows the node, and the agent has no join token to join again with.
    await plane.admin.deleteNode(node);
    await startOnVirtualTime({
      intervalMs: 1_000,
      logger,
      metrics: new SequenceSource(),
      runtime: { clock: time.clock, sleep: time.sleep, random: () => 0 },
    });
    await runUntil(time, () => plane.heartbeats.length >= 4);
    expect(plane.heartbeats.map((hb) => hb.exchange.status)).toEqual([401, 401, 401, 401]);
    const refused = plane.heartbeats.map((hb) => hb.body.sentAt);
    expect(gaps(refused)).toEqual([60_000, 60_000, 60_000]);
    expect(records.filter((r) => r.level === 50 && /aurora token create/.test(r.msg)).length).toBeGreaterThanOrEqual(2);
  });
});
