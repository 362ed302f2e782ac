import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileConfig } from './platform/config/index.js';
import { StoreLockedError } from './platform/store/index.js';
import { startServer } from './server.js';
import { testEngines } from './testing/engines.js';
import { sampleFacts, startTestServer, type TestServer } from './testing/harness.js';

describe('startServer on the embedded store', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-start-'));
  const config = compileConfig({ env: { AURORA_LOG_LEVEL: 'silent' }, overrides: { port: 0, dataDir } });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates an admin token on first start only, and a second server on the same data dir refuses', async () => {
    const first = await startServer(config, { manualControllers: true });
    let restarted: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      expect(first.adminToken).toMatch(/^aurora-admin\./);
      const client = new AuroraClient({ baseUrl: first.url, token: first.adminToken });
      expect((await client.clusterSummary()).store).toBe('pglite');
      await expect(startServer(config)).rejects.toThrow(StoreLockedError);
      await expect(startServer(config)).rejects.toThrow(/in use by process \d+; stop that server first/);
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      await first.stop();
      restarted = await startServer(config, { manualControllers: true });
      expect(restarted.adminToken).toBeUndefined();
      const again = new AuroraClient({ baseUrl: restarted.url, token: first.adminToken });
      expect((await again.listNodes()).items).toEqual([]);
    } finally {
      await first.stop();
      await restarted?.stop();
    }
  });
});

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`the SDK against a server on ${engine.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ engine });
    });
    afterAll(async () => server?.close());

    it('joins, heartbeats, lists, cordons, queries metrics and deletes through the SDK over real HTTP', async () => {
      const admin = new AuroraClient({ baseUrl: server.url, token: server.admin.authorization.slice(7) });
      const created = await admin.createJoinToken({ uses: 2, description: 'sdk test' });
      expect((await admin.listJoinTokens()).items.map((t) => t.id)).toContain(created.id);
      const agent = new AuroraClient({ baseUrl: server.url });
      const joined = await agent.join({ token: created.token, name: 'sdk-1', facts: sampleFacts() });
      const now = server.clock.now();
      const hb = await agent.heartbeat(joined.credential, {
        sentAt: now,
        facts: sampleFacts(),
        batches: [{ id: 'batch-sdk-0001', samples: [{ ts: now - 500, name: 'cpu.usage_pct', value: 12 }] }],
      });
      expect(hb).toMatchObject({ acknowledged: ['batch-sdk-0001'], state: 'ready' });
      expect((await admin.listNodes({ state: 'ready', labels: { role: 'web' } })).items.map((n) => n.name)).toEqual([
        'sdk-1',
      ]);
      expect((await admin.cordonNode('sdk-1')).state).toBe('cordoned');
      const range = await admin.nodeMetrics('sdk-1', {
        name: 'cpu.usage_pct',
        from: now - 60_000,
        to: now,
        step: '10s',
      });
      expect(range.series[0]?.points.map((p) => p[1])).toEqual([12]);
      const query = await admin.queryRange({
        match: 'cpu_usage_pct{node="sdk-1"}',
        from: String(now - 60_000),
        step: '10s',
      });
      expect(query.series.map((s) => [s.name, s.labels, s.points.length])).toEqual([
        ['cpu_usage_pct', { node: 'sdk-1' }, 1],
      ]);
      expect((await admin.clusterSummary()).store).toBe(engine.name);
      await admin.deleteNode('sdk-1');
      await expect(admin.getNode('sdk-1')).rejects.toMatchObject({ status: 404, code: 'AURORA_NODE_NOT_FOUND' });
      await admin.revokeJoinToken(created.id);
      await expect(agent.join({ token: created.token, name: 'sdk-2', facts: sampleFacts() })).rejects.toMatchObject({
        status: 401,
        code: 'AURORA_TOKEN_INVALID',
      });
    });
  });
}
