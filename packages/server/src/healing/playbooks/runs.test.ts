import type { Node, WorkflowRunDetail } from '@aurora/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '../../platform/store/schema.js';
import { testEngines } from '../../testing/engines.js';
import { joinNode, sampleFacts, sendHeartbeat, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertFiringAlert, runPlaybooks } from '../../testing/healing-fixture.js';

const MIN = 60_000;
const PLAYBOOK = `trigger:
  alert: { metric: cpu_usage_pct }
steps:
  - action: cordon
  - wait: 1m
  - verify: alert-resolved
    within: 1m
  - action: uncordon
cooldown: 10m
`;

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`playbook runs on ${engine.name}`, () => {
    let server: TestServer;
    let alertSeq = 0;
    beforeAll(async () => {
      server = await startTestServer({ engine });
      for (const name of ['web-1', 'web-2', 'web-3']) {
        const { credential } = await joinNode(server, name, sampleFacts({ hostname: name }));
        await sendHeartbeat(server, credential);
      }
      const res = await server.app.inject({
        method: 'PUT',
        url: '/v1/playbooks/hot-node',
        headers: server.admin,
        payload: { yaml: PLAYBOOK },
      });
      expect(res.statusCode, res.body).toBe(200);
    });
    afterAll(async () => server?.close());

    const fire = async (node: string, metric = 'cpu_usage_pct') => {
      return insertFiringAlert(server, { id: `alert-${++alertSeq}`, node, metric, summary: 'hot' });
    };
    const resolve = (id: string) =>
      server.store.db.update(alerts).set({ state: 'resolved', endsAt: server.clock.now() }).where(eq(alerts.id, id));
    const node = async (name: string) =>
      (await server.app.inject({ method: 'GET', url: `/v1/nodes/${name}`, headers: server.admin })).json() as Node;
    const runOf = async (alertId: string) => {
      const list = await server.healing.workflows.runs.list({ limit: 100 });
      const run = list.find((r) => (r.input as { alertId: string }).alertId === alertId);
      if (!run) return undefined;
      return (
        await server.app.inject({ method: 'GET', url: `/v1/runs/${run.id}`, headers: server.admin })
      ).json() as WorkflowRunDetail;
    };
    const pass = () => runPlaybooks(server);

    it('a matching alert runs the playbook once: cordon, wait, verify the alert resolved, uncordon', async () => {
      const alertId = await fire('web-1');
      await pass();
      await pass(); // seen again: the same run, not a second one
      expect((await node('web-1')).operatorState).toBe('cordoned');
      const waiting = await runOf(alertId);
      expect(waiting).toMatchObject({ workflow: 'playbook:hot-node@1', status: 'waiting', step: 3, approval: null });
      expect(waiting?.steps[0]?.output).toMatchObject({
        outcome: 'allow',
        decisions: [
          { action: 'node.cordon', outcome: 'allow', policies: ['playbooks'] },
          { action: 'node.uncordon', outcome: 'allow', policies: ['playbooks'] },
        ],
      });
      expect((await server.healing.workflows.runs.list({ limit: 100 })).length).toBe(1);
      server.clock.advance(MIN);
      await pass();
      expect((await runOf(alertId))?.steps[4]).toMatchObject({ status: 'retrying', failures: 1 });
      await resolve(alertId);
      server.clock.advance(5_000);
      await pass();
      const done = await runOf(alertId);
      expect(done?.status).toBe('succeeded');
      expect(done?.steps.map((s) => s.name)).toEqual([
        'authorize',
        'approval',
        '0-cordon',
        '1-wait',
        '2-verify',
        '3-uncordon',
      ]);
      expect((await node('web-1')).operatorState).toBeNull();
      // The node's history and the audit chain name the playbook, not "an operator".
      const history = await server.app.inject({
        method: 'GET',
        url: '/v1/nodes/web-1/transitions',
        headers: server.admin,
      });
      const reasons = (history.json().items as { reason: string }[]).map((t) => t.reason);
      expect(reasons).toContain('cordoned by playbook hot-node@1');
      // By then the node has been silent for a minute: the uncordon waits for its heartbeats, and says so.
      expect(reasons).toContain('uncordoned by playbook hot-node@1 while down; takes effect when heartbeats resume');
      const audit = await server.app.inject({ method: 'GET', url: '/v1/audit?limit=500', headers: server.admin });
      const entries = (audit.json().items as { entry: string }[]).map(
        (e) => JSON.parse(e.entry) as Record<string, unknown>,
      );
      const acts = entries.filter((e) => e.kind === 'playbook.action' && e.run === done?.id);
      expect(acts.map((e) => [e.action, e.node, e.actor])).toEqual([
        ['node.cordon', 'web-1', { kind: 'playbook', id: 'hot-node@1', name: 'hot-node' }],
        ['node.uncordon', 'web-1', { kind: 'playbook', id: 'hot-node@1', name: 'hot-node' }],
      ]);
    });

    it('an alert that resolved while its run was queued cancels the run, and nothing is done to the node', async () => {
      const alertId = await fire('web-2');
      await server.healing.playbooks.runOnce(); // queued, not yet advanced
      await resolve(alertId);
      await pass();
      expect(await runOf(alertId)).toMatchObject({ status: 'cancelled', step: 0, steps: [] });
      expect((await runOf(alertId))?.error).toMatch(/resolved while the run was queued/);
      expect((await node('web-2')).operatorState).toBeNull();
    });

    it('the cool-down holds back a second run on the same node; other alerts do not match', async () => {
      const first = await fire('web-3');
      await pass();
      expect((await runOf(first))?.status).toBe('waiting');
      const second = await fire('web-3');
      const other = await fire('web-3', 'disk_used_pct');
      await pass();
      expect(await runOf(second)).toBeUndefined();
      expect(await runOf(other)).toBeUndefined();
    });

    it("a trigger naming a rule starts on that rule's alerts only, not on live detection's on the same series", async () => {
      const created = await server.app.inject({
        method: 'POST',
        url: '/v1/alert-rules',
        headers: server.admin,
        payload: { name: 'tmp-filling', selector: 'clean_bytes', op: '>', value: 1e6, for: '10s' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const ruleId = (created.json() as { id: string }).id;
      const put = await server.app.inject({
        method: 'PUT',
        url: '/v1/playbooks/clean-on-rule',
        headers: server.admin,
        payload: {
          yaml: 'trigger:\n  alert: { metric: clean_bytes, rule: tmp-filling }\nsteps:\n  - action: cordon\n',
        },
      });
      expect(put.statusCode, put.body).toBe(200);
      const detected = await insertFiringAlert(server, {
        id: `alert-${++alertSeq}`,
        node: 'web-1',
        metric: 'clean_bytes',
      });
      const ruled = await insertFiringAlert(server, {
        id: `alert-${++alertSeq}`,
        node: 'web-2',
        metric: 'clean_bytes',
        source: `rule:${ruleId}`,
      });
      await pass();
      expect(await runOf(detected)).toBeUndefined();
      expect((await runOf(ruled))?.workflow).toBe('playbook:clean-on-rule@1');
    });
  });
}
