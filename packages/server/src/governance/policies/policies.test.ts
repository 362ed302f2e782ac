import type { PolicyDiff, PolicyVersionList, Problem, StoredPolicy, StoredPolicyList } from '@aurora/sdk';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, policyVersions } from '../../platform/store/schema.js';
import { testEngines } from '../../testing/engines.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { SHIPPED_DOCUMENTS } from '../authz/policies.js';

const VIEWERS_CORDON = `@id("viewers-cordon")
permit (
  principal in Aurora::Role::"viewer",
  action == Aurora::Action::"node.cordon",
  resource is Aurora::Node
);`;
const VIEWERS_CORDON_TEAM = `${VIEWERS_CORDON.slice(0, -1)}
when { resource.ownerTeam == "blue" };`;

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`stored policies on ${engine.name}`, () => {
    let server: TestServer;
    let viewer: string;
    beforeAll(async () => {
      server = await startTestServer({ engine });
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/api-tokens',
        headers: server.admin,
        payload: { name: 'view', roles: ['viewer'] },
      });
      viewer = `Bearer ${res.json().token}`;
      await joinNode(server, 'blue-1', sampleFacts({ hostname: 'blue-1', labels: { team: 'blue' } }));
      await joinNode(server, 'red-1', sampleFacts({ hostname: 'red-1', labels: { team: 'red' } }));
    });
    afterAll(async () => server?.close());

    const call = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object, auth = server.admin) =>
      server.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
    const put = (id: string, text: string, auth = server.admin) =>
      call('PUT', `/v1/policies/${id}`, { text }, typeof auth === 'string' ? { authorization: auth } : auth);
    const cordon = (node: string) => call('POST', `/v1/nodes/${node}/cordon`, {}, { authorization: viewer });
    const auditEntries = async () =>
      (await server.store.db.select().from(auditLog).orderBy(asc(auditLog.seq))).map(
        (r) => JSON.parse(r.entry) as Record<string, unknown>,
      );

    it('seeds the shipped policies as version 1 of one document each, once', async () => {
      const list = (await call('GET', '/v1/policies')).json() as StoredPolicyList;
      expect(list.items.map((d) => d.id).sort()).toEqual(SHIPPED_DOCUMENTS.map((d) => d.id).sort());
      expect(list.items.every((d) => d.version === 1 && d.change === 'seed')).toBe(true);
      expect(list.items.find((d) => d.id === 'admin')?.policies.map((p) => p.id)).toEqual(['admin']);
      expect(list.fallback).toBeUndefined();
      expect((await auditEntries()).filter((e) => e.kind === 'policy.seeded')).toHaveLength(1);
    });

    it("refuses an invalid policy with Cedar's messages placed in the text, and stores nothing", async () => {
      const syntax = await put('broken', '@id("x")\npermit (principal, action, resource)\nwhen { 1 + };');
      expect(syntax.statusCode).toBe(400);
      const problem = syntax.json() as Problem;
      expect(problem.code).toBe('AURORA_POLICY_INVALID');
      expect(problem.errors?.[0]).toMatchObject({ document: 'broken', line: 3 });
      expect(problem.errors?.[0]?.message).toMatch(/unexpected token/);

      const schema = await put('broken', 'permit (principal, action, resource)\nwhen { principal.nope == 1 };');
      expect(schema.statusCode).toBe(400);
      const err = (schema.json() as Problem).errors?.[0];
      expect(err).toMatchObject({ document: 'broken', line: 2 });
      expect(err?.message).toMatch(/nope/);

      const clash = await put('broken', '@id("admin")\npermit (principal, action, resource);');
      expect(clash.statusCode).toBe(400);
      expect((clash.json() as Problem).detail).toMatch(/also the id of a policy in document "admin"/);
      expect((await call('GET', '/v1/policies/broken')).statusCode).toBe(404);
    });

    it('a stored policy is in force at once, decisions name it, and history, diff and rollback follow it', async () => {
      expect((await cordon('red-1')).statusCode).toBe(403);
      const first = await put('viewers-cordon', VIEWERS_CORDON);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ id: 'viewers-cordon', version: 1, change: 'put' });
      expect((await put('viewers-cordon', VIEWERS_CORDON)).json().version).toBe(1);
      expect((await cordon('red-1')).statusCode).toBe(200);
      const allowed = (await auditEntries()).filter(
        (e) => e.action === 'node.cordon' && (e.params as { name?: string }).name === 'red-1',
      );
      expect(allowed.at(-1)).toMatchObject({ outcome: 'allow', policies: ['viewers-cordon'] });

      const second = await put('viewers-cordon', VIEWERS_CORDON_TEAM);
      expect(second.json().version, second.body).toBe(2);
      const denied = await cordon('red-1');
      expect(denied.statusCode).toBe(403);
      expect(denied.json().detail).toMatch(/no policy permits it/);
      expect((await cordon('blue-1')).statusCode).toBe(200);

      const diff = (await call('GET', '/v1/policies/viewers-cordon/diff')).json() as PolicyDiff;
      expect(diff).toMatchObject({ from: 1, to: 2 });
      expect(diff.diff.split('\n').filter((l) => !l.startsWith('  '))).toEqual([
        '- );',
        '+ )',
        '+ when { resource.ownerTeam == "blue" };',
      ]);

      const back = await call('POST', '/v1/policies/viewers-cordon/rollback', { version: 1 });
      expect(back.statusCode, back.body).toBe(200);
      expect(back.json()).toMatchObject({ version: 3, change: 'rollback', fromVersion: 1, text: VIEWERS_CORDON });
      expect((await cordon('red-1')).statusCode).toBe(200);

      expect((await call('DELETE', '/v1/policies/viewers-cordon')).statusCode).toBe(204);
      expect((await cordon('red-1')).statusCode).toBe(403);
      expect((await call('GET', '/v1/policies/viewers-cordon')).statusCode).toBe(404);
      const versions = (await call('GET', '/v1/policies/viewers-cordon/versions')).json() as PolicyVersionList;
      expect(versions.items.map((v) => [v.version, v.change, v.text === null])).toEqual([
        [1, 'put', false],
        [2, 'put', false],
        [3, 'rollback', false],
        [4, 'delete', true],
      ]);
      expect(versions.items[0]?.author).toEqual({ kind: 'admin', id: 'admin' });
      const deletedRollback = await call('POST', '/v1/policies/viewers-cordon/rollback', { version: 4 });
      expect(deletedRollback.statusCode).toBe(400);
      expect(deletedRollback.json().field).toBe('version');
      expect((await call('POST', '/v1/policies/viewers-cordon/rollback', { version: 2 })).json().version).toBe(5);
      expect((await cordon('blue-1')).statusCode).toBe(200);

      const changes = (await auditEntries()).filter((e) => e.kind === 'policy.changed' && e.id === 'viewers-cordon');
      expect(changes.map((e) => [e.change, e.version])).toEqual([
        ['put', 1],
        ['put', 2],
        ['rollback', 3],
        ['delete', 4],
        ['rollback', 5],
      ]);
      expect(changes[3]).toMatchObject({ sha256: null, actor: { kind: 'admin' } });
      const verify = await call('GET', '/v1/audit/verify');
      expect(verify.json().intact).toBe(true);
    });

    it('refuses a change that would take policy management from the bootstrap admin or the caller', async () => {
      const forbidAll = await put(
        'freeze',
        '@id("freeze")\nforbid (principal, action == Aurora::Action::"policy.update", resource);',
      );
      expect(forbidAll.statusCode).toBe(409);
      expect(forbidAll.json()).toMatchObject({ code: 'AURORA_POLICY_LOCKOUT' });
      expect(forbidAll.json().detail).toMatch(/the admin token could no longer do "policy.update".*"freeze"/);
      const dropAdmin = await call('DELETE', '/v1/policies/admin');
      expect(dropAdmin.statusCode).toBe(409);
      expect(dropAdmin.json().detail).toMatch(/no policy would permit it/);

      // An operator given policy management may not take it from itself.
      await put(
        'ops-manage-policies',
        '@id("ops-manage-policies")\npermit (principal in Aurora::Role::"operator", action == Aurora::Action::"policy.update", resource);',
      );
      const op = await call('POST', '/v1/api-tokens', { name: 'ops', roles: ['operator'], teams: ['blue'] });
      const operator = { authorization: `Bearer ${op.json().token}` };
      const selfLock = await call('DELETE', '/v1/policies/ops-manage-policies', undefined, operator);
      expect(selfLock.statusCode).toBe(409);
      expect(selfLock.json().detail).toMatch(/API token "ops"/);
      expect((await call('DELETE', '/v1/policies/ops-manage-policies')).statusCode).toBe(204);
      expect((await call('GET', '/v1/policies/freeze')).statusCode).toBe(404);
      // Viewers may read policies but not change them.
      expect((await put('mine', VIEWERS_CORDON, viewer)).statusCode).toBe(403);
      expect((await call('GET', '/v1/policies', undefined, { authorization: viewer })).statusCode).toBe(200);
    });

    it('a change another replica stored is in force after the next version check', async () => {
      const generation = ((await call('GET', '/v1/policies')).json() as StoredPolicyList).generation;
      await server.store.db.insert(policyVersions).values({
        id: 'replica-b',
        version: 1,
        text: VIEWERS_CORDON.replace('viewers-cordon', 'replica-b').replace('node.cordon', 'node.uncordon'),
        change: 'put',
        fromVersion: null,
        author: { kind: 'admin', id: 'admin' },
        createdAt: server.clock.now(),
      });
      const uncordon = () => call('POST', '/v1/nodes/red-1/uncordon', {}, { authorization: viewer });
      // Within the check interval the loaded set stays in force...
      expect((await uncordon()).statusCode).toBe(403);
      server.clock.advance(1_000);
      // ...and the first request after it finds the new generation and reloads.
      expect((await uncordon()).statusCode).toBe(200);
      const list = (await call('GET', '/v1/policies')).json() as StoredPolicyList;
      expect(list.generation).toBeGreaterThan(generation);
      expect(list.items.find((d) => d.id === 'replica-b')?.policies.map((p) => p.id)).toEqual(['replica-b']);
    });

    it('a stored set that does not compile leaves only admin and self policies in force, and says why', async () => {
      await server.store.db.insert(policyVersions).values({
        id: 'hand-written',
        version: 1,
        text: 'permit (principal, action, resource) when { principal.nope };',
        change: 'put',
        fromVersion: null,
        author: { kind: 'system' },
        createdAt: server.clock.now(),
      });
      server.clock.advance(1_000);
      expect((await call('GET', '/v1/nodes', undefined, { authorization: viewer })).statusCode).toBe(403);
      const list = (await call('GET', '/v1/policies')).json() as StoredPolicyList;
      expect(list.fallback?.join('\n')).toMatch(/nope/);
      // The admin repairs it through the API: deleting the bad document restores the stored set.
      expect((await call('DELETE', '/v1/policies/hand-written')).statusCode).toBe(204);
      expect((await call('GET', '/v1/nodes', undefined, { authorization: viewer })).statusCode).toBe(200);
      const stored = (await call('GET', '/v1/policies/viewer')).json() as StoredPolicy;
      expect(stored.policies.map((p) => p.id)).toEqual(['viewer']);
    });
  });

  describe.skipIf(engine.skip !== undefined)(`shipped policies on upgrade, on ${engine.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ engine });
    });
    afterAll(async () => server?.close());

    it('a later release seeds the shipped policies the store never held, and leaves deleted ones deleted', async () => {
      // The operator deleted one shipped policy; the store predates another (no row for it at all).
      const deleted = await server.app.inject({
        method: 'DELETE',
        url: '/v1/policies/healing-opt-out',
        headers: server.admin,
      });
      expect(deleted.statusCode, deleted.body).toBe(204);
      await server.store.db.delete(policyVersions).where(eq(policyVersions.id, 'playbooks'));
      server = await server.restart();

      const list = (
        await server.app.inject({ method: 'GET', url: '/v1/policies', headers: server.admin })
      ).json() as StoredPolicyList;
      expect(list.items.find((d) => d.id === 'playbooks')).toMatchObject({ version: 1, change: 'seed' });
      expect(list.items.find((d) => d.id === 'healing-opt-out')).toBeUndefined();
      const seeded = (await server.store.db.select().from(auditLog).orderBy(asc(auditLog.seq)))
        .map((r) => JSON.parse(r.entry) as { kind: string; documents?: { id: string }[] })
        .filter((e) => e.kind === 'policy.seeded');
      expect(seeded.map((e) => e.documents?.map((d) => d.id))).toEqual([
        SHIPPED_DOCUMENTS.map((d) => d.id),
        ['playbooks'],
      ]);
    });
  });
}
