import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { LeaseLeadership } from '../../platform/leadership/index.js';
import type { Store } from '../../platform/store/index.js';
import { applyOnce, effectCounts } from '../../testing/effects.js';
import { openFreshStore, testEngines } from '../../testing/engines.js';
import { WorkflowEngine } from './engine.js';
import type { WorkflowDefinition } from './types.js';

const single = { fence: () => undefined, epoch: () => 1 };

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`durable workflows on ${engine.name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    beforeAll(async () => {
      ({ store, close } = await openFreshStore(engine));
    });
    afterAll(async () => close?.());

    const engineWith = (definitions: WorkflowDefinition<never>[], leader = single) =>
      new WorkflowEngine({ db: store.db, now: () => clock.now(), definitions, ...leader });

    it('runs steps in order, keeps each output, and a second start with the same key returns the first run', async () => {
      const wf: WorkflowDefinition<{ n: number }> = {
        name: 'order',
        steps: [
          { kind: 'task', name: 'double', run: async (c) => c.input.n * 2 },
          { kind: 'task', name: 'add', run: async (c) => (c.outputs.double as number) + 1 },
        ],
      };
      const e = engineWith([wf as WorkflowDefinition<never>]);
      const first = await e.start('order', { n: 4 }, 'order-1');
      const again = await e.start('order', { n: 99 }, 'order-1');
      expect(first.created).toBe(true);
      expect(again).toMatchObject({ created: false, run: { id: first.run.id, input: { n: 4 } } });
      await e.drain();
      const run = await e.runs.get(first.run.id);
      expect(run).toMatchObject({ status: 'succeeded', cursor: 2, outputs: { double: 8, add: 9 } });
      const steps = await e.runs.steps(first.run.id);
      expect(steps.map((s) => [s.name, s.status, s.attempts, s.failures])).toEqual([
        ['double', 'succeeded', 1, 0],
        ['add', 'succeeded', 1, 0],
      ]);
    });

    it('a wait step sleeps in the store: a new engine on the same store keeps the first wake time', async () => {
      const wf = (): WorkflowDefinition<never> => ({
        name: 'timer',
        steps: [
          { kind: 'wait', name: 'pause', ms: 60_000 },
          { kind: 'task', name: 'after', run: async (c) => c.now() },
        ],
      });
      const before = engineWith([wf()]);
      const { run } = await before.start('timer', null);
      await before.drain();
      expect(await before.runs.get(run.id)).toMatchObject({ status: 'waiting', nextAt: clock.now() + 60_000 });
      clock.advance(59_999);
      const after = engineWith([wf()]);
      await after.drain();
      expect((await after.runs.get(run.id))?.status).toBe('waiting');
      clock.advance(1);
      await after.drain();
      expect(await after.runs.get(run.id)).toMatchObject({ status: 'succeeded', outputs: { after: clock.now() } });
    });

    it('retries a failing step with exponential backoff, then fails the run when attempts run out', async () => {
      let calls = 0;
      const wf: WorkflowDefinition<never> = {
        name: 'flaky',
        steps: [
          {
            kind: 'task',
            name: 'call',
            retry: { maxAttempts: 3, backoffMs: 100 },
            run: async () => {
              calls++;
              throw new Error(`refused ${calls}`);
            },
          },
        ],
      };
      const e = engineWith([wf]);
      const { run } = await e.start('flaky', null);
      const t0 = clock.now();
      await e.drain();
      expect(await e.runs.get(run.id)).toMatchObject({ status: 'waiting', nextAt: t0 + 100 });
      clock.advance(100);
      await e.drain();
      expect(await e.runs.get(run.id)).toMatchObject({ status: 'waiting', nextAt: t0 + 300 });
      clock.advance(199);
      await e.drain();
      expect(calls).toBe(2);
      clock.advance(1);
      await e.drain();
      expect(calls).toBe(3);
      expect(await e.runs.get(run.id)).toMatchObject({ status: 'failed', error: 'refused 3' });
      expect((await e.runs.steps(run.id))[0]).toMatchObject({ status: 'failed', attempts: 3, failures: 3 });
    });

    it('a step that outlives its timeout fails, its signal aborts, and a retry can succeed', async () => {
      let aborted = 0;
      const wf: WorkflowDefinition<never> = {
        name: 'slow',
        steps: [
          {
            kind: 'task',
            name: 'hang-once',
            timeoutMs: 30,
            retry: { maxAttempts: 2, backoffMs: 10 },
            run: (c) =>
              c.attempt > 1
                ? Promise.resolve('second try')
                : new Promise((resolve) => c.signal.addEventListener('abort', () => resolve(++aborted))),
          },
        ],
      };
      const e = engineWith([wf]);
      const { run } = await e.start('slow', null);
      await e.drain();
      expect(aborted).toBe(1);
      expect((await e.runs.steps(run.id))[0]).toMatchObject({
        status: 'retrying',
        error: expect.stringMatching(/30 ms/),
      });
      clock.advance(10);
      await e.drain();
      expect(await e.runs.get(run.id)).toMatchObject({ status: 'succeeded', outputs: { 'hang-once': 'second try' } });
    });

    it('after a leader change the new leader re-runs only the unfinished step, and its effect applies once', async () => {
      // a's own deadline is on a frozen clock, so only the database sees its 1 ms lease lapse.
      const a = new LeaseLeadership(store.db, { holder: 'a', name: 'workflows-fence', ttlMs: 1, now: () => 0 });
      const b = new LeaseLeadership(store.db, { holder: 'b', name: 'workflows-fence', ttlMs: 60_000 });
      await a.tick();
      let depose: () => Promise<void> = async () => {};
      const wf = (): WorkflowDefinition<never> => ({
        name: 'handover',
        steps: [
          { kind: 'task', name: 'one', run: (c) => applyOnce(store.db, 'handover-one', c.idempotencyKey) },
          {
            kind: 'task',
            name: 'two',
            run: async (c) => {
              const applied = await applyOnce(store.db, 'handover-two', c.idempotencyKey);
              await depose(); // the leader loses its lease after the effect, before the step is recorded done
              return applied;
            },
          },
        ],
      });
      const leaderOf = (l: LeaseLeadership) => ({ fence: () => l.fence(), epoch: () => l.epoch });
      const old = engineWith([wf()], leaderOf(a));
      const next = engineWith([wf()], leaderOf(b));
      depose = async () => {
        depose = async () => {};
        while (!b.isLeader()) await b.tick();
      };
      const { run } = await old.start('handover', null, 'handover-run');
      await old.drain(5);
      expect(await old.runs.get(run.id)).toMatchObject({ status: 'pending', cursor: 1 });
      await next.drain();
      expect(await next.runs.get(run.id)).toMatchObject({ status: 'succeeded', outputs: { one: true, two: false } });
      expect((await next.runs.steps(run.id)).map((s) => s.attempts)).toEqual([1, 2]);
      const counts = await effectCounts(store.db, 'count');
      expect([counts['handover-one'], counts['handover-two']]).toEqual([1, 1]);
      expect((await effectCounts(store.db, 'calls'))['handover-two']).toBe(2);
      await b.stop();
    });

    it('a cancelled run stops: a step in flight is not recorded and the next never runs', async () => {
      let e: WorkflowEngine | undefined;
      let reached = false;
      const wf: WorkflowDefinition<never> = {
        name: 'cancel-me',
        steps: [
          {
            kind: 'task',
            name: 'first',
            run: async (c) => {
              await e?.cancel(c.runId, 'alert resolved');
              return 'done';
            },
          },
          {
            kind: 'task',
            name: 'second',
            run: async () => {
              reached = true;
            },
          },
        ],
      };
      e = engineWith([wf]);
      const { run } = await e.start('cancel-me', null);
      await e.drain();
      expect(reached).toBe(false);
      expect(await e.runs.get(run.id)).toMatchObject({ status: 'cancelled', error: 'alert resolved', cursor: 0 });
      expect(await e.cancel(run.id, 'again')).toBe(false);
    });
  });
}
