/**
 * `aurora policies` against a real control plane in this process, over real HTTP on an ephemeral port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileConfig, ManualClock, type RunningServer, startServer } from '@aurora/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CliError } from '../cli-error.js';
import { runPolicies } from './policies.js';

const ADMIN = 'policies-admin-token-0123456789abcdef';
const ONCALL = `@id("oncall-drain")
permit (
  principal in Aurora::Role::"oncall",
  action == Aurora::Action::"node.drain",
  resource is Aurora::Node
);
`;

describe('aurora policies', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-policies-'));
  let server: RunningServer;
  let connection: string[];
  const policies = (...args: string[]) => runPolicies([...connection, ...args], {});
  const refusal = async (...args: string[]) => {
    const error = await policies(...args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  };

  beforeAll(async () => {
    server = await startServer(
      compileConfig({
        env: { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'silent' },
        overrides: { port: 0, dataDir: path.join(dir, 'data') },
      }),
      {
        manualControllers: true,
        consoleDir: path.join(dir, 'no-console'),
        clock: new ManualClock(Date.UTC(2026, 5, 1)),
      },
    );
    connection = ['--server', server.url, '--token', ADMIN];
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('lists the shipped policies, stores a file, and shows, diffs and rolls it back', async () => {
    const list = (await policies('list')).split('\n');
    expect(list[0]).toMatch(/^ID\s+VERSION\s+POLICIES\s+CHANGED$/);
    expect(list).toContainEqual(
      expect.stringMatching(/^production-needs-approval\s+1\s+forbid production-needs-approval \(approval\)/),
    );

    const file = path.join(dir, 'oncall.cedar');
    writeFileSync(file, ONCALL);
    expect(await policies('put', file)).toBe('policy oncall is at version 1: oncall-drain');
    writeFileSync(file, ONCALL.replace('node.drain', 'node.cordon'));
    expect(await policies('put', file)).toBe('policy oncall is at version 2: oncall-drain');
    expect(await policies('show', 'oncall')).toContain('node.cordon');
    expect(await policies('show', 'oncall', '--version', '1')).toContain('node.drain');
    const diff = (await policies('diff', 'oncall')).split('\n');
    expect(diff[0]).toBe('# oncall: version 1 -> 2');
    expect(diff.filter((l) => /^[-+] /.test(l))).toEqual([
      '-   action == Aurora::Action::"node.drain",',
      '+   action == Aurora::Action::"node.cordon",',
    ]);
    expect(await policies('rollback', 'oncall', '1')).toBe('policy oncall is at version 3, the text of version 1');
    const history = (await policies('history', 'oncall')).split('\n');
    expect(history.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['1', 'put', 'admin'],
      ['2', 'put', 'admin'],
      ['3', 'rollback to 1', 'admin'],
    ]);
    expect(await policies('delete', 'oncall')).toMatch(/^policy oncall is no longer in force/);
    expect((await refusal('show', 'oncall')).message).toMatch(/AURORA_POLICY_NOT_FOUND/);
  });

  test("a refused file prints Cedar's messages at FILE:LINE:COLUMN and stores nothing", async () => {
    const file = path.join(dir, 'typo.cedar');
    writeFileSync(file, '@id("typo")\npermit (principal, action, resource)\nwhen { principal.tem == "x" };\n');
    const error = await refusal('put', file);
    expect(error.exitCode).toBe(1);
    expect(error.message.split('\n')[0]).toBe(`Cedar refused ${file}:`);
    expect(error.message.split('\n')[1]).toMatch(
      new RegExp(`^${file.replaceAll('\\', '\\\\')}:3:\\d+: policy "typo": .*tem`),
    );
    expect(error.hint).toBe('nothing was stored');
    expect((await refusal('show', 'typo')).message).toMatch(/404|AURORA_POLICY_NOT_FOUND/);
    const lockout = path.join(dir, 'admin.cedar');
    writeFileSync(lockout, 'forbid (principal, action, resource);');
    expect((await refusal('put', lockout)).message).toMatch(/AURORA_POLICY_LOCKOUT/);
    expect((await refusal('rollback', 'admin', 'x')).message).toMatch(/not a version number/);
  });
});
