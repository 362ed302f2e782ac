import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFreshStore, testEngines } from '../../testing/engines.js';
import { FencedWriteError, type Store } from '../store/index.js';
import { LeaseLeadership } from './lease-leadership.js';
import { AdvisoryLock } from './session-lock.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`leader lease on ${engine.name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await openFreshStore(engine));
    });
    afterAll(async () => close?.());

    it('one holder leads; a handed-back lease passes to the other with a higher epoch', async () => {
      const a = new LeaseLeadership(store.db, { holder: 'a', name: 'handover' });
      const b = new LeaseLeadership(store.db, { holder: 'b', name: 'handover' });
      const changes: boolean[] = [];
      b.onChange((leader) => changes.push(leader));
      await a.tick();
      await b.tick();
      expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
      expect(a.epoch).toBe(1);
      await a.tick();
      expect(a.epoch).toBe(1);
      await a.stop();
      await b.tick();
      expect(b.isLeader()).toBe(true);
      expect(b.epoch).toBe(2);
      expect(changes).toEqual([true]);
      await b.stop();
    });

    it('a lease that is not renewed lapses and is taken over, and the deposed holder cannot write', async () => {
      // a's own deadline is on a frozen clock, so only the database sees its 1 ms lease lapse.
      const a = new LeaseLeadership(store.db, { holder: 'a', name: 'lapse', ttlMs: 1, now: () => 0 });
      const b = new LeaseLeadership(store.db, { holder: 'b', name: 'lapse', ttlMs: 60_000 });
      await a.tick();
      expect(a.isLeader()).toBe(true);
      // a stops renewing without handing back; b keeps trying until the 1 ms lease has lapsed
      while (!b.isLeader()) await b.tick();
      expect(b.epoch).toBe(2);
      const deposedWrite = store.nodes.mutate(
        undefined,
        () => ({ changes: [], transitions: [] }),
        undefined,
        a.fence(),
      );
      await expect(deposedWrite).rejects.toThrow(FencedWriteError);
      await expect(
        store.nodes.mutate(undefined, () => ({ changes: [], transitions: [] }), undefined, b.fence()),
      ).resolves.toBeDefined();
      await a.tick();
      expect(a.isLeader()).toBe(false);
      await b.stop();
    });

    it('a leader that cannot renew before its deadline stops acting at once, before its lease expires', async () => {
      let now = 0;
      const a = new LeaseLeadership(store.db, { holder: 'a', name: 'deadline', ttlMs: 50, now: () => now });
      const changes: boolean[] = [];
      a.onChange((leader) => changes.push(leader));
      await a.tick();
      expect(a.isLeader()).toBe(true);
      now = 49;
      expect(a.isLeader()).toBe(true);
      now = 50;
      expect(a.isLeader()).toBe(false);
      // The deadline's timer tells the controllers too, without a renewal attempt to find out.
      for (let i = 0; i < 200 && changes.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(changes).toEqual([true, false]);
      await a.stop();
    });
  });
}

const lockUrl = process.env.AURORA_TEST_DATABASE_URL;
describe.skipIf(!lockUrl)('leader lease with a session advisory lock on postgres', () => {
  let store: Store;
  let close: () => Promise<void>;
  let admin: pg.Client;
  beforeAll(async () => {
    const postgres = testEngines().find((e) => e.name === 'postgres')!;
    ({ store, close } = await openFreshStore(postgres));
    admin = new pg.Client({ connectionString: lockUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await close?.();
  });

  const until = async (what: () => boolean) => {
    for (let i = 0; i < 500 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  };
  /** Pids of the sessions granted the lock. */
  const lockHolders = async (name: string) =>
    (
      await admin.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted
           and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
        [name],
      )
    ).rows.map((r) => r.pid);
  /** Pids of the sessions waiting for the lock. */
  const lockWaiters = async (name: string) =>
    (
      await admin.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and not granted
           and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
        [name],
      )
    ).rows.map((r) => r.pid);
  /**
   * Starts a, waits until its session holds the lock, then starts b and waits until its session
   * waits for the lock: b opens that session after its first tick, so a test that ended a's
   * session before then would see a (reconnecting) granted the lock again instead of b.
   */
  const startBoth = async (a: LeaseLeadership, b: LeaseLeadership, name: string) => {
    await a.start();
    for (let i = 0; i < 500 && (await lockHolders(name)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await b.start();
    for (let i = 0; i < 500 && (await lockWaiters(name)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  };
  // A lease that would take a minute to expire: any takeover below comes from the lock.
  const replica = (holder: string, lockName: string) =>
    new LeaseLeadership(store.db, {
      holder,
      name: lockName,
      ttlMs: 60_000,
      lock: new AdvisoryLock(lockUrl!, lockName),
    });

  it('when the leader’s session ends, the follower waiting on the lock takes over at once with a higher epoch', async () => {
    const name = `crash-${randomBytes(4).toString('hex')}`;
    const a = replica('a', name);
    const b = replica('b', name);
    await startBoth(a, b, name);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    // What PostgreSQL sees when the leader's process is killed: its lock session ends.
    const holders = await lockHolders(name);
    expect(holders).toHaveLength(1);
    await admin.query('select pg_terminate_backend($1)', [holders[0]]);
    await until(() => b.isLeader());
    expect(b.isLeader()).toBe(true);
    expect(b.epoch).toBe(2);
    expect(a.isLeader()).toBe(false);
    await expect(
      store.nodes.mutate(undefined, () => ({ changes: [], transitions: [] }), undefined, a.fence()),
    ).rejects.toThrow(FencedWriteError);
    await a.stop();
    await b.stop();
  });

  it('a renewal goes ahead while a fenced transaction is open; a takeover waits for it to end', async () => {
    const name = `fenced-${randomBytes(4).toString('hex')}`;
    // a's own deadline is on a frozen clock; the database sees its 200 ms lease lapse.
    const a = new LeaseLeadership(store.db, { holder: 'a', name, ttlMs: 200, now: () => 0 });
    const b = new LeaseLeadership(store.db, { holder: 'b', name, ttlMs: 60_000 });
    await a.tick();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let fenced!: () => void;
    const inside = new Promise<void>((r) => {
      fenced = r;
    });
    const open = store.db.transaction(async (tx) => {
      expect((await tx.execute(a.fence())).rows).toHaveLength(1);
      fenced();
      await gate;
    });
    await inside;
    await a.tick(); // a renewal: not held up by the open transaction
    expect(a.isLeader()).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    let tookOver = false;
    const takeover = b.tick().then(() => {
      tookOver = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(tookOver).toBe(false);
    release();
    await open;
    await takeover;
    expect([b.isLeader(), b.epoch]).toEqual([true, 2]);
    await a.stop();
    await b.stop();
  });

  it('a graceful stop hands the lease and the lock to the waiting follower at once', async () => {
    const name = `handback-${randomBytes(4).toString('hex')}`;
    const a = replica('a', name);
    const b = replica('b', name);
    await startBoth(a, b, name);
    expect(a.isLeader()).toBe(true);
    await a.stop();
    await until(() => b.isLeader());
    expect(b.isLeader()).toBe(true);
    expect(b.epoch).toBe(2);
    await b.stop();
  });
});
