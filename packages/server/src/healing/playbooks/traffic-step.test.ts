import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertFiringAlert, runPlaybooks } from '../../testing/healing-fixture.js';

const PLAYBOOK = `description: steer most traffic away from a node whose latency alert fires, and back once it resolved
trigger:
  alert: { metric: http_latency_p99 }
steps:
  - traffic: 0.2
  - verify: alert-resolved
    within: 10m
  - traffic: 1
`;

describe('the traffic step of playbooks', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    await joinNode(server, 'slow-1', sampleFacts({ hostname: 'slow-1', addresses: ['10.0.0.21'] }));
    const call = (method: 'PUT', url: string, payload: object) =>
      server.app.inject({ method, url, headers: server.admin, payload });
    expect((await call('PUT', '/v1/services/checkout', { backends: [{ node: 'slow-1', port: 80 }] })).statusCode).toBe(
      200,
    );
    const res = await call('PUT', '/v1/playbooks/steer-slow', { yaml: PLAYBOOK });
    expect(res.statusCode, res.body).toBe(200);
  });
  afterAll(async () => server?.close());

  const weight = async () =>
    (await server.app.inject({ method: 'GET', url: '/v1/services/checkout', headers: server.admin })).json().backends[0]
      .effectiveWeight;

  it("lowers the node's share while the alert fires, restores it after, and audits both under Cedar's allow", async () => {
    const alert = await insertFiringAlert(server, {
      id: 'latency-1',
      node: 'slow-1',
      metric: 'http_latency_p99',
      source: 'rule:latency',
    });
    await runPlaybooks(server);
    expect(await weight()).toBe(0.2);
    const [run] = await server.healing.workflows.runs.list({ limit: 10 });
    expect(run?.outputs.authorize).toMatchObject({
      outcome: 'allow',
      // One decision per action the run takes, however many steps take it.
      decisions: [{ action: 'node.traffic', outcome: 'allow', policies: ['playbooks'] }],
    });
    expect(run?.outputs['0-traffic']).toEqual({
      node: 'slow-1',
      action: 'traffic',
      share: expect.closeTo(0.2),
      services: ['checkout'],
    });

    await server.app.inject({ method: 'POST', url: `/v1/alerts/${alert}/resolve`, headers: server.admin });
    server.clock.advance(6_000);
    await runPlaybooks(server);
    expect(await weight()).toBe(1);
    const done = (await server.healing.workflows.runs.list({ limit: 10 }))[0];
    expect(done?.status).toBe('succeeded');
    const audit = await server.app.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: server.admin });
    const shares = (audit.json().items as { entry: string }[])
      .map((e) => JSON.parse(e.entry) as Record<string, unknown>)
      .filter((e) => e.kind === 'playbook.action' && e.action === 'node.traffic')
      .map((e) => [e.node, e.share]);
    expect(shares).toEqual([
      ['slow-1', expect.closeTo(0.2)],
      ['slow-1', 1],
    ]);
  });

  it('refuses a share outside 0.01 to 1, naming the step', async () => {
    for (const share of ['0', '0.001', '1.5', 'half']) {
      const res = await server.app.inject({
        method: 'PUT',
        url: '/v1/playbooks/bad-share',
        headers: server.admin,
        payload: { yaml: `trigger:\n  alert: { metric: m }\nsteps:\n  - traffic: ${share}\n` },
      });
      expect(res.statusCode, share).toBe(400);
      expect(res.json().detail, share).toContain('steps.0');
    }
  });
});
