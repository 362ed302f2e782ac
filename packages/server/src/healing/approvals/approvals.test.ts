/**
 * Playbook runs decided by Cedar and gated by approvals, on both stores, through the real HTTP API:
 * allow, deny and needs-approval; N-of-M over two levels; who may decide (and who may not); a
 * decision kept across a restart; rejection; expiry with the playbook's default decision; and an
 * alert that resolves while its approval is pending.
 */
import type { Node, WorkflowRunDetail } from '@aurora/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '../../platform/store/schema.js';
import { testEngines } from '../../testing/engines.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertFiringAlert, runPlaybooks } from '../../testing/healing-fixture.js';

const MIN = 60_000;
const PASSWORD = 'approvals-password-1';
const PLAYBOOK = `trigger:
  alert: { metric: cpu_usage_pct }
steps:
  - action: cordon
approval:
  levels:
    - roles: [operator]
      teams: [payments]
      required: 2
    - roles: [admin]
  expiresAfter: 10m
`;

type Entry = Record<string, unknown>;

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`playbook authorisation and approvals on ${engine.name}`, () => {
    let server: TestServer;
    let seq = 0;
    const bearer: Record<string, string> = {};

    const login = async (name: string) => {
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { name, password: PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      bearer[name] = `Bearer ${res.json().accessToken}`;
    };
    const loginAll = async () => {
      for (const name of ['op1', 'op2', 'op3', 'boss', 'watcher']) await login(name);
    };

    beforeAll(async () => {
      server = await startTestServer({ engine });
      const nodes: [string, Record<string, string>][] = [
        ['dev-1', { team: 'payments' }],
        ['quiet-1', { team: 'payments', healing: 'off' }],
        ['prod-1', { team: 'payments', environment: 'production' }],
        ['prod-2', { team: 'payments', environment: 'production' }],
        ['prod-3', { team: 'payments', environment: 'production' }],
        ['prod-4', { team: 'payments', environment: 'production' }],
      ];
      for (const [name, labels] of nodes) await joinNode(server, name, sampleFacts({ hostname: name, labels }));
      const users: [string, string[], string[]][] = [
        ['op1', ['operator'], ['payments']],
        ['op2', ['operator'], ['payments']],
        ['op3', ['operator'], ['search']],
        ['boss', ['admin'], []],
        ['watcher', ['viewer'], ['payments']],
      ];
      for (const [name, roles, teams] of users) {
        const res = await server.app.inject({
          method: 'POST',
          url: '/v1/users',
          headers: server.admin,
          payload: { name, password: PASSWORD, roles, teams },
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      await loginAll();
      const put = await server.app.inject({
        method: 'PUT',
        url: '/v1/playbooks/guarded',
        headers: server.admin,
        payload: { yaml: PLAYBOOK },
      });
      expect(put.statusCode, put.body).toBe(200);
    });
    afterAll(async () => server?.close());

    const fire = async (node: string) => {
      return insertFiringAlert(server, {
        id: `alert-${engine.name}-${++seq}`,
        node,
        metric: 'cpu_usage_pct',
        summary: 'hot',
      });
    };
    const pass = () => runPlaybooks(server);
    const runFor = async (alertId: string): Promise<WorkflowRunDetail> => {
      const list = await server.healing.workflows.runs.list({ limit: 500 });
      const run = list.find((r) => (r.input as { alertId: string }).alertId === alertId);
      if (!run) throw new Error(`no run for ${alertId}`);
      return (await server.app.inject({ method: 'GET', url: `/v1/runs/${run.id}`, headers: server.admin })).json();
    };
    const decide = (runId: string, who: string, decision: string, reason?: string) =>
      server.app.inject({
        method: 'POST',
        url: `/v1/runs/${runId}/approvals`,
        headers: { authorization: bearer[who] ?? who },
        payload: reason === undefined ? { decision } : { decision, reason },
      });
    const node = async (name: string) =>
      (await server.app.inject({ method: 'GET', url: `/v1/nodes/${name}`, headers: server.admin })).json() as Node;
    const audit = async (): Promise<Entry[]> => {
      const res = await server.app.inject({ method: 'GET', url: '/v1/audit?limit=5000', headers: server.admin });
      return (res.json().items as { entry: string }[]).map((e) => JSON.parse(e.entry) as Entry);
    };

    it('allow: a run on a node no policy holds back acts at once, and needs no approval', async () => {
      const alertId = await fire('dev-1');
      await pass();
      const run = await runFor(alertId);
      expect(run).toMatchObject({ status: 'succeeded', approval: null });
      expect(run.steps.slice(0, 2).map((s) => [s.name, s.output])).toEqual([
        [
          'authorize',
          expect.objectContaining({
            outcome: 'allow',
            decisions: [expect.objectContaining({ action: 'node.cordon', outcome: 'allow', policies: ['playbooks'] })],
          }),
        ],
        ['approval', { needed: false }],
      ]);
      expect((await node('dev-1')).operatorState).toBe('cordoned');
    });

    it('deny: a node labelled healing=off ends the run as denied, naming the policy, and nothing is done', async () => {
      const alertId = await fire('quiet-1');
      await pass();
      const run = await runFor(alertId);
      expect(run.status).toBe('denied');
      expect(run.error).toMatch(/playbook guarded@1 may not act on quiet-1: denied by policy "healing-opt-out"/);
      expect(run.steps.map((s) => s.name)).toEqual(['authorize']);
      expect(run.steps[0]?.output).toMatchObject({
        outcome: 'deny',
        decisions: [{ action: 'node.cordon', outcome: 'deny', policies: ['healing-opt-out'] }],
      });
      expect((await node('quiet-1')).operatorState).toBeNull();
      const recorded = (await audit()).find((e) => e.kind === 'playbook.authorization' && e.run === run.id);
      expect(recorded).toMatchObject({
        actor: { kind: 'playbook', id: 'guarded@1', name: 'guarded' },
        outcome: 'deny',
        node: 'quiet-1',
        decisions: [{ action: 'node.cordon', outcome: 'deny', policies: ['healing-opt-out'] }],
      });
    });

    it('needs-approval: 2 of the payments operators, then an admin; a decision survives a restart', async () => {
      const alertId = await fire('prod-1');
      await pass();
      let run = await runFor(alertId);
      expect(run).toMatchObject({ status: 'waiting', step: 1 });
      expect(run.approval).toMatchObject({
        state: 'pending',
        level: 1,
        node: 'prod-1',
        onExpiry: 'reject',
        policies: ['production-needs-approval'],
        levels: [
          { level: 1, roles: ['operator'], teams: ['payments'], required: 2, approvedBy: [], satisfied: false },
          { level: 2, roles: ['admin'], teams: [], required: 1, approvedBy: [], satisfied: false },
        ],
      });
      expect((await node('prod-1')).operatorState).toBeNull();

      // Who may not decide, and why.
      const viewer = await decide(run.id, 'watcher', 'approve', 'looks fine');
      expect(viewer.statusCode).toBe(403);
      const otherTeam = await decide(run.id, 'op3', 'approve', 'looks fine');
      expect(otherTeam.statusCode).toBe(403);
      expect(otherTeam.json().detail).toMatch(
        /op3 may not approve runs on node "prod-1": denied by policy "operator-own-team"/,
      );
      const tooEarly = await decide(run.id, 'boss', 'approve', 'go');
      expect(tooEarly.statusCode).toBe(403);
      expect(tooEarly.json().detail).toMatch(/level 1 .* needs 2 approvals by role operator, in team payments/);
      const service = await server.app.inject({
        method: 'POST',
        url: '/v1/api-tokens',
        headers: server.admin,
        payload: { name: `robot-${engine.name}`, roles: ['operator'], teams: ['payments'] },
      });
      const robot = await decide(run.id, `Bearer ${service.json().token}`, 'approve', 'automation');
      expect(robot.statusCode).toBe(403);
      expect(robot.json().detail).toMatch(/decided by people/);
      const noReason = await decide(run.id, 'op1', 'approve');
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().detail).toMatch(/reason/);

      const first = await decide(run.id, 'op1', 'approve', 'disk is failing, drain it');
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().approval).toMatchObject({
        state: 'pending',
        level: 1,
        levels: [{ approvedBy: ['op1'] }, {}],
      });
      const twice = await decide(run.id, 'op1', 'approve', 'again');
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe('AURORA_ALREADY_DECIDED');
      await pass();
      expect((await runFor(alertId)).status).toBe('waiting');
      const second = await decide(run.id, 'op2', 'approve', 'agreed');
      expect(second.json().approval).toMatchObject({ state: 'pending', level: 2 });

      // The control plane restarts between the second and the last decision: both stay counted.
      server = await server.restart();
      await loginAll();
      run = await runFor(alertId);
      expect(run.approval).toMatchObject({ state: 'pending', level: 2, levels: [{ satisfied: true }, {}] });
      const last = await decide(run.id, 'boss', 'approve', 'approved for production');
      expect(last.statusCode, last.body).toBe(200);
      await pass();
      run = await runFor(alertId);
      expect(run.status).toBe('succeeded');
      expect(run.approval).toMatchObject({ state: 'approved', level: null });
      expect(run.approval?.decisions.map((d) => [d.by, d.decision, d.level, d.reason])).toEqual([
        ['op1', 'approve', 1, 'disk is failing, drain it'],
        ['op2', 'approve', 1, 'agreed'],
        ['boss', 'approve', 2, 'approved for production'],
      ]);
      expect((await node('prod-1')).operatorState).toBe('cordoned');

      const entries = (await audit()).filter((e) => e.run === run.id);
      // The chain names people by user id only (pseudonyms), never by name.
      const users = (await server.app.inject({ method: 'GET', url: '/v1/users', headers: server.admin })).json()
        .items as { id: string; name: string }[];
      const idOf = (name: string) => users.find((u) => u.name === name)?.id;
      const decisions = entries.filter((e) => e.kind === 'approval.decision');
      expect(decisions.map((e) => [(e.actor as Entry).id, e.decision, e.level, e.reason])).toEqual([
        [idOf('op1'), 'approve', 1, 'disk is failing, drain it'],
        [idOf('op2'), 'approve', 1, 'agreed'],
        [idOf('boss'), 'approve', 2, 'approved for production'],
      ]);
      expect(entries.find((e) => e.kind === 'playbook.action')).toMatchObject({
        actor: { kind: 'playbook', id: 'guarded@1' },
        action: 'node.cordon',
        node: 'prod-1',
        approvers: ['op1', 'op2', 'boss'].map((n) => `user:${idOf(n)}`),
      });
      expect(JSON.stringify(entries)).not.toMatch(/"op1"|"op2"|"boss"/);
      const after = await decide(run.id, 'op3', 'approve', 'late');
      expect(after.statusCode).toBe(409);
    });

    it('one rejection ends the run as rejected with its reason; nothing is done', async () => {
      const alertId = await fire('prod-2');
      await pass();
      const { id } = await runFor(alertId);
      const res = await decide(id, 'op2', 'reject', 'traffic peak, not now');
      expect(res.statusCode, res.body).toBe(200);
      await pass();
      const run = await runFor(alertId);
      expect(run.status).toBe('rejected');
      expect(run.error).toBe('rejected by op2 at level 1: traffic peak, not now');
      expect(run.approval).toMatchObject({ state: 'rejected', decisions: [{ by: 'op2', decision: 'reject' }] });
      expect((await node('prod-2')).operatorState).toBeNull();
    });

    it('an approval undecided at its expiry takes the default decision (reject), recorded in the audit chain', async () => {
      const alertId = await fire('prod-3');
      await pass();
      const { id } = await runFor(alertId);
      expect((await decide(id, 'op1', 'approve', 'one of two')).statusCode).toBe(200);
      server.clock.advance(10 * MIN);
      await loginAll();
      const late = await decide(id, 'op2', 'approve', 'too late');
      expect(late.statusCode).toBe(409);
      expect(late.json().detail).toMatch(/its approval is expired/);
      await pass();
      const run = await runFor(alertId);
      expect(run.status).toBe('rejected');
      expect(run.error).toMatch(/approval expired at .* undecided; the playbook's default decision is reject/);
      expect(run.approval).toMatchObject({ state: 'expired', onExpiry: 'reject' });
      expect((await node('prod-3')).operatorState).toBeNull();
      const expired = (await audit()).find((e) => e.kind === 'approval.expired' && e.run === id);
      expect(expired).toMatchObject({
        actor: { kind: 'playbook', id: 'guarded@1' },
        decision: 'reject',
        decidedBy: 'the playbook default on expiry',
        approvers: [expect.stringMatching(/^user:/)],
      });
    });

    it('an alert that resolves while the approval is pending cancels the run; no decision is taken after', async () => {
      const alertId = await fire('prod-4');
      await pass();
      const { id } = await runFor(alertId);
      expect((await runFor(alertId)).approval?.state).toBe('pending');
      await server.store.db
        .update(alerts)
        .set({ state: 'resolved', endsAt: server.clock.now() })
        .where(eq(alerts.id, alertId));
      await pass();
      const run = await runFor(alertId);
      expect(run.status).toBe('cancelled');
      expect(run.error).toBe(`alert ${alertId} resolved while the run waited for approval`);
      expect(run.approval?.state).toBe('cancelled');
      expect((await decide(id, 'op1', 'approve', 'late')).statusCode).toBe(409);
      expect((await node('prod-4')).operatorState).toBeNull();
    });
  });
}
