import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { LeaseLeadership } from '../../platform/leadership/index.js';
import type { Store } from '../../platform/store/index.js';
import { controllerDecisions, expectChainIntact } from '../../testing/audit.js';
import { openFreshStore, testEngines } from '../../testing/engines.js';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { AuditLog } from './audit-log.js';
import { auditDecisionLog } from './decision-log.js';
import { AuditSigner } from './keys.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`leadership changes in the audit chain on ${engine.name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let audit: AuditLog;
    let keyDir: string;
    beforeAll(async () => {
      ({ store, close } = await openFreshStore(engine));
      keyDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-keys-'));
      const signer = await AuditSigner.open(store, path.join(keyDir, 'master.key'));
      audit = new AuditLog(store.db, signer, new ManualClock(), { everyEntries: 1_000, everyMs: 3_600_000 });
    });
    afterAll(async () => {
      await close?.();
      rmSync(keyDir, { recursive: true, force: true });
    });

    it('records the lease taken (from whom, at which epoch) and handed back, not its renewals', async () => {
      const decisions = auditDecisionLog(audit);
      const a = new LeaseLeadership(store.db, { holder: 'a', name: 'audited', decisions });
      const b = new LeaseLeadership(store.db, { holder: 'b', name: 'audited', decisions });
      await a.tick();
      await b.tick();
      await a.tick();
      await a.tick();
      await a.stop();
      await b.tick();
      await b.tick();
      const entries = (await audit.read(0, 100)).map((r) => JSON.parse(r.entry));
      expect(entries.map((e) => [e.decision, e.epoch, e.detail])).toEqual([
        ['leadership.taken', 1, { holder: 'a', from: null, fromEpoch: null }],
        ['leadership.released', 1, { holder: 'a' }],
        ['leadership.taken', 2, { holder: 'b', from: 'a', fromEpoch: 1 }],
      ]);
      expect(entries[0]).toMatchObject({
        kind: 'controller.decision',
        actor: { kind: 'controller', id: 'leadership' },
        subject: { lease: 'audited' },
      });
      // A lease taken over after it lapsed names the holder that lost it.
      const c = new LeaseLeadership(store.db, { holder: 'c', name: 'audited', ttlMs: 60_000, decisions });
      const lapsing = new LeaseLeadership(store.db, { holder: 'b', name: 'lapsing', ttlMs: 1, decisions });
      const taker = new LeaseLeadership(store.db, { holder: 'c', name: 'lapsing', ttlMs: 60_000, decisions });
      await lapsing.tick();
      for (let i = 0; i < 1_000 && !taker.isLeader(); i++) await taker.tick();
      expect(taker.isLeader()).toBe(true);
      const last = JSON.parse((await audit.read(0, 100)).at(-1)?.entry ?? '{}');
      expect(last).toMatchObject({
        decision: 'leadership.taken',
        epoch: 2,
        subject: { lease: 'lapsing' },
        detail: { holder: 'c', from: 'b', fromEpoch: 1 },
      });
      await c.tick();
      expect(c.isLeader()).toBe(false);
      expect(await audit.verify()).toMatchObject({ intact: true, entries: 5 });
      await Promise.all([b.stop(), c.stop(), taker.stop()]);
    });
  });
}

const postgres = testEngines().find((e) => e.name === 'postgres');
describe.skipIf(postgres?.skip !== undefined)('a server on PostgreSQL records taking the controllers lease', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine: postgres });
  });
  afterAll(async () => server?.close());

  it('in GET /v1/audit, and the chain verifies', async () => {
    const taken = await controllerDecisions(server, 'leadership');
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({
      decision: 'leadership.taken',
      epoch: 1,
      subject: { lease: 'controllers' },
      detail: { from: null, fromEpoch: null },
    });
    await expectChainIntact(server);
  });
});
