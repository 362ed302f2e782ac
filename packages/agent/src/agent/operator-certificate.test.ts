import { webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type RunningAgent, startAgent } from '../index.js';
import { captureLogs } from '../testing/log-capture.js';
import { EC_ALGORITHM, x509 } from '../tls/x509.js';

const ADMIN_TOKEN = 'agent-operator-cert-admin-token-0123';
let dir: string;
let server: RunningServer;
let agent: RunningAgent | undefined;
let operatorCa: string;

function pem(label: string, der: ArrayBuffer): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64')}\n-----END ${label}-----\n`;
}

/** The operator's own CA and a server certificate from it for 127.0.0.1, as a company PKI would issue. */
async function operatorPki(): Promise<{ ca: string; cert: string; key: string }> {
  const caKeys = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: ['Operator CA'] }],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    keys: caKeys,
    signingAlgorithm: EC_ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  const leaf = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: [{ CN: ['aurora'] }],
    issuer: ca.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    publicKey: leaf.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: EC_ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  return {
    ca: ca.toString('pem'),
    cert: cert.toString('pem'),
    key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', leaf.privateKey)),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-opcert-'));
  const pki = await operatorPki();
  operatorCa = pki.ca;
  await writeFile(path.join(dir, 'tls.crt'), pki.cert);
  await writeFile(path.join(dir, 'tls.key'), pki.key);
  const config = compileConfig({
    env: { AURORA_ADMIN_TOKEN: ADMIN_TOKEN, AURORA_LOG_LEVEL: 'silent' },
    overrides: {
      host: '127.0.0.1',
      port: 0,
      dataDir: path.join(dir, 'data'),
      tlsCertFile: path.join(dir, 'tls.crt'),
      tlsKeyFile: path.join(dir, 'tls.key'),
    },
  });
  server = await startServer(config, { consoleDir: path.join(dir, 'no-console') });
});
afterAll(async () => {
  await agent?.stop();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

it("joins a control plane serving the operator's certificate when given the operator's CA, with a client certificate from the cluster CA", async () => {
  const dispatcher = new Agent({ connect: { ca: operatorCa } });
  const admin = new AuroraClient({
    baseUrl: server.url,
    token: ADMIN_TOKEN,
    fetch: ((input: string, init: RequestInit) =>
      undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch,
  });
  const { token } = await admin.createJoinToken({ uses: 1 });
  agent = await startAgent({
    server: server.url,
    token,
    caHash: server.clusterCa.fingerprint,
    serverCa: operatorCa,
    stateDir: path.join(dir, 'agent'),
    name: 'opcert-node',
    intervalMs: 250,
    logger: captureLogs().logger,
  });
  await vi.waitFor(async () => expect((await admin.getNode('opcert-node')).state).toBe('ready'), {
    timeout: 20_000,
    interval: 100,
  });
  expect(agent.stats().consecutiveFailures).toBe(0);
});

it("stops at once, naming --server-ca, when the operator's certificate is not trusted", async () => {
  await expect(
    startAgent({
      server: server.url,
      token: 'not-sent-anyway',
      caHash: server.clusterCa.fingerprint,
      stateDir: path.join(dir, 'untrusting'),
      name: 'untrusting',
      logger: captureLogs().logger,
    }),
  ).rejects.toThrow(/is not trusted \(.*\).*--server-ca FILE/);
});
