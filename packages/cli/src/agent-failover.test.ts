import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningAgent, startAgent } from '@aurora/agent';
import { AuroraClient } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

const postgresUrl = process.env.AURORA_TEST_DATABASE_URL;
const ADMIN = 'agent-failover-admin-token-0123456789';

describe.runIf(!postgresUrl)('agent failover between replicas', () => {
  test.skip('skipped: needs PostgreSQL; set AURORA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test', () => {});
});

describe.runIf(postgresUrl)('agent failover between replicas on PostgreSQL', () => {
  const schemaName = `aurora_agent_failover_${randomBytes(6).toString('hex')}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-agent-failover-'));
  const replicas: RunningServer[] = [];
  let agent: RunningAgent | undefined;

  const startReplica = (i: number) =>
    startServer(
      compileConfig({
        env: { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'silent' },
        overrides: {
          host: '127.0.0.1',
          port: 0,
          databaseUrl: postgresUrl,
          dataDir: path.join(dir, `replica-${i}`),
          // Replicas of one control plane share the master key.
          keyFile: path.join(dir, 'master.key'),
        },
      }),
      { schemaName, consoleDir: path.join(dir, 'no-console') },
    );

  beforeAll(async () => {
    replicas.push(await startReplica(0), await startReplica(1), await startReplica(2));
  });
  let learner: RunningAgent | undefined;
  afterAll(async () => {
    await agent?.stop();
    await learner?.stop();
    for (const r of replicas) await r.stop();
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schemaName} cascade`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an agent given both replicas moves to the second when the first stops, and every batch it had acknowledged is stored once', async () => {
    const [first, second] = replicas as [RunningServer, RunningServer];
    const { token } = await new AuroraClient({ baseUrl: first.url, token: ADMIN }).createJoinToken({ uses: 1 });
    // One counter per collection, so what is stored can be checked value by value.
    let seq = 0;
    const startedAt = Date.now();
    agent = await startAgent({
      server: first.url,
      servers: [second.url],
      token,
      name: 'replicated',
      stateDir: path.join(dir, 'agent'),
      intervalMs: 200,
      logger: pino({ level: 'silent' }),
      metrics: { collect: async () => [{ ts: Date.now(), name: 'test.seq', value: ++seq }] },
    });
    const running = agent;
    await vi.waitFor(() => expect(running.stats().batchesAcknowledged).toBeGreaterThanOrEqual(5), { timeout: 30_000 });
    expect(running.stats().server).toBe(first.url);

    await first.stop();
    const ackedBefore = running.stats().batchesAcknowledged;
    await vi.waitFor(
      () => {
        expect(running.stats().server).toBe(second.url);
        expect(running.stats().batchesAcknowledged).toBeGreaterThanOrEqual(ackedBefore + 5);
      },
      { timeout: 30_000 },
    );
    await running.stop();
    const acknowledged = running.stats().batchesAcknowledged;

    const admin = new AuroraClient({ baseUrl: second.url, token: ADMIN });
    const res = await fetch(
      `${second.url}/v1/nodes/replicated/metrics?name=test.seq&from=${startedAt - 1_000}&to=${Date.now() + 1_000}&step=20`,
      {
        headers: { authorization: `Bearer ${ADMIN}` },
      },
    );
    expect(res.status).toBe(200);
    const { series } = (await res.json()) as { series: { points: [number, number][] }[] };
    const values = series.flatMap((s) => s.points.map(([, v]) => v));
    // Each collection is one batch: every acknowledged one is there, none twice (sent again, stored once).
    expect(new Set(values).size).toBe(values.length);
    expect(values.length).toBeGreaterThanOrEqual(acknowledged);
    expect(values.every((v) => Number.isInteger(v) && v >= 1 && v <= seq)).toBe(true);
    expect((await admin.getNode('replicated')).state).toBe('ready');
  }, 120_000);

  test('an agent given one replica learns the others from the join answer and later heartbeats, and moves to one when its own stops', async () => {
    const [, second, third] = replicas as [RunningServer, RunningServer, RunningServer];
    const { token } = await new AuroraClient({ baseUrl: second.url, token: ADMIN }).createJoinToken({ uses: 1 });
    learner = await startAgent({
      server: second.url,
      token,
      name: 'learner',
      stateDir: path.join(dir, 'learner'),
      intervalMs: 200,
      logger: pino({ level: 'silent' }),
      metrics: { collect: async () => [{ ts: Date.now(), name: 'test.n', value: 1 }] },
    });
    const running = learner;
    await vi.waitFor(() => expect(running.stats().batchesAcknowledged).toBeGreaterThanOrEqual(3), { timeout: 30_000 });
    // A replica started after the join is learned from heartbeat answers (replicas read the list every 10 s).
    const late = await startReplica(3);
    replicas.push(late);
    await vi.waitFor(
      async () => {
        const saved = JSON.parse(readFileSync(path.join(dir, 'learner', 'node-credential.json'), 'utf8'));
        expect(saved.servers).toContain(late.url);
      },
      { timeout: 40_000, interval: 200 },
    );
    await second.stop();
    const ackedBefore = running.stats().batchesAcknowledged;
    await vi.waitFor(
      () => {
        expect([third.url, late.url]).toContain(running.stats().server);
        expect(running.stats().batchesAcknowledged).toBeGreaterThanOrEqual(ackedBefore + 3);
      },
      { timeout: 30_000 },
    );
  }, 120_000);
});
