import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFreshStore, testEngines } from '../../testing/engines.js';
import { rowsOf } from '../store/engine.js';
import type { Store } from '../store/index.js';
import { ControllerRunner } from './controllers.js';
import { LeaseLeadership } from './lease-leadership.js';

const pglite = testEngines().find((e) => e.name === 'pglite')!;

describe('controller runner', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openFreshStore(pglite));
  });
  afterAll(async () => close?.());

  it('runs a controller at once when its replica becomes leader, not an interval later', async () => {
    const a = new LeaseLeadership(store.db, { holder: 'a', name: 'runner' });
    const b = new LeaseLeadership(store.db, { holder: 'b', name: 'runner' });
    await a.tick();
    await b.tick();
    let passes = 0;
    const runner = new ControllerRunner(
      b,
      [{ name: 'hourly', intervalMs: 3_600_000, runOnce: async () => void passes++ }],
      pino({ level: 'silent' }),
    );
    runner.start();
    await a.stop();
    await b.tick();
    expect(b.isLeader()).toBe(true);
    for (let i = 0; i < 200 && passes === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(passes).toBe(1);
    await runner.stop();
    await b.stop();
  });

  it('stops within its grace period when a pass never finishes, naming the pass it left', async () => {
    const leader = new LeaseLeadership(store.db, { holder: 'solo', name: 'stuck' });
    await leader.tick();
    let started = false;
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const runner = new ControllerRunner(
      leader,
      [
        {
          name: 'stuck-pass',
          intervalMs: 0,
          runOnce: () => {
            started = true;
            return new Promise<void>(() => {});
          },
        },
      ],
      log,
    );
    runner.start();
    for (let i = 0; i < 200 && !started; i++) await new Promise((r) => setTimeout(r, 10));
    expect(started).toBe(true);
    await runner.stop(200); // resolves although the pass never does
    expect(warnings.join('')).toContain('stuck-pass');
    await leader.stop();
  });

  it('halted, hands the lease over while a pass is still in flight, and that pass can no longer write', async () => {
    const a = new LeaseLeadership(store.db, { holder: 'a', name: 'handover' });
    const b = new LeaseLeadership(store.db, { holder: 'b', name: 'handover' });
    await a.tick();
    await b.tick();
    expect(a.isLeader()).toBe(true);
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started = false;
    let passes = 0;
    let wrote: number | undefined;
    const runner = new ControllerRunner(
      a,
      [
        {
          name: 'slow',
          intervalMs: 0,
          runOnce: async () => {
            passes++;
            started = true;
            const fence = a.fence();
            await gate;
            // The write a controller makes at the end of its pass, fenced by the epoch it ran under.
            wrote = rowsOf(await store.db.execute(fence)).length;
          },
        },
      ],
      pino({ level: 'silent' }),
    );
    runner.start();
    for (let i = 0; i < 200 && !started; i++) await new Promise((r) => setTimeout(r, 10));
    expect(started).toBe(true);
    runner.halt();
    await a.stop();
    await b.tick();
    // The other replica leads although the pass has not ended.
    expect(b.isLeader()).toBe(true);
    release();
    await runner.stop();
    expect(wrote).toBe(0);
    expect(passes).toBe(1);
    await b.stop();
  });
});
