import type { NodeTransition } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLeadership } from '../platform/leadership/index.js';
import { testEngines } from '../testing/engines.js';
import { joinNode, sendHeartbeat, startTestServer, type TestServer } from '../testing/harness.js';
import { SilenceGrace } from './silence-grace.js';

/** Longer than the 15 s suspect interval: long enough that every node would look silent without the grace. */
const AWAY_MS = 20_000;

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`a control-plane restart on ${engine.name}`, () => {
    let server: TestServer;
    const credentials = new Map<string, string>();

    const history = async (name: string) =>
      (
        (
          await server.app.inject({ method: 'GET', url: `/v1/nodes/${name}/transitions`, headers: server.admin })
        ).json() as { items: NodeTransition[] }
      ).items.map((t) => `${t.from}>${t.to}`);
    const state = async (name: string) =>
      (await server.app.inject({ method: 'GET', url: `/v1/nodes/${name}`, headers: server.admin })).json();

    beforeAll(async () => {
      server = await startTestServer({ engine });
      for (const name of ['local', 'web-1', 'silent-1']) {
        const { credential } = await joinNode(server, name);
        credentials.set(name, credential);
        await sendHeartbeat(server, credential);
      }
      server = await server.restart(() => server.clock.advance(AWAY_MS));
    });
    afterAll(async () => server?.close());

    it('judges no node suspect for silence from before it started, on heartbeats or on passes', async () => {
      // The node beside the control plane heartbeats at once; before, this recorded ready > suspect > ready.
      await sendHeartbeat(server, credentials.get('local') ?? '');
      await server.reconciler.runOnce();
      server.clock.advance(5_000);
      await sendHeartbeat(server, credentials.get('web-1') ?? '');
      await sendHeartbeat(server, credentials.get('local') ?? '');
      server.clock.advance(9_999);
      await server.reconciler.runOnce();
      for (const name of ['local', 'web-1', 'silent-1']) {
        expect(await history(name)).toEqual(['joining>ready']);
        expect((await state(name)).state).toBe('ready');
      }
    });

    it('still marks a silent node suspect one suspect interval after it started, then down', async () => {
      server.clock.advance(1);
      await server.reconciler.runOnce();
      const silent = await state('silent-1');
      expect(silent.state).toBe('suspect');
      expect(silent.stateReason).toBe('no heartbeat for 15s since the control plane took over (suspect after 15s)');
      expect(await history('silent-1')).toEqual(['ready>suspect', 'joining>ready']);
      expect((await state('web-1')).state).toBe('ready');
      expect((await state('local')).state).toBe('ready');
      server.clock.advance(25_000);
      await server.reconciler.runOnce();
      expect((await state('silent-1')).state).toBe('down');
    });
  });

  describe.skipIf(engine.skip !== undefined || engine.name !== 'postgres')(
    `a leadership change on ${engine.name}`,
    () => {
      let server: TestServer;
      beforeAll(async () => {
        server = await startTestServer({ engine });
      });
      afterAll(async () => server?.close());

      it('starts the grace again when a replica takes leadership, not when it started', async () => {
        const lease = { name: 'grace-handover' };
        const first = new LeaseLeadership(server.store.db, { ...lease, holder: 'first' });
        const second = new LeaseLeadership(server.store.db, { ...lease, holder: 'second' });
        await first.tick();
        await second.tick();
        const grace = new SilenceGrace(second, server.clock);
        const started = server.clock.now();
        expect(grace.watchedSince()).toBe(started);
        server.clock.advance(AWAY_MS);
        await first.stop();
        await second.tick();
        expect(second.isLeader()).toBe(true);
        expect(grace.watchedSince()).toBe(started + AWAY_MS);
        server.clock.advance(1_000);
        await second.tick();
        expect(grace.watchedSince()).toBe(started + AWAY_MS);
        await second.stop();
      });
    },
  );
}
