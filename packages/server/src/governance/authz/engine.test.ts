import { describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/http/auth.js';
import { Authorizer } from './authorizer.js';
import { PolicyEngine, PolicyValidationError } from './engine.js';
import { SHIPPED_POLICIES } from './policies.js';

const operatorBlue: Principal = { kind: 'service', id: 'op-1', name: 'ops-blue', roles: ['operator'], teams: ['blue'] };
const viewer: Principal = { kind: 'service', id: 'v-1', name: 'viewer', roles: ['viewer'], teams: [] };
const agent: Principal = { kind: 'node', nodeId: 'n-1', name: 'web-1' };
const admin: Principal = { kind: 'admin' };
const blueNode = { name: 'web-1', labels: { team: 'blue', role: 'web' }, zone: 'eu-1' };
const redNode = { name: 'db-1', labels: { team: 'red' }, zone: 'eu-1' };
const blueProduction = { name: 'web-9', labels: { team: 'blue', environment: 'production' }, zone: null };

function authorizer(text = SHIPPED_POLICIES): Authorizer {
  return new Authorizer(PolicyEngine.compile(text), async () => undefined);
}

describe('Cedar policies', () => {
  const authz = authorizer();

  it('every shipped policy validates against the schema and names itself', () => {
    expect(authz.engine.policies.map((p) => p.id)).toEqual([
      'admin',
      'operator',
      'viewer',
      'agent',
      'self',
      'operator-own-team',
      'production-needs-approval',
      'playbooks',
      'healing-opt-out',
    ]);
  });

  it('playbooks: a run operates nodes, needs approval on production, and never touches a node labelled healing=off', () => {
    const playbook = { name: 'disk-full', version: 3 };
    const on = (labels: Record<string, string>) => ({ name: 'n1', labels, zone: null });
    expect(authz.decidePlaybook({ playbook, action: 'node.drain', node: on({ team: 'red' }) })).toMatchObject({
      outcome: 'allow',
      policies: ['playbooks'],
      resource: { type: 'Aurora::Node', id: 'n1' },
    });
    expect(
      authz.decidePlaybook({ playbook, action: 'node.cordon', node: on({ environment: 'production' }) }),
    ).toMatchObject({ outcome: 'needs-approval', policies: ['production-needs-approval'] });
    expect(authz.decidePlaybook({ playbook, action: 'node.cordon', node: on({ healing: 'off' }) })).toMatchObject({
      outcome: 'deny',
      policies: ['healing-opt-out'],
    });
    // A playbook deletes, reads and administers nothing: the schema lists it only for the actions it may take.
    expect(authz.decidePlaybook({ playbook, action: 'node.delete', node: on({}) }).outcome).toBe('deny');
    expect(authz.decidePlaybook({ playbook, action: 'token.create' }).outcome).toBe('deny');
  });

  it('run.approve: admins and operators of the node team decide approvals; viewers and other teams do not', () => {
    const prod = { name: 'p1', labels: { team: 'blue', environment: 'production' }, zone: null };
    const approve = (principal: Principal) => authz.decide({ principal, action: 'run.approve', node: prod }).outcome;
    expect(approve(admin)).toBe('allow');
    const operatorRed: Principal = {
      kind: 'service',
      id: 'op-2',
      name: 'ops-red',
      roles: ['operator'],
      teams: ['red'],
    };
    expect(approve(operatorBlue)).toBe('allow');
    expect(approve(operatorRed)).toBe('deny');
    expect(approve(viewer)).toBe('deny');
  });

  it('RBAC: admin does everything but heartbeat, viewer only reads, agent only heartbeats', () => {
    expect(authz.decide({ principal: admin, action: 'node.delete', node: redNode })).toMatchObject({
      outcome: 'allow',
      policies: ['admin'],
    });
    expect(authz.decide({ principal: admin, action: 'agent.heartbeat' }).outcome).toBe('deny');
    expect(authz.decide({ principal: viewer, action: 'node.list' })).toMatchObject({
      outcome: 'allow',
      policies: ['viewer'],
    });
    expect(authz.decide({ principal: viewer, action: 'node.drain', node: blueNode })).toMatchObject({
      outcome: 'deny',
      policies: [],
    });
    expect(authz.decide({ principal: viewer, action: 'policy.update' }).outcome).toBe('deny');
    expect(authz.decide({ principal: agent, action: 'agent.heartbeat' })).toMatchObject({
      outcome: 'allow',
      policies: ['agent'],
    });
    expect(authz.decide({ principal: agent, action: 'node.list' }).outcome).toBe('deny');
    expect(authz.decide({ principal: { kind: 'anonymous' }, action: 'node.list' }).outcome).toBe('deny');
  });

  it('ABAC: an operator acts only on nodes labelled with one of its teams, and the decision names the forbid', () => {
    expect(authz.decide({ principal: operatorBlue, action: 'node.cordon', node: blueNode })).toMatchObject({
      outcome: 'allow',
      policies: ['operator'],
    });
    expect(authz.decide({ principal: operatorBlue, action: 'node.cordon', node: redNode })).toMatchObject({
      outcome: 'deny',
      policies: ['operator-own-team'],
    });
    // A node without a team label is nobody's: operators cannot act on it.
    expect(
      authz.decide({ principal: operatorBlue, action: 'node.drain', node: { name: 'x', labels: {}, zone: null } })
        .outcome,
    ).toBe('deny');
    // Reading is not limited by team.
    expect(authz.decide({ principal: operatorBlue, action: 'node.get', node: redNode }).outcome).toBe('allow');
  });

  it('ABAC: operating a production node needs approval, which context.approval grants; admin is not held', () => {
    const pending = authz.decide({ principal: operatorBlue, action: 'node.drain', node: blueProduction });
    expect(pending).toMatchObject({ outcome: 'needs-approval', policies: ['production-needs-approval'] });
    const approved = authz.decide({
      principal: operatorBlue,
      action: 'node.drain',
      node: blueProduction,
      context: { approval: { id: 'appr-1', by: 'alice' } },
    });
    expect(approved).toMatchObject({ outcome: 'allow', policies: ['operator'] });
    expect(authz.decide({ principal: admin, action: 'node.drain', node: blueProduction }).outcome).toBe('allow');
  });

  it('needs-approval only when approval alone would allow: another forbid or no permit stays deny', () => {
    const redProduction = { name: 'db-9', labels: { team: 'red', environment: 'production' }, zone: null };
    expect(authz.decide({ principal: operatorBlue, action: 'node.drain', node: redProduction })).toMatchObject({
      outcome: 'deny',
      policies: expect.arrayContaining(['operator-own-team', 'production-needs-approval']),
    });
    expect(authz.decide({ principal: viewer, action: 'node.drain', node: blueProduction }).outcome).toBe('deny');
  });

  it('a forbid without @approval("required") denies even when it relents on approval', () => {
    const text = `${SHIPPED_POLICIES.replace('@approval("required")', '')}`;
    expect(
      authorizer(text).decide({ principal: operatorBlue, action: 'node.drain', node: blueProduction }).outcome,
    ).toBe('deny');
  });

  it('labels are Cedar tags: a stored policy can decide on any label', () => {
    const text = `${SHIPPED_POLICIES}
@id("no-drain-databases")
forbid (principal, action == Aurora::Action::"node.drain", resource is Aurora::Node)
when { resource.hasTag("role") && resource.getTag("role") == "db" };`;
    const authz2 = authorizer(text);
    expect(
      authz2.decide({
        principal: admin,
        action: 'node.drain',
        node: { name: 'db', labels: { role: 'db' }, zone: null },
      }),
    ).toMatchObject({ outcome: 'deny', policies: ['no-drain-databases'] });
    expect(authz2.decide({ principal: admin, action: 'node.drain', node: blueNode }).outcome).toBe('allow');
  });

  it('refuses invalid policies with Cedar own message: syntax, unknown attributes, unknown actions, duplicate ids', () => {
    const refused = (text: string) => {
      try {
        PolicyEngine.compile(text);
      } catch (error) {
        expect(error).toBeInstanceOf(PolicyValidationError);
        return (error as PolicyValidationError).messages.join('\n');
      }
      throw new Error('accepted');
    };
    expect(refused('permit(principal, action, resource')).toMatch(/unexpected end of input|expected/i);
    expect(refused('permit(principal, action, resource is Aurora::Node) when { resource.colour == "red" };')).toMatch(
      /colour/,
    );
    expect(refused('permit(principal, action == Aurora::Action::"node.paint", resource);')).toMatch(/node\.paint/);
    expect(
      refused('@id("a") permit(principal, action, resource);\n@id("a") forbid(principal, action, resource);'),
    ).toMatch(/unique/);
  });
});
