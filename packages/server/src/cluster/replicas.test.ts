import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../platform/store/index.js';
import { openFreshStore, testEngines } from '../testing/engines.js';
import { REPLICA_TTL_MS, ReplicaRegistry } from './replicas.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`the replica list on ${engine.name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await openFreshStore(engine));
    });
    afterAll(async () => close?.());

    it('lists the replicas seen lately, this one first, and drops one that left or went silent', async () => {
      const a = new ReplicaRegistry(store.db, 'host-a:1:x', 'https://cp-a.example:7070');
      const b = new ReplicaRegistry(store.db, 'host-b:2:y', 'https://cp-b.example:7070');
      expect(a.urls()).toEqual(['https://cp-a.example:7070']);
      await a.beat();
      await b.beat();
      await a.beat();
      expect(a.urls()).toEqual(['https://cp-a.example:7070', 'https://cp-b.example:7070']);
      expect(b.urls()).toEqual(['https://cp-b.example:7070', 'https://cp-a.example:7070']);
      // A replica whose last beat is older than the TTL (it was killed) is not handed to agents.
      await store.db.execute(
        sql`insert into replicas (id, url, seen_at) values ('host-c:3:z', 'https://cp-c.example:7070',
          (extract(epoch from clock_timestamp()) * 1000)::bigint - ${REPLICA_TTL_MS + 1_000})`,
      );
      await a.beat();
      expect(a.urls()).not.toContain('https://cp-c.example:7070');
      await b.leave();
      await a.beat();
      expect(a.urls()).toEqual(['https://cp-a.example:7070']);
    });
  });
}
