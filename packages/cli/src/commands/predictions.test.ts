/**
 * `aurora predictions` against a real control plane in this process, over real HTTP on an
 * ephemeral port, with a disk filling through the agent heartbeat route.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient, type MetricSample } from '@aurora/sdk';
import { compileConfig, ManualClock, type RunningServer, startServer } from '@aurora/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CliError } from '../cli-error.js';
import { probeFacts } from '../testing/probe-facts.js';
import { runPredictions } from './predictions.js';

const ADMIN = 'predictions-admin-token-0123456789';
const HOUR = 3_600_000;

describe('aurora predictions', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-predictions-'));
  const clock = new ManualClock(Date.now());
  let server: RunningServer;
  let connection: string[];

  beforeAll(async () => {
    server = await startServer(
      compileConfig({
        env: { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'silent' },
        overrides: { port: 0, dataDir: path.join(dir, 'data') },
      }),
      { manualControllers: true, consoleDir: path.join(dir, 'no-console'), clock },
    );
    connection = ['--server', server.url, '--token', ADMIN];
    const admin = new AuroraClient({ baseUrl: server.url, token: ADMIN });
    const { token } = await admin.createJoinToken({});
    const facts = probeFacts('db-1');
    const joined = await admin.join({ token, name: 'db-1', facts });
    // A day of a /data disk filling 2 %/h to 88 % (6 h left), every 5 minutes.
    const samples: MetricSample[] = [];
    const now = clock.now();
    for (let t = now - 24 * HOUR; t < now; t += 300_000) {
      const value = 88 - ((now - t) / HOUR) * 2 + 0.2 * Math.sin(t / 1e6);
      samples.push({ ts: t, name: 'disk.used_pct', value, labels: { mount: '/data' } });
    }
    await admin.heartbeat(joined.credential, { sentAt: now, facts, batches: [{ id: 'disk-history-1', samples }] });
    await server.forecasting.controller.refresh();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('lists open predictions with their sentence and the hit rate', async () => {
    const lines = (await runPredictions(connection, {})).split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+RULE\s+EXPECTED\s+CLOSED\s+PREDICTION$/);
    expect(lines[1]).toMatch(
      /^open\s+disk\s+in [5-7]h\s+-\s+disk \/data on db-1 full in about [5-7](\.\d)? h \(80 % interval/,
    );
    expect(lines.at(-1)).toBe('Hit rate: no prediction closed yet.');
    expect(await runPredictions([...connection, '--node', 'other'], {})).toBe(
      'Nothing is expected to fill up, saturate or leak.\nHit rate: no prediction closed yet.',
    );
    const json = JSON.parse(await runPredictions([...connection, '--json'], {}));
    expect(json.items[0].subject).toBe('disk /data on db-1');
  });

  test('refuses an unknown status or limit, naming the flag', async () => {
    await expect(runPredictions([...connection, '--status', 'maybe'], {})).rejects.toThrow(CliError);
    await expect(runPredictions([...connection, '--limit', '0'], {})).rejects.toThrow(/--limit 0/);
  });
});
