import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFreshStore, testEngines } from '../../testing/engines.js';
import { FencedWriteError, type Store } from '../store/index.js';
import { LeaseLeadership } from './lease-leadership.js';

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
      const a = new LeaseLeadership(store.db, { holder: 'a', name: 'lapse', ttlMs: 1 });
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
  });
}
