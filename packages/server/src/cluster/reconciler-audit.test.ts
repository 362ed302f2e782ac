import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerDecisions, expectChainIntact } from '../testing/audit.js';
import { testEngines } from '../testing/engines.js';
import { joinNode, sendHeartbeat, startTestServer, type TestServer } from '../testing/harness.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`health reconciler decisions in the audit chain on ${engine.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ engine });
    });
    afterAll(async () => server?.close());

    it('records each transition it decides, with the node, the states, the reason and the epoch', async () => {
      const { credential, nodeId } = await joinNode(server, 'audited-web');
      await sendHeartbeat(server, credential);
      for (let i = 0; i < 5; i++) {
        server.clock.advance(1_000);
        await server.reconciler.runOnce();
        await sendHeartbeat(server, credential);
      }
      // Heartbeats and passes over a healthy node decide nothing.
      expect(await controllerDecisions(server, 'health-reconciler')).toEqual([]);
      server.clock.advance(15_000);
      await server.reconciler.runOnce();
      // Passes that only count the silence up (the reason changes, the state does not) add no entry.
      for (let i = 0; i < 5; i++) {
        server.clock.advance(1_000);
        await server.reconciler.runOnce();
      }
      server.clock.advance(25_000);
      await server.reconciler.runOnce();
      server.clock.advance(60_000);
      await server.reconciler.runOnce();
      const decided = await controllerDecisions(server, 'health-reconciler');
      expect(
        decided.map((d) => [d.decision, (d.detail as { from: string }).from, (d.detail as { to: string }).to]),
      ).toEqual([
        ['node.state', 'ready', 'suspect'],
        ['node.state', 'suspect', 'down'],
      ]);
      expect(decided[0]).toMatchObject({
        actor: { kind: 'controller', id: 'health-reconciler' },
        epoch: 1,
        subject: { node: 'audited-web', nodeId },
        detail: { reason: 'no heartbeat for 15s (suspect after 15s)' },
      });
      // The node's own history and the chain agree on what was decided.
      const history = await server.store.nodes.transitions(nodeId);
      for (const d of decided) {
        const detail = d.detail as { to: string; at: number; reason: string };
        expect(history).toContainEqual(
          expect.objectContaining({ toState: detail.to, at: detail.at, reason: detail.reason }),
        );
      }
      await expectChainIntact(server);
    });
  });
}
