import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { foreignCa, httpsCall } from '../../testing/https-client.js';
import { KeyFileError } from '../audit/keys.js';
import { ClusterCa } from './cluster-ca.js';

/** The certificate the server presents on its port, as the TLS handshake shows it. */
function servedCertificate(port: number): Promise<{ subjectaltname: string | undefined; issuerRaw: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const peer = socket.getPeerCertificate(true);
      resolve({ subjectaltname: peer.subjectaltname, issuerRaw: peer.issuerCertificate.raw });
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('cluster CA', () => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-ca-'));
    server = await startTestServer({ env: { AURORA_KEY_FILE: path.join(dir, 'master.key') } });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is made at first start, kept across restarts, its key encrypted in the store', async () => {
    const first = server.clusterCa;
    expect(first.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const der = new X509Certificate(first.certificate).raw;
    expect(first.fingerprint).toBe(`sha256:${createHash('sha256').update(der).digest('hex')}`);
    expect(new X509Certificate(first.certificate).ca).toBe(true);
    const stored = JSON.parse((await server.store.settings.get('cluster_ca')) as string) as Record<string, string>;
    expect(Object.keys(stored).sort()).toEqual(['certificate', 'ciphertext', 'iv', 'tag']);
    expect(JSON.stringify(stored)).not.toContain('PRIVATE KEY');
    server = await server.restart();
    expect(server.clusterCa.fingerprint).toBe(first.fingerprint);
  });

  it('opens only with the key file it was made under, and refuses a certificate swapped in the store', async () => {
    const other = path.join(dir, 'other.key');
    writeFileSync(other, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    await expect(ClusterCa.open(server.store, other, Date.now())).rejects.toThrow(KeyFileError);
    await expect(ClusterCa.open(server.store, other, Date.now())).rejects.toThrow(
      /does not decrypt the cluster CA key/,
    );
    const key = path.join(dir, 'master.key');
    const original = (await server.store.settings.get('cluster_ca')) as string;
    const record = JSON.parse(original) as Record<string, string>;
    await server.store.settings.set(
      'cluster_ca',
      JSON.stringify({ ...record, certificate: (await foreignCa()).certificate }),
    );
    await expect(ClusterCa.open(server.store, key, Date.now())).rejects.toThrow(/does not match its encrypted key/);
    await server.store.settings.set('cluster_ca', original);
    expect((await ClusterCa.open(server.store, key, Date.now())).fingerprint).toBe(server.clusterCa.fingerprint);
  });
});

describe('HTTPS with a certificate from the cluster CA', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { AURORA_TLS: 'true', AURORA_TLS_SANS: 'aurora.example.test,10.9.8.7' } });
  });
  afterAll(async () => server?.close());

  it("serves HTTPS that verifies against the cluster CA, naming loopback, this machine's hostname and the configured names", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tls).toEqual({ source: 'cluster-ca' });
    const ok = await httpsCall(`${server.url}/healthz`, { ca: server.clusterCa.certificate });
    expect(ok.status).toBe(200);
    await expect(httpsCall(`${server.url}/healthz`, {})).rejects.toThrow(/self.signed|unable to verify|issuer/i);
    const served = await servedCertificate(server.port);
    const names = [
      'DNS:localhost',
      'IP Address:127.0.0.1',
      `DNS:${os.hostname()}`,
      'DNS:aurora.example.test',
      'IP Address:10.9.8.7',
    ];
    for (const name of names) {
      expect(served.subjectaltname).toContain(name);
    }
    expect(served.issuerRaw.equals(new X509Certificate(server.clusterCa.certificate).raw)).toBe(true);
  });

  it('publishes the CA and its fingerprint without credentials, and people still reach the API without a client certificate', async () => {
    const ca = await httpsCall(`${server.url}/v1/cluster/ca`, { ca: server.clusterCa.certificate });
    expect(ca.status).toBe(200);
    expect(ca.body).toEqual({
      certificate: server.clusterCa.certificate,
      fingerprint: server.clusterCa.fingerprint,
      tls: true,
    });
    const nodes = await httpsCall(`${server.url}/v1/nodes`, {
      ca: server.clusterCa.certificate,
      authorization: server.admin.authorization,
    });
    expect(nodes.status).toBe(200);
  });
});

describe("HTTPS with the operator's certificate", () => {
  let dir: string;
  let server: TestServer;
  let operatorCa: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-tls-'));
    const ca = await foreignCa();
    operatorCa = ca.certificate;
    const leaf = await ca.issue({ ip: ['127.0.0.1'] }, 'server');
    writeFileSync(path.join(dir, 'server.crt'), leaf.cert);
    writeFileSync(path.join(dir, 'server.key'), leaf.key);
    server = await startTestServer({
      env: { AURORA_TLS_CERT: path.join(dir, 'server.crt'), AURORA_TLS_KEY: path.join(dir, 'server.key') },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the given certificate, and still publishes the cluster CA that signs client certificates', async () => {
    expect(server.tls).toEqual({ source: 'operator' });
    expect((await httpsCall(`${server.url}/healthz`, { ca: operatorCa })).status).toBe(200);
    await expect(httpsCall(`${server.url}/healthz`, { ca: server.clusterCa.certificate })).rejects.toThrow();
    const ca = await httpsCall(`${server.url}/v1/cluster/ca`, { ca: operatorCa });
    expect(ca.body.fingerprint).toBe(server.clusterCa.fingerprint);
  });
});
