/**
 * `aurora node NAME history` against a real control plane in this process,
 * over real HTTP on an ephemeral port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatHelp } from '../args.js';
import { CliError } from '../cli-error.js';
import { probeFacts } from '../testing/probe-facts.js';
import { nodeCommand, runNode } from './node.js';
import { runNodes } from './nodes.js';
import { runToken } from './token.js';

const ADMIN = 'node-history-admin-token-0123456789';
const facts = probeFacts('history-probe');

describe('aurora node NAME history', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-node-history-'));
  let server: RunningServer;
  let connection: string[];
  const env = {};

  beforeAll(async () => {
    server = await startServer(
      compileConfig({
        env: { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'silent' },
        overrides: { port: 0, dataDir: path.join(dir, 'data') },
      }),
      { manualControllers: true, consoleDir: path.join(dir, 'no-console') },
    );
    connection = ['--server', server.url, '--token', ADMIN];
    const admin = new AuroraClient({ baseUrl: server.url, token: ADMIN });
    const { token } = await admin.createJoinToken({ uses: 2 });
    const joined = await admin.join({ token, name: 'web-1', facts });
    await admin.heartbeat(joined.credential, { sentAt: Date.now(), facts, batches: [] });
    await admin.cordonNode('web-1');
    await admin.uncordonNode('web-1');
    await admin.join({ token, name: 'idle-1', facts });
    const { token: third } = await admin.createJoinToken({ uses: 2, description: 'for\u001b]0;owned\u0007 odd' });
    await admin.join({
      token: third,
      name: 'odd-1',
      facts: { ...probeFacts('host\u001b[2J\u0007\u202eevil'), labels: { role: 'a\u001b[31mred' }, zone: 'z\u202eone' },
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('prints the stored state changes newest first, with their reasons', async () => {
    const lines = (await runNode(['web-1', 'history', ...connection], env)).split('\n');
    expect(lines[0]).toMatch(/^AT\s+FROM\s+TO\s+REASON$/);
    const fromTo = (line: string) =>
      line
        .split(/\s{3,}/)
        .slice(1, 3)
        .join('>');
    expect(lines.slice(1).map(fromTo)).toEqual(['cordoned>ready', 'ready>cordoned', 'joining>ready']);
    expect(lines[2]).toContain('cordoned by an operator');
  });

  test('--limit shows the latest changes and says that older ones exist', async () => {
    const out = await runNode(['web-1', 'history', '--limit', '1', ...connection], env);
    expect(out.split('\n')).toHaveLength(3);
    expect(out).toMatch(/cordoned\s+ready/);
    expect(out).toContain('older changes not shown');
  });

  test('--json prints the API page', async () => {
    const page = JSON.parse(await runNode(['web-1', 'history', '--json', ...connection], env));
    expect(page.next).toBeNull();
    expect(page.items.map((t: { to: string }) => t.to)).toEqual(['ready', 'cordoned', 'ready']);
  });

  test('a node that never changed state says so', async () => {
    expect(await runNode(['idle-1', 'history', ...connection], env)).toBe(
      'Node idle-1 has not changed state since it joined.',
    );
  });

  test('an unknown node or a bad limit is a one-line error with a hint', async () => {
    await expect(runNode(['nope', 'history', ...connection], env)).rejects.toThrow(/AURORA_NODE_NOT_FOUND/);
    for (const limit of ['0', '1001', 'ten']) {
      await expect(runNode(['web-1', 'history', '--limit', limit, ...connection], env)).rejects.toThrow(CliError);
    }
    await expect(runNode(['web-1', 'cordon', '--limit', '5', ...connection], env)).rejects.toThrow(
      /history and actions only/,
    );
  });

  test("traffic sets the share of its backends' weight a node keeps, shows it, and 1 restores it", async () => {
    expect(await runNode(['web-1', 'traffic', '0.25', ...connection], env)).toBe(
      "node web-1 keeps 25 % of its backends' weight (no service has a backend on it yet)",
    );
    expect(await runNode(['web-1', ...connection], env)).toContain(
      "Traffic share:   25 % of its service backends' weight",
    );
    expect(JSON.parse(await runNode(['web-1', 'traffic', '1', '--json', ...connection], env))).toEqual({
      node: 'web-1',
      share: 1,
      services: [],
    });
    expect(await runNode(['web-1', ...connection], env)).not.toContain('Traffic share');
    for (const bad of [[], ['0'], ['0.001'], ['2'], ['half']]) {
      await expect(runNode(['web-1', 'traffic', ...bad, ...connection], env)).rejects.toThrow(/from 0.01 to 1/);
    }
    await expect(runNode(['web-1', 'cordon', '0.5', ...connection], env)).rejects.toThrow(/unexpected "0.5"/);
  });

  test('node-supplied text reaches the terminal with control and bidirectional characters escaped', async () => {
    const outputs = [
      await runNodes([...connection], env),
      await runNode(['odd-1', ...connection], env),
      await runToken(['list', ...connection], env),
    ];
    const raw = [...outputs.join('')].filter((c) => c !== '\n' && /\p{Cc}|\p{Cf}/u.test(c));
    expect(raw).toEqual([]);
    expect(outputs[0]).toContain('role=a\\x1b[31mred');
    expect(outputs[0]).toContain('z\\u202eone');
    expect(outputs[1]).toContain('host\\x1b[2J\\x07\\u202eevil');
    expect(outputs[2]).toContain('for\\x1b]0;owned\\x07 odd');
  });

  test('token create prints the join command with the URL it reached, and says when that URL is this machine only', async () => {
    const out = await runToken(['create', ...connection], env);
    const token = out.split('\n')[0] as string;
    expect(out).toContain(`aurora agent --server ${server.url} --token ${token}`);
    expect(out).toContain('is this machine only');
    expect(out).not.toContain("this server's URL");
  });

  test('aurora nodes reads the server a page at a time: --limit, --sort, --desc and --name', async () => {
    const all = await runNodes([...connection, '--json'], env);
    const names = (JSON.parse(all) as { items: { name: string }[]; total: number }).items.map((n) => n.name);
    expect(names).toEqual([...names].sort());
    expect(JSON.parse(all).total).toBe(names.length);
    const one = await runNodes([...connection, '--limit', '1', '--desc'], env);
    expect(one).toContain(names.at(-1)!);
    expect(one).toContain(`1 of ${names.length} nodes shown`);
    const byName = JSON.parse(await runNodes([...connection, '--name', 'IDLE', '--json'], env));
    expect(byName.items.map((n: { name: string }) => n.name)).toEqual(['idle-1']);
    expect(await runNodes([...connection, '--name', 'nothing-like-it'], env)).toBe('No nodes match.');
    await expect(runNodes([...connection, '--sort', 'facts'], env)).rejects.toThrow(/--sort facts: unknown sort key/);
    await expect(runNodes([...connection, '--limit', '0'], env)).rejects.toThrow(/--limit 0/);
  });

  test("actions lists what was queued for the node's agent, with status and result", async () => {
    expect(await runNode(['idle-1', 'actions', ...connection], env)).toBe('No actions were queued for node idle-1.');
    const admin = new AuroraClient({ baseUrl: server.url, token: ADMIN });
    await admin.queueNodeAction('web-1', { kind: 'rotate-logs', params: { log: 'app' }, id: 'cli-rotate-0001' });
    const lines = (await runNode(['web-1', 'actions', ...connection], env)).split('\n');
    expect(lines[0]).toMatch(/^CREATED\s+KIND\s+PARAMS\s+STATUS\s+RESULT$/);
    expect(lines[1]).toMatch(/rotate-logs\s+\{"log":"app"\}\s+pending/);
    const json = JSON.parse(await runNode(['web-1', 'actions', '--json', ...connection], env));
    expect(json.items[0]).toMatchObject({ id: 'cli-rotate-0001', status: 'pending' });
  });

  test('--help names the history action and its flag', () => {
    const help = formatHelp(nodeCommand);
    expect(help).toContain('history');
    expect(help).toContain('--limit <n>');
  });
});
