/**
 * GDPR through the HTTP API, on both stores: a user's approval decisions are part of its export,
 * and erasing the user takes its name off the decisions runs display, while the audit chain,
 * which names people only by pseudonym, still verifies.
 */
import type { PersonalDataExport, WorkflowRunDetail } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../testing/engines.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertFiringAlert, runPlaybooks } from '../../testing/healing-fixture.js';

const PASSWORD = 'privacy-password-1';
const PLAYBOOK = `trigger:
  alert: { metric: cpu_usage_pct }
steps:
  - action: cordon
approval:
  levels:
    - roles: [operator]
      teams: [payments]
      required: 2
  expiresAfter: 10m
`;

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`personal data of approvers on ${engine.name}`, () => {
    let server: TestServer;
    const ids: Record<string, string> = {};
    const bearer: Record<string, string> = {};

    beforeAll(async () => {
      server = await startTestServer({ engine });
      await joinNode(
        server,
        'prod-1',
        sampleFacts({ hostname: 'prod-1', labels: { team: 'payments', environment: 'production' } }),
      );
      for (const name of ['alice-ops', 'bob-ops']) {
        const res = await server.app.inject({
          method: 'POST',
          url: '/v1/users',
          headers: server.admin,
          payload: { name, password: PASSWORD, roles: ['operator'], teams: ['payments'] },
        });
        expect(res.statusCode, res.body).toBe(201);
        ids[name] = res.json().id;
        const login = await server.app.inject({
          method: 'POST',
          url: '/v1/sessions',
          payload: { name, password: PASSWORD },
        });
        expect(login.statusCode, login.body).toBe(200);
        bearer[name] = `Bearer ${login.json().accessToken}`;
      }
      const put = await server.app.inject({
        method: 'PUT',
        url: '/v1/playbooks/guarded',
        headers: server.admin,
        payload: { yaml: PLAYBOOK },
      });
      expect(put.statusCode, put.body).toBe(200);
    });
    afterAll(async () => server?.close());

    const run = async (id: string): Promise<WorkflowRunDetail> =>
      (await server.app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: server.admin })).json();

    it('exports a user’s approval decisions, and erasure takes its name off them; the chain still verifies', async () => {
      await insertFiringAlert(server, { id: 'alert-1', node: 'prod-1', metric: 'cpu_usage_pct', summary: 'hot' });
      await runPlaybooks(server);
      const [pending] = await server.healing.workflows.runs.list({ limit: 10 });
      if (!pending) throw new Error('no run');
      for (const name of ['alice-ops', 'bob-ops']) {
        const res = await server.app.inject({
          method: 'POST',
          url: `/v1/runs/${pending.id}/approvals`,
          headers: { authorization: bearer[name] as string },
          payload: { decision: 'approve', reason: name === 'alice-ops' ? 'disk is failing' : 'agreed' },
        });
        expect(res.statusCode, res.body).toBe(200);
      }

      const exported = await server.app.inject({
        method: 'GET',
        url: `/v1/users/${ids['alice-ops']}/personal-data`,
        headers: server.admin,
      });
      expect(exported.statusCode, exported.body).toBe(200);
      const body = exported.json() as PersonalDataExport;
      expect(body.approvals).toEqual([
        {
          run: pending.id,
          level: 1,
          decision: 'approve',
          reason: 'disk is failing',
          decidedAt: new Date(server.clock.now()).toISOString(),
        },
      ]);

      const erased = await server.app.inject({
        method: 'DELETE',
        url: `/v1/users/${ids['alice-ops']}`,
        headers: server.admin,
      });
      expect(erased.statusCode, erased.body).toBe(204);
      const after = await run(pending.id);
      expect(after.approval?.decisions.map((d) => d.by)).toEqual([`erased user ${ids['alice-ops']}`, 'bob-ops']);
      expect(after.approval?.levels[0]?.approvedBy).toEqual([`erased user ${ids['alice-ops']}`, 'bob-ops']);
      expect(JSON.stringify(after)).not.toContain('alice-ops');

      const verify = await server.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: server.admin });
      expect(verify.statusCode, verify.body).toBe(200);
      expect(verify.json()).toMatchObject({ intact: true, firstBroken: null });
    });
  });
}
