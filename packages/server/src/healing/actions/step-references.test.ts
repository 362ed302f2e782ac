import type { HeartbeatResponse } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertFiringAlert, runPlaybooks } from '../../testing/healing-fixture.js';

const PLAYBOOK = `trigger:
  alert: { metric: service_up }
steps:
  - agent: { action: restart-service, service: "{{ alert.labels.service }}" }
    timeout: 30s
`;

describe('agent step parameters taken from the alert', () => {
  let server: TestServer;
  const credentials = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer();
    for (const name of ['svc-1', 'svc-2', 'svc-3']) {
      credentials.set(name, (await joinNode(server, name, sampleFacts({ hostname: name }))).credential);
    }
    const res = await server.app.inject({
      method: 'PUT',
      url: '/v1/playbooks/restart-named',
      headers: server.admin,
      payload: { yaml: PLAYBOOK },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().spec.steps[0].agent).toEqual({
      action: 'restart-service',
      service: '{{ alert.labels.service }}',
    });
  });
  afterAll(async () => server?.close());

  const fire = (node: string, labels: Record<string, string>) =>
    insertFiringAlert(server, { id: `alert-${node}`, node, metric: 'service_up', labels: { node, ...labels } });
  const heartbeat = async (node: string): Promise<HeartbeatResponse> => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credentials.get(node)}` },
      payload: { sentAt: server.clock.now(), facts: sampleFacts(), batches: [] },
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

  it("queues the action with the alert's label in place of the reference", async () => {
    await fire('svc-1', { service: 'api' });
    await runPlaybooks(server);
    const { actions } = await heartbeat('svc-1');
    expect(actions).toHaveLength(1);
    expect(actions?.[0]).toMatchObject({ kind: 'restart-service', params: { service: 'api' } });
  });

  it('fails the run, naming the parameter, when the alert lacks the label or its value is not a name', async () => {
    await fire('svc-2', {});
    await fire('svc-3', { service: 'api; reboot' });
    await runPlaybooks(server);
    for (const node of ['svc-2', 'svc-3']) {
      expect((await heartbeat(node)).actions, node).toBeUndefined();
      expect((await runOn(node)).status, node).toBe('failed');
    }
    expect((await runOn('svc-2')).error).toContain('service refers to labels.service of alert alert-svc-2');
    expect((await runOn('svc-3')).error).toContain('service is "api; reboot" from alert alert-svc-3');
  });

  it('refuses a reference to anything but the node or a label of the alert', async () => {
    for (const ref of ['{{ alert.summary }}', '{{ alert.labels.a-b }}', 'web-{{ alert.node }}']) {
      const res = await server.app.inject({
        method: 'PUT',
        url: '/v1/playbooks/bad-reference',
        headers: server.admin,
        payload: {
          yaml: `trigger:\n  alert: { metric: m }\nsteps:\n  - agent: { action: restart-service, service: "${ref}" }\n`,
        },
      });
      expect(res.statusCode, ref).toBe(400);
      expect(res.json().detail, ref).toContain('steps.0');
    }
  });
});
