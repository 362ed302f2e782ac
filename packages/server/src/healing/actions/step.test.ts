import type { HeartbeatResponse } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertFiringAlert, runPlaybooks } from '../../testing/healing-fixture.js';

const PLAYBOOK = `trigger:
  alert: { metric: service_up, labels: { service: web } }
steps:
  - agent: { action: restart-service, service: web }
    timeout: 30s
  - wait: 1m
`;

describe('agent steps in playbooks', () => {
  let server: TestServer;
  const credentials = new Map<string, string>();
  let seq = 0;

  beforeAll(async () => {
    server = await startTestServer();
    for (const name of ['web-1', 'web-2', 'web-3', 'web-4']) {
      credentials.set(name, (await joinNode(server, name, sampleFacts({ hostname: name }))).credential);
    }
    const res = await server.app.inject({
      method: 'PUT',
      url: '/v1/playbooks/restart-web',
      headers: server.admin,
      payload: { yaml: PLAYBOOK },
    });
    expect(res.statusCode, res.body).toBe(200);
    const stored = await server.app.inject({ method: 'GET', url: '/v1/playbooks/restart-web', headers: server.admin });
    expect(stored.json().spec.steps[0]).toEqual({
      agent: { action: 'restart-service', service: 'web' },
      timeout: '30s',
    });
  });
  afterAll(async () => server?.close());

  const fire = async (node: string) => {
    return insertFiringAlert(server, {
      id: `alert-${++seq}`,
      node,
      metric: 'service_up',
      source: 'rule:x',
      labels: { node, service: 'web' },
      summary: 'web down',
    });
  };
  const pass = () => runPlaybooks(server);
  const heartbeat = async (node: string, actionResults?: unknown[]): Promise<HeartbeatResponse> => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credentials.get(node)}` },
      payload: {
        sentAt: server.clock.now(),
        facts: sampleFacts(),
        batches: [],
        ...(actionResults ? { actionResults } : {}),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const runOn = async (node: string) => {
    const runs = await server.healing.workflows.runs.list({ limit: 100 });
    const run = runs.find((r) => (r.input as { node: string }).node === node);
    if (!run) throw new Error(`no run on ${node}`);
    return run;
  };

  /** The audit chain's record of the agent action on a node: every outcome is there, not only a success. */
  const audited = async (node: string) => {
    const res = await server.app.inject({ method: 'GET', url: '/v1/audit?limit=5000', headers: server.admin });
    return (res.json().items as { entry: string }[])
      .map((e) => JSON.parse(e.entry) as Record<string, unknown>)
      .filter((e) => e.kind === 'playbook.action' && e.node === node);
  };
  const byPlaybook = { kind: 'playbook', id: 'restart-web@1', name: 'restart-web' };

  it("queues the action for the alert's node, waits for its result and keeps it as the step's output", async () => {
    await fire('web-1');
    await pass();
    await pass(); // looking again queues nothing new
    const { actions } = await heartbeat('web-1');
    expect(actions).toHaveLength(1);
    expect(actions?.[0]).toMatchObject({ kind: 'restart-service', params: { service: 'web' } });
    expect((await runOn('web-1')).status).toBe('waiting');

    const details = { service: 'web', pid: 4242, restarts: 1 };
    await heartbeat('web-1', [{ id: actions?.[0]?.id, status: 'succeeded', details, finishedAt: server.clock.now() }]);
    server.clock.advance(1_000);
    await pass();
    const run = await runOn('web-1');
    // authorize, approval (none needed), then the agent step.
    expect(run.cursor).toBe(3);
    expect(run.outputs.authorize).toMatchObject({
      outcome: 'allow',
      decisions: [{ action: 'node.action', outcome: 'allow', policies: ['playbooks'] }],
    });
    expect(run.outputs['0-agent-restart-service']).toMatchObject({ node: 'web-1', status: 'succeeded', details });
    expect(await audited('web-1')).toEqual([
      expect.objectContaining({
        actor: byPlaybook,
        action: 'node.action',
        agentAction: 'restart-service',
        outcome: 'succeeded',
        result: expect.objectContaining({ status: 'succeeded', details }),
      }),
    ]);
  });

  it('fails the run at once when the agent refuses, without spending its retries', async () => {
    await fire('web-2');
    await pass();
    const { actions } = await heartbeat('web-2');
    const refusal = { reason: 'not-allowed', message: 'service web is not supervised', field: 'params.service' };
    await heartbeat('web-2', [{ id: actions?.[0]?.id, status: 'refused', details: refusal, finishedAt: 1 }]);
    server.clock.advance(1_000);
    await pass();
    const run = await runOn('web-2');
    expect(run.status).toBe('failed');
    expect(run.error).toContain('refused restart-service (not-allowed');
    expect(await audited('web-2')).toEqual([
      expect.objectContaining({
        actor: byPlaybook,
        run: run.id,
        agentAction: 'restart-service',
        outcome: 'refused',
        result: expect.objectContaining({ details: refusal }),
      }),
    ]);
  });

  it('audits an action the agent tried and failed, and fails the run', async () => {
    await fire('web-4');
    await pass();
    const { actions } = await heartbeat('web-4');
    const failure = { reason: 'exit-status', message: 'systemctl exited 1' };
    await heartbeat('web-4', [{ id: actions?.[0]?.id, status: 'failed', details: failure, finishedAt: 1 }]);
    server.clock.advance(1_000);
    await pass();
    const run = await runOn('web-4');
    expect(run.status).toBe('failed');
    expect(await audited('web-4')).toEqual([
      expect.objectContaining({ actor: byPlaybook, run: run.id, outcome: 'failed', node: 'web-4' }),
    ]);
  });

  it('fails the run and expires the action when no result comes within the timeout', async () => {
    await fire('web-3');
    await pass();
    for (let s = 0; s < 32; s++) {
      server.clock.advance(1_000);
      await pass();
    }
    const run = await runOn('web-3');
    expect(run.status).toBe('failed');
    expect(run.error).toContain('within 30s');
    expect((await heartbeat('web-3')).actions).toBeUndefined();
    const list = await server.app.inject({ method: 'GET', url: '/v1/nodes/web-3/actions', headers: server.admin });
    expect(list.json().items[0].status).toBe('expired');
    expect(await audited('web-3')).toEqual([
      expect.objectContaining({ actor: byPlaybook, run: run.id, agentAction: 'restart-service', outcome: 'expired' }),
    ]);
  });

  it('refuses agent steps the schema does not know, naming the field', async () => {
    for (const [yaml, field] of [
      ['  - agent: { action: run-shell, command: reboot }', 'steps.0'],
      ['  - agent: { action: restart-service, service: web }\n    timeout: forever', 'steps.0.timeout'],
      ['  - agent: { action: clean-path, path: /tmp, pattern: "*", olderThan: soon }', 'steps.0.agent.olderThan'],
    ] as const) {
      const res = await server.app.inject({
        method: 'PUT',
        url: '/v1/playbooks/bad-agent-step',
        headers: server.admin,
        payload: { yaml: `trigger:\n  alert: { metric: m }\nsteps:\n${yaml}\n` },
      });
      expect(res.statusCode, yaml).toBe(400);
      expect(res.json().detail, yaml).toContain(field);
    }
  });
});
