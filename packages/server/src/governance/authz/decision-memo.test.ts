import { describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/http/auth.js';
import { joinNode, sampleFacts, sendHeartbeat, startTestServer } from '../../testing/harness.js';
import { Authorizer } from './authorizer.js';
import { PolicyEngine } from './engine.js';
import { SHIPPED_POLICIES } from './policies.js';

const agent: Principal = { kind: 'node', nodeId: 'n-1', name: 'web-1' };
const blueNode = { name: 'web-1', labels: { team: 'blue' }, zone: 'eu-1' };
const fresh = () => new Authorizer(PolicyEngine.compile(SHIPPED_POLICIES), async () => undefined);

describe('remembered decisions', () => {
  it('the same question is answered from the memo with the same decision', () => {
    const authz = fresh();
    const ask = () => authz.decide({ principal: agent, action: 'agent.heartbeat', context: { sourceIp: '10.0.0.1' } });
    const first = ask();
    expect(authz.memoStats).toEqual({ hits: 0, size: 1 });
    const second = ask();
    expect(second).toEqual(first);
    expect(second).toMatchObject({ outcome: 'allow', policies: ['agent'] });
    expect(authz.memoStats).toEqual({ hits: 1, size: 1 });
    // Another source address is another request: Cedar decides it.
    ask();
    authz.decide({ principal: agent, action: 'agent.heartbeat', context: { sourceIp: '10.0.0.2' } });
    expect(authz.memoStats).toEqual({ hits: 2, size: 2 });
  });

  it('a policy change takes effect on the next decision', () => {
    const authz = fresh();
    const ask = () => authz.decide({ principal: agent, action: 'agent.heartbeat' }).outcome;
    expect(ask()).toBe('allow');
    expect(ask()).toBe('allow');
    authz.use(
      PolicyEngine.compile(`${SHIPPED_POLICIES}
@id("no-heartbeats")
forbid (principal, action == Aurora::Action::"agent.heartbeat", resource);`),
    );
    expect(authz.decide({ principal: agent, action: 'agent.heartbeat' })).toMatchObject({
      outcome: 'deny',
      policies: ['no-heartbeats'],
    });
    authz.use(PolicyEngine.compile(SHIPPED_POLICIES));
    expect(ask()).toBe('allow');
  });

  it('a revoked role or team takes effect on the next decision', () => {
    const authz = fresh();
    const operator: Principal = { kind: 'service', id: 'op-1', name: 'ops', roles: ['operator'], teams: ['blue'] };
    expect(authz.decide({ principal: operator, action: 'node.cordon', node: blueNode }).outcome).toBe('allow');
    expect(authz.decide({ principal: operator, action: 'node.cordon', node: blueNode }).outcome).toBe('allow');
    const demoted: Principal = { ...operator, roles: ['viewer'] };
    expect(authz.decide({ principal: demoted, action: 'node.cordon', node: blueNode }).outcome).toBe('deny');
    const leftTeam: Principal = { ...operator, teams: [] };
    expect(authz.decide({ principal: leftTeam, action: 'node.cordon', node: blueNode })).toMatchObject({
      outcome: 'deny',
      policies: ['operator-own-team'],
    });
  });

  it("a change of the node's labels takes effect on the next decision", () => {
    const authz = fresh();
    const operator: Principal = { kind: 'service', id: 'op-1', name: 'ops', roles: ['operator'], teams: ['blue'] };
    expect(authz.decide({ principal: operator, action: 'node.drain', node: blueNode }).outcome).toBe('allow');
    const production = { ...blueNode, labels: { team: 'blue', environment: 'production' } };
    expect(authz.decide({ principal: operator, action: 'node.drain', node: production }).outcome).toBe(
      'needs-approval',
    );
  });

  it('a remembered decision cannot be altered by a caller', () => {
    const authz = fresh();
    const first = authz.decide({ principal: agent, action: 'agent.heartbeat' });
    expect(() => first.policies.push('admin')).toThrow();
    expect(authz.decide({ principal: agent, action: 'agent.heartbeat' }).policies).toEqual(['agent']);
  });
});

describe('remembered decisions over HTTP', () => {
  it("a deleted node's heartbeats are refused at once, however often its decision was remembered", async () => {
    const server = await startTestServer();
    try {
      const { credential } = await joinNode(server, 'web-1');
      for (let i = 0; i < 3; i++) await sendHeartbeat(server, credential);
      const deleted = await server.app.inject({ method: 'DELETE', url: '/v1/nodes/web-1', headers: server.admin });
      expect(deleted.statusCode, deleted.body).toBe(204);
      const refused = await server.app.inject({
        method: 'POST',
        url: '/v1/agent/heartbeat',
        headers: { authorization: `Bearer ${credential}` },
        payload: { sentAt: server.clock.now(), facts: sampleFacts(), batches: [] },
      });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('AURORA_TOKEN_INVALID');
    } finally {
      await server.close();
    }
  });
});
