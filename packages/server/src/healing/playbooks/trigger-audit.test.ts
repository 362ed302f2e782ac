import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '../../platform/store/schema.js';
import { controllerDecisions, expectChainIntact } from '../../testing/audit.js';
import { testEngines } from '../../testing/engines.js';
import { joinNode, sampleFacts, sendHeartbeat, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertFiringAlert } from '../../testing/healing-fixture.js';

const PLAYBOOK = `trigger:
  alert: { metric: cpu_usage_pct }
steps:
  - action: cordon
`;

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`playbook trigger decisions in the audit chain on ${engine.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ engine });
      const { credential } = await joinNode(server, 'web-1', sampleFacts({ hostname: 'web-1' }));
      await sendHeartbeat(server, credential);
      const res = await server.app.inject({
        method: 'PUT',
        url: '/v1/playbooks/hot-node',
        headers: server.admin,
        payload: { yaml: PLAYBOOK },
      });
      expect(res.statusCode, res.body).toBe(200);
    });
    afterAll(async () => server?.close());

    it('records a run started once for an alert seen twice, and its cancelling when the alert resolved first', async () => {
      const alertId = await insertFiringAlert(server, {
        id: 'hot-1',
        node: 'web-1',
        metric: 'cpu_usage_pct',
        summary: 'hot',
      });
      await server.healing.playbooks.runOnce();
      await server.healing.playbooks.runOnce();
      const [run] = await server.healing.workflows.runs.list({ limit: 10 });
      await server.store.db
        .update(alerts)
        .set({ state: 'resolved', endsAt: server.clock.now() })
        .where(eq(alerts.id, alertId));
      await server.healing.playbooks.runOnce();
      await server.healing.playbooks.runOnce();
      const decided = await controllerDecisions(server, 'playbook-trigger');
      expect(decided.map((d) => [d.decision, (d.subject as { run: string }).run])).toEqual([
        ['playbook.run-started', run?.id],
        ['playbook.run-cancelled', run?.id],
      ]);
      expect(decided[0]).toMatchObject({
        actor: { kind: 'controller', id: 'playbook-trigger' },
        epoch: 1,
        subject: { alert: alertId, node: 'web-1' },
        detail: { playbook: 'hot-node@1', metric: 'cpu_usage_pct' },
      });
      expect(decided[1]?.detail).toMatchObject({ reason: expect.stringMatching(/resolved while the run was queued/) });
      await expectChainIntact(server);
    });
  });
}
