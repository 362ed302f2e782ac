/**
 * GDPR export and erasure of a user against a real control plane, then `aurora audit verify`:
 * the audit trail names the user only by its pseudonym, so erasure leaves a chain that verifies
 * and no longer holds anything that leads to the person.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditEntryPage, PersonalDataExport } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runAudit } from './audit.js';

const ADMIN = 'gdpr-admin-token-0123456789abcdef';
const NAME = 'erika-mustermann';
const PASSWORD = 'erika-password-123';

describe('GDPR export and erasure', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-gdpr-'));
  let server: RunningServer;
  const api = async (method: string, url: string, body?: unknown, token = ADMIN) => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: res.status === 204 ? undefined : await res.json() };
  };

  beforeAll(async () => {
    server = await startServer(
      compileConfig({
        env: { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'silent', AURORA_AUDIT_CHECKPOINT_ENTRIES: '4' },
        overrides: { port: 0, dataDir: path.join(dir, 'data') },
      }),
      { manualControllers: true, consoleDir: path.join(dir, 'no-console') },
    );
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('export holds what the trail says about the user; after erasure the chain verifies and names nobody', async () => {
    const created = await api('POST', '/v1/users', { name: NAME, password: PASSWORD, roles: ['viewer'] });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const login = await fetch(`${server.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: NAME, password: PASSWORD, refreshIn: 'body' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    expect(
      (await api('POST', '/v1/alert-rules', { name: 'x', selector: 'up', op: '<', value: 1, for: '1m' }, accessToken))
        .status,
    ).toBe(403);
    expect(
      (await api('PUT', '/v1/me/password', { currentPassword: PASSWORD, newPassword: `${PASSWORD}-2` }, accessToken))
        .status,
    ).toBe(204);

    const exported = await api('GET', `/v1/users/${id}/personal-data`);
    expect(exported.status).toBe(200);
    const data = exported.json as PersonalDataExport;
    expect(data.user).toMatchObject({ id, name: NAME, roles: ['viewer'] });
    expect(data.sessions).toHaveLength(1);
    const kinds = data.auditEntries.map(
      (e) => JSON.parse(e.entry) as { kind: string; action?: string; outcome?: string },
    );
    expect(kinds).toContainEqual(expect.objectContaining({ kind: 'login', outcome: 'success' }));
    expect(kinds).toContainEqual(
      expect.objectContaining({ kind: 'request', action: 'alertrule.create', outcome: 'deny' }),
    );
    expect(kinds).toContainEqual(expect.objectContaining({ kind: 'request', action: 'self.password' }));
    expect(data.erasure).toMatch(/DELETE \/v1\/users\/ID/);

    expect((await api('DELETE', `/v1/users/${id}`)).status).toBe(204);
    expect((await api('GET', `/v1/users/${id}/personal-data`)).status).toBe(404);
    // Nothing left in the store or the trail carries the person's name.
    const page = (await api('GET', '/v1/audit?limit=5000')).json as AuditEntryPage;
    expect(page.items.length).toBeGreaterThan(4);
    expect(page.items.filter((e) => e.entry.includes(NAME))).toEqual([]);
    const users = (await api('GET', '/v1/users')).json as { items: { name: string }[] };
    expect(users.items.map((u) => u.name)).not.toContain(NAME);

    const verdict = await runAudit(['verify', '--server', server.url, '--token', ADMIN], {});
    expect(verdict).toMatch(/^audit chain intact: \d+ entries, [1-9]\d* signed checkpoints/);
  });
});
