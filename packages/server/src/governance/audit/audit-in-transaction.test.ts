import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import type { Store } from '../../platform/store/index.js';
import { leases } from '../../platform/store/schema.js';
import { openFreshStore, testEngines } from '../../testing/engines.js';
import { AuditLog } from './audit-log.js';
import { AuditSigner } from './keys.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`audit entries inside a caller's transaction on ${engine.name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let audit: AuditLog;
    let keyDir: string;

    beforeAll(async () => {
      ({ store, close } = await openFreshStore(engine));
      keyDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-keys-'));
      const signer = await AuditSigner.open(store, path.join(keyDir, 'master.key'));
      audit = new AuditLog(store.db, signer, new ManualClock(Date.UTC(2026, 5, 1)), {
        everyEntries: 4,
        everyMs: 3_600_000,
      });
    });
    afterAll(async () => {
      await close?.();
      rmSync(keyDir, { recursive: true, force: true });
    });

    it('commit with the write they describe, vanish with it on rollback, and chain with batched appends', async () => {
      await audit.append({ kind: 'request', n: 1 });
      await store.db.transaction(async (tx) => {
        await tx.insert(leases).values({ name: 'decided', holder: 'a', epoch: 1, expiresAt: 0 });
        await audit.appendIn(tx, [
          { kind: 'controller.decision', n: 2 },
          { kind: 'controller.decision', n: 3 },
        ]);
      });
      await expect(
        store.db.transaction(async (tx) => {
          await tx.insert(leases).values({ name: 'undone', holder: 'a', epoch: 1, expiresAt: 0 });
          await audit.appendIn(tx, [{ kind: 'controller.decision', n: 99 }]);
          throw new Error('the decision failed after its entry was written');
        }),
      ).rejects.toThrow('the decision failed');
      // Batched appends in flight while a caller's transaction appends are ordered after it, never forked.
      await Promise.all([
        audit.append({ kind: 'request', n: 4 }),
        store.db.transaction((tx) => audit.appendIn(tx, [{ kind: 'controller.decision', n: 5 }])),
        audit.append({ kind: 'request', n: 6 }),
      ]);
      expect(await store.db.transaction((tx) => audit.appendIn(tx, []))).toEqual([]);
      const rows = await audit.read(0, 100);
      const ns = rows.map((r) => (JSON.parse(r.entry) as { n: number }).n);
      expect(ns.slice(0, 3)).toEqual([1, 2, 3]);
      expect([...ns].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await store.db.select().from(leases)).map((l) => l.name)).toEqual(['decided']);
      expect(await audit.verify()).toMatchObject({ intact: true, entries: 6 });
      expect((await audit.checkpoints()).map((c) => c.seq)).toEqual([4]);
    });

    // Stores sharing one PostgreSQL database (schemas, or tests running side by side) must not queue
    // behind each other's appends: the lock that orders a chain belongs to that chain's schema.
    it.skipIf(engine.name !== 'postgres')('order appends per store, not across a shared database', async () => {
      const other = await openFreshStore(engine);
      let release = () => {};
      try {
        const otherSigner = await AuditSigner.open(other.store, path.join(keyDir, 'other.key'));
        const otherAudit = new AuditLog(other.store.db, otherSigner, new ManualClock(Date.UTC(2026, 5, 1)), {
          everyEntries: 100,
          everyMs: 3_600_000,
        });
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        let appendingHere!: () => void;
        const inside = new Promise<void>((resolve) => {
          appendingHere = resolve;
        });
        // This store's chain stays locked (an append in an open transaction) until the other store has appended.
        const holding = store.db.transaction(async (tx) => {
          await audit.appendIn(tx, [{ kind: 'controller.decision', n: 'held' }]);
          appendingHere();
          await held;
        });
        await inside;
        const seq = await otherAudit.append({ kind: 'request', n: 'other store' });
        release();
        await holding;
        expect(seq).toBe(1);
        expect(await otherAudit.verify()).toMatchObject({ intact: true, entries: 1 });
      } finally {
        release();
        await other.close();
      }
    });
  });
}
