/**
 * `aurora compliance report` against a real control plane: controls judged on evidence from the
 * running system, and a control that turns to fail when the system breaks what it checks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComplianceReport } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCompliance } from './compliance.js';

const ADMIN = 'compliance-admin-token-0123456789abcdef';

describe('aurora compliance report', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-compliance-'));
  let server: RunningServer;
  let connection: string[];
  const report = async (framework: string) =>
    JSON.parse(
      await runCompliance(['report', '--framework', framework, '--format', 'json', ...connection], {}),
    ) as ComplianceReport;
  const control = (r: ComplianceReport, id: string) => r.controls.find((c) => c.id === id);

  beforeAll(async () => {
    server = await startServer(
      compileConfig({
        env: { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'silent', AURORA_AUDIT_CHECKPOINT_ENTRIES: '2' },
        overrides: { port: 0, dataDir: path.join(dir, 'data') },
      }),
      { manualControllers: true, consoleDir: path.join(dir, 'no-console') },
    );
    connection = ['--server', server.url, '--token', ADMIN];
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every control of the issue is judged, with its reason and evidence, in json, text and html', async () => {
    const soc2 = await report('soc2');
    expect(soc2.controls.map((c) => c.id)).toEqual(['CC6.1', 'CC6.2', 'CC6.3', 'CC7.2', 'CC8.1']);
    expect(control(soc2, 'CC6.1')).toMatchObject({ status: 'pass' });
    expect(control(soc2, 'CC6.1')?.evidence).toMatchObject({ policies: { fallback: null } });
    // One user (the first admin): role separation cannot be judged yet.
    expect(control(soc2, 'CC6.3')?.status).toBe('unknown');
    const iso = await report('iso27001');
    expect(iso.controls.map((c) => c.id)).toEqual(['A.5.15', 'A.5.18', 'A.8.15', 'A.8.16', 'A.8.32']);
    // No node reported metrics yet: monitoring is unknown, not pass.
    expect(control(iso, 'A.8.16')?.status).toBe('unknown');
    const gdpr = await report('gdpr');
    expect(gdpr.controls.map((c) => [c.id, c.status])).toEqual([
      ['Art. 15', 'pass'],
      ['Art. 17', 'pass'],
      ['Art. 30', 'unknown'],
      // Served over plain HTTP on loopback: security of processing fails, and says why.
      ['Art. 32', 'fail'],
    ]);
    expect(control(gdpr, 'Art. 32')?.reason).toMatch(/without TLS/);
    for (const r of [soc2, iso, gdpr]) {
      for (const c of r.controls) expect(c.reason.length, `${r.framework} ${c.id}`).toBeGreaterThan(10);
    }

    const text = await runCompliance(['report', '--framework', 'gdpr', ...connection], {});
    expect(text.split('\n')[0]).toMatch(/^GDPR at .*: 2 pass, 1 fail, 1 unknown$/);
    const html = await runCompliance(['report', '--framework', 'iso27001', '--format', 'html', ...connection], {});
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<td>A.8.15</td>');
    expect(html).not.toContain('<script');
  });

  test('a control turns to fail when the system breaks what it checks: a policy version written outside the API', async () => {
    expect(control(await report('soc2'), 'CC8.1')?.status).toBe('pass');
    const put = await fetch(`${server.url}/v1/policies/oncall`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        text: 'permit (principal in Aurora::Role::"oncall", action in Aurora::Action::"read", resource);',
      }),
    });
    expect(put.status).toBe(200);
    const audited = control(await report('soc2'), 'CC8.1');
    expect(audited).toMatchObject({ status: 'pass', evidence: { changes: 1, audited: 1 } });
    await server.store.db.execute(
      `insert into policy_versions (id, version, text, change, author, created_at) values ('oncall', 2, 'permit (principal, action in Aurora::Action::"read", resource);', 'put', '{"kind":"admin"}', 0)`,
    );
    const unaudited = control(await report('soc2'), 'CC8.1');
    expect(unaudited?.status).toBe('fail');
    expect(unaudited?.reason).toMatch(/1 policy versions have no policy.changed audit entry/);
  });
});
