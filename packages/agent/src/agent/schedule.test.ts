import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningAgent, startAgent } from '../index.js';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.js';
import { captureLogs } from '../testing/log-capture.js';
import { SequenceSource } from '../testing/sequence-source.js';
import { VirtualTime } from '../testing/virtual-time.js';

let plane: TestControlPlane;
let stateDir: string;
let agent: RunningAgent | undefined;

beforeEach(async () => {
  plane = await startTestControlPlane();
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-schedule-'));
});
afterEach(async () => {
  await agent?.stop();
  await plane.stop();
  await rm(stateDir, { recursive: true, force: true });
});

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
    plane.mode = 'unavailable';
    agent = await startAgent({
      server: plane.url,
      token: plane.joinToken,
      stateDir,
      intervalMs: 1_000,
      maxBackoffMs: 8_000,
      logger: captureLogs().logger,
      metrics: new SequenceSource(),
      runtime: { clock: time.clock, sleep: time.sleep, random: () => 0.5 },
    });

    await runUntil(time, () => plane.heartbeats.length >= 6);
    plane.mode = 'normal';
    await runUntil(time, () => plane.heartbeats.length >= 9);

    const sentAt = plane.heartbeats.map((hb) => hb.body.sentAt);
    // Half of each ceiling (1, 2, 4, then the 8 s cap) after each of six failures;
    // the seventh heartbeat succeeds and the interval is 1 s again.
    expect(gaps(sentAt)).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000, 1_000, 1_000]);
    expect(plane.heartbeats[6]?.acknowledged.length).toBeGreaterThan(1);
    expect(agent.stats().consecutiveFailures).toBe(0);
  });

  it('retries within 5 s at most by default, however long the control plane stays away', async () => {
    const time = new VirtualTime();
    plane.mode = 'unavailable';
    agent = await startAgent({
      server: plane.url,
      token: plane.joinToken,
      stateDir,
      intervalMs: 5_000,
      logger: captureLogs().logger,
      metrics: new SequenceSource(),
      // The top of every jitter range: the longest wait the agent could choose.
      runtime: { clock: time.clock, sleep: time.sleep, random: () => 0.999_999 },
    });
    await runUntil(time, () => plane.heartbeats.length >= 12);
    const waits = gaps(plane.heartbeats.map((hb) => hb.body.sentAt));
    // 1, 2, 4 s, then the 5 s cap for good (floored from just under each ceiling).
    expect(waits.slice(0, 4)).toEqual([999, 1_999, 3_999, 4_999]);
    expect(Math.max(...waits)).toBe(4_999);
    plane.mode = 'normal';
    await runUntil(time, () => agent?.stats().consecutiveFailures === 0);
  });

  it('collects on a fixed rate whatever the heartbeats do', async () => {
    const time = new VirtualTime();
    const source = new SequenceSource();
    plane.mode = 'unavailable';
    const start = time.now;
    agent = await startAgent({
      server: plane.url,
      token: plane.joinToken,
      stateDir,
      intervalMs: 1_000,
      maxBackoffMs: 60_000,
      logger: captureLogs().logger,
      metrics: source,
      runtime: { clock: time.clock, sleep: time.sleep, random: () => 0.99 },
    });
    await runUntil(time, () => time.now - start >= 30_000);
    // One collection at start plus one per elapsed second, even though heartbeats were backing off.
    expect(source.collected).toBe(1 + Math.floor((time.now - start) / 1_000));
    expect(agent.stats().pendingBatches).toBe(source.collected);
  });

  it('retries a refused credential only once a minute, without jitter toward zero', async () => {
    const time = new VirtualTime();
    const { logger, records } = captureLogs();
    agent = await startAgent({
      server: plane.url,
      token: plane.joinToken,
      stateDir,
      intervalMs: 1_000,
      logger,
      metrics: new SequenceSource(),
      runtime: { clock: time.clock, sleep: time.sleep, random: () => 0 },
    });
    plane.mode = 'unauthorized';
    await runUntil(time, () => plane.heartbeats.length >= 6);
    const refused = plane.heartbeats.filter((hb) => hb.acknowledged.length === 0).map((hb) => hb.body.sentAt);
    expect(gaps(refused.slice(-3))).toEqual([60_000, 60_000]);
    expect(records.filter((r) => r.level === 50 && /aurora token create/.test(r.msg)).length).toBeGreaterThanOrEqual(2);
  });
});
