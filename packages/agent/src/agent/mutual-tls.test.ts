import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningAgent, startAgent } from '../index.js';
import { captureLogs } from '../testing/log-capture.js';
import { TLS_FILES } from '../tls/node-tls.js';

const ADMIN_TOKEN = 'agent-tls-admin-token-0123456789';
/** The shortest lifetime the server accepts, so a renewal (at two thirds) and the first certificate's end fit in a test. */
const CERT_TTL_S = 12;

let dataDir: string;
let server: RunningServer;
let admin: AuroraClient;
const agents: RunningAgent[] = [];
const dirs: string[] = [];

const eventually = <T>(check: () => Promise<T>, timeout = 20_000) => vi.waitFor(check, { timeout, interval: 100 });

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-tls-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-tls-server-'));
  const config = compileConfig({
    env: {
      AURORA_ADMIN_TOKEN: ADMIN_TOKEN,
      AURORA_LOG_LEVEL: 'silent',
      AURORA_TLS: 'true',
      AURORA_AGENT_CERT_TTL: `${CERT_TTL_S}s`,
    },
    overrides: { host: '127.0.0.1', port: 0, dataDir },
  });
  server = await startServer(config, { consoleDir: path.join(dataDir, 'no-console') });
  const dispatcher = new Agent({ connect: { ca: server.clusterCa.certificate } });
  admin = new AuroraClient({
    baseUrl: server.url,
    token: ADMIN_TOKEN,
    fetch: ((input: string, init: RequestInit) =>
      undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch,
  });
});
afterAll(async () => {
  for (const agent of agents) await agent.stop();
  await server?.stop();
  for (const dir of [dataDir, ...dirs]) await rm(dir, { recursive: true, force: true });
});

describe('the agent over mutual TLS against the real control plane', () => {
  it('pins the CA, joins with its own key, heartbeats with its certificate and renews it before it expires', async () => {
    expect(server.url).toMatch(/^https:/);
    const dir = await stateDir();
    const { token } = await admin.createJoinToken({ uses: 1 });
    const agent = await startAgent({
      server: server.url,
      token,
      caHash: server.clusterCa.fingerprint,
      stateDir: dir,
      name: 'tls-node',
      intervalMs: 250,
      logger: captureLogs().logger,
    });
    agents.push(agent);
    await eventually(async () => expect((await admin.getNode('tls-node')).state).toBe('ready'));

    const keyFile = path.join(dir, TLS_FILES.key);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    // The certificate is for the key the node made and kept. A renewal (every 8 s here) may land
    // between reading the two files, so the pair is read again until both come from one save.
    let first!: X509Certificate;
    let key = '';
    await eventually(async () => {
      first = new X509Certificate(await readFile(path.join(dir, TLS_FILES.certificate), 'utf8'));
      key = await readFile(keyFile, 'utf8');
      expect(first.checkPrivateKey(createPrivateKey(key))).toBe(true);
    });
    expect(first.checkIssued(new X509Certificate(server.clusterCa.certificate))).toBe(true);
    expect(await readFile(path.join(dir, TLS_FILES.ca), 'utf8')).toBe(server.clusterCa.certificate);

    // Renewed at two thirds of the lifetime, for a new key; heartbeats go on past the first certificate's end.
    await eventually(async () => {
      const now = new X509Certificate(await readFile(path.join(dir, TLS_FILES.certificate), 'utf8'));
      expect(now.serialNumber).not.toBe(first.serialNumber);
    }, CERT_TTL_S * 1000);
    expect(await readFile(keyFile, 'utf8')).not.toBe(key);
    const firstEnds = Date.parse(first.validTo);
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(firstEnds + 1_000), { timeout: CERT_TTL_S * 1000 });
    const sentBefore = agent.stats().heartbeatsSent;
    await eventually(async () => expect(agent.stats().heartbeatsSent).toBeGreaterThan(sentBefore + 2));
    expect(agent.stats().consecutiveFailures).toBe(0);
    expect((await admin.getNode('tls-node')).state).toBe('ready');
  });

  it('refuses to talk to a control plane whose CA is not the pinned one, before sending the token', async () => {
    const created = await admin.createJoinToken({ uses: 1 });
    const token = created.token;
    const wrong = `sha256:${'0'.repeat(64)}`;
    await expect(
      startAgent({
        server: server.url,
        token,
        caHash: wrong,
        stateDir: await stateDir(),
        name: 'pinned-wrong',
        logger: captureLogs().logger,
      }),
    ).rejects.toThrow(/is sha256:[0-9a-f]{64}, not the pinned sha256:0{64}/);
    // The token was never presented, so it still works.
    const tokens = await admin.listJoinTokens();
    expect(tokens.items.find((t) => t.id === created.id)?.usesRemaining).toBe(1);
    await expect(admin.getNode('pinned-wrong')).rejects.toThrow();
  });

  it('asks for the CA fingerprint when it has none to trust', async () => {
    const { token } = await admin.createJoinToken({ uses: 1 });
    await expect(
      startAgent({
        server: server.url,
        token,
        stateDir: await stateDir(),
        name: 'no-pin',
        logger: captureLogs().logger,
      }),
    ).rejects.toThrow(/--ca-hash sha256:/);
  });
});
