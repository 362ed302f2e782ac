import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HeartbeatResponse, NodeFacts } from '@aurora/sdk';
import { ManualClock } from '../platform/clock.js';
import { compileConfig } from '../platform/config/index.js';
import { type RunningServer, startServer } from '../server.js';
import type { TestEngine } from './engines.js';

/** The admin token test servers are seeded with. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A server on 127.0.0.1:0 with a throw-away store, a manual clock and controllers driven by hand. */
export interface TestServer extends RunningServer {
  clock: ManualClock;
  admin: { authorization: string };
  /** Stops the server and deletes its data. */
  close(): Promise<void>;
  /**
   * Stops the server but keeps its data, then starts another on the same store, clock and port: a restart of
   * the control plane. `whileStopped` runs in between (e.g. to move the clock). Close the returned server.
   */
  restart(whileStopped?: () => void | Promise<void>): Promise<TestServer>;
}

/** Starts a test server on PGlite (default) or the given engine. */
export async function startTestServer(
  options: { engine?: TestEngine; env?: Record<string, string>; consoleDir?: string; clock?: ManualClock } = {},
): Promise<TestServer> {
  const clock = options.clock ?? new ManualClock();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-server-'));
  let cleanup = async () => {};
  let overrides: Record<string, unknown> = { dataDir };
  let schemaName: string | undefined;
  if (options.engine && options.engine.name === 'postgres') {
    const fresh = await options.engine.fresh();
    cleanup = fresh.cleanup;
    overrides = { databaseUrl: fresh.options.databaseUrl };
    schemaName = fresh.options.schemaName;
  }
  const env = {
    AURORA_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    AURORA_LOG_LEVEL: 'silent',
    AURORA_INGEST_FLUSH_MS: '2',
    // Most tests send many requests from one address; the throttling tests set their own limits.
    AURORA_AUTH_FAILURES_PER_IP: '1000000',
    AURORA_RATE_LIMIT_MAX: '100000000',
    ...options.env,
  };
  const start = (port: number) =>
    startServer(compileConfig({ env, overrides: { ...overrides, port } }), {
      clock,
      manualControllers: true,
      consoleDir: options.consoleDir ?? path.join(dataDir, 'no-console'),
      ...(schemaName ? { schemaName } : {}),
    });
  const wrap = (server: RunningServer): TestServer => ({
    ...server,
    clock,
    admin: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await cleanup();
    },
    async restart(whileStopped) {
      await server.stop();
      await whileStopped?.();
      return wrap(await start(server.port));
    },
  });
  return wrap(await start(0));
}

/** Facts as an agent would report them. */
export function sampleFacts(overrides: Partial<NodeFacts> = {}): NodeFacts {
  return {
    hostname: 'web-1',
    os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0' },
    arch: 'x64',
    cpus: { count: 4, model: 'Test CPU' },
    memoryBytes: 8 * 1024 ** 3,
    disks: [{ mount: '/', fs: 'ext4', sizeBytes: 100 * 1024 ** 3 }],
    addresses: ['10.0.0.5'],
    labels: { role: 'web' },
    agentVersion: '0.1.0',
    ...overrides,
  };
}

/** Creates a join token and joins a node; returns its credential. */
export async function joinNode(
  server: TestServer,
  name: string,
  facts = sampleFacts(),
): Promise<{ credential: string; nodeId: string }> {
  const created = await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: server.admin, payload: {} });
  if (created.statusCode !== 201) throw new Error(`token create failed: ${created.body}`);
  const joined = await server.app.inject({
    method: 'POST',
    url: '/v1/join',
    payload: { token: created.json().token, name, facts },
  });
  if (joined.statusCode !== 201) throw new Error(`join failed: ${joined.body}`);
  return joined.json();
}

/** Sends one heartbeat with the sample facts and no samples; throws unless it is accepted. */
export async function sendHeartbeat(server: TestServer, credential: string): Promise<HeartbeatResponse> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/v1/agent/heartbeat',
    headers: { authorization: `Bearer ${credential}` },
    payload: { sentAt: server.clock.now(), facts: sampleFacts(), batches: [] },
  });
  if (res.statusCode !== 200) throw new Error(`heartbeat answered ${res.statusCode}: ${res.body}`);
  return res.json();
}
