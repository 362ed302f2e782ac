import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { foreignCa, type HttpsAnswer, httpsCall, keyAndRequest, type TlsClient } from '../../testing/https-client.js';
import { ClusterCa } from './cluster-ca.js';

describe('mutual TLS on agent routes', () => {
  let dir: string;
  let server: TestServer;
  let ca: string;
  const call = (url: string, options: TlsClient & { body?: unknown; authorization?: string } = {}) =>
    httpsCall(`${server.url}${url}`, { ca, ...options });
  const heartbeat = (client: TlsClient & { authorization?: string }) =>
    call('/v1/agent/heartbeat', { ...client, body: { sentAt: server.clock.now(), facts: sampleFacts(), batches: [] } });
  const joinToken = async () =>
    (await call('/v1/tokens', { body: {}, authorization: server.admin.authorization })).body.token as string;
  const join = async (name: string) => {
    const { key, csr } = await keyAndRequest(name);
    const joined = await call('/v1/join', { body: { token: await joinToken(), name, facts: sampleFacts(), csr } });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    const issued = joined.body.certificate as {
      certificate: string;
      certificateExpiresAt: string;
      caCertificate: string;
    };
    return {
      key,
      cert: issued.certificate,
      issued,
      nodeId: joined.body.nodeId as string,
      credential: joined.body.credential as string,
    };
  };
  const refusedWith = (answer: HttpsAnswer, status: number, code: string) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body.code).toBe(code);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-mtls-'));
    server = await startTestServer({
      env: { AURORA_TLS: 'true', AURORA_KEY_FILE: path.join(dir, 'master.key'), AURORA_AGENT_CERT_TTL: '2h' },
    });
    ca = server.clusterCa.certificate;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exchanges a join token and a request for a short-lived client certificate of the node', async () => {
    const node = await join('m-1');
    const cert = new X509Certificate(node.cert);
    expect(cert.verify(new X509Certificate(ca).publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe(`URI:urn:aurora:node:${node.nodeId}`);
    expect(cert.subject).toContain('CN=m-1');
    const lifetime = Date.parse(cert.validTo) - Date.now();
    expect(lifetime).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(2 * 3_600_000);
    expect(node.issued.certificateExpiresAt).toBe(new Date(Date.parse(cert.validTo)).toISOString());
    expect(node.issued.caCertificate).toBe(ca);
    expect((await heartbeat({ cert: node.cert, key: node.key })).status).toBe(200);
  });

  it('refuses a join without a request or with a bad one, and does not spend the token', async () => {
    const token = await joinToken();
    const missing = await call('/v1/join', { body: { token, name: 'm-2', facts: sampleFacts() } });
    refusedWith(missing, 400, 'AURORA_VALIDATION_FAILED');
    expect(missing.body.detail).toMatch(/^csr: required/);
    const garbage = await call('/v1/join', { body: { token, name: 'm-2', facts: sampleFacts(), csr: 'hello' } });
    refusedWith(garbage, 400, 'AURORA_VALIDATION_FAILED');
    const { csr } = await keyAndRequest('m-2');
    // A request whose signature was made by another key proves nothing about the key it names.
    const tampered = csr.replace(/.{8}(-----END)/s, 'AAAAAAAA$1');
    const forged = await call('/v1/join', { body: { token, name: 'm-2', facts: sampleFacts(), csr: tampered } });
    expect(forged.status).toBe(400);
    const ok = await call('/v1/join', { body: { token, name: 'm-2', facts: sampleFacts(), csr } });
    expect(ok.status).toBe(201);
  });

  it('refuses agent routes without a client certificate, even with the node credential', async () => {
    const node = await join('m-3');
    const bearerOnly = await heartbeat({ authorization: `Bearer ${node.credential}` });
    refusedWith(bearerOnly, 401, 'AURORA_UNAUTHENTICATED');
    expect(bearerOnly.body.detail).toMatch(/mutual TLS/);
  });

  it('refuses a certificate from a foreign CA, even one naming a real node', async () => {
    const node = await join('m-4');
    const impostor = await (await foreignCa()).issue({ uri: [`urn:aurora:node:${node.nodeId}`] }, 'client');
    refusedWith(await heartbeat(impostor), 401, 'AURORA_CERTIFICATE_INVALID');
  });

  it('refuses an expired certificate from the cluster CA', async () => {
    const node = await join('m-5');
    const clusterCa = await ClusterCa.open(server.store, path.join(dir, 'master.key'), Date.now());
    const { key, csr } = await keyAndRequest('m-5');
    const expired = await clusterCa.issueNodeCertificate(
      csr,
      { id: node.nodeId, name: 'm-5' },
      Date.now() - 3 * 3_600_000,
      3_600_000,
    );
    const answer = await heartbeat({ cert: expired.certificate, key });
    refusedWith(answer, 401, 'AURORA_CERTIFICATE_INVALID');
    expect(answer.body.detail).toMatch(/expired/i);
  });

  it('renews over mutual TLS for a new key; the renewed certificate works, a deleted node is refused', async () => {
    const node = await join('m-6');
    const next = await keyAndRequest('m-6');
    refusedWith(await call('/v1/agent/certificate', { body: { csr: next.csr } }), 401, 'AURORA_UNAUTHENTICATED');
    const renewed = await call('/v1/agent/certificate', { cert: node.cert, key: node.key, body: { csr: next.csr } });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    const cert = renewed.body.certificate as string;
    expect(new X509Certificate(cert).subjectAltName).toBe(`URI:urn:aurora:node:${node.nodeId}`);
    expect(new X509Certificate(cert).serialNumber).not.toBe(new X509Certificate(node.cert).serialNumber);
    expect((await heartbeat({ cert, key: next.key })).status).toBe(200);
    // A certificate for another key than the one presented is useless: TLS proves possession of the key.
    await expect(heartbeat({ cert, key: node.key })).rejects.toThrow();

    const deleted = await call('/v1/nodes/m-6', { authorization: server.admin.authorization, body: undefined });
    expect(deleted.status).toBe(200);
    const del = await httpsCall(`${server.url}/v1/nodes/m-6`, {
      ca,
      method: 'DELETE',
      authorization: server.admin.authorization,
    });
    expect(del.status).toBe(204);
    refusedWith(await heartbeat({ cert, key: next.key }), 401, 'AURORA_CERTIFICATE_INVALID');
    refusedWith(await heartbeat({ cert: node.cert, key: node.key }), 401, 'AURORA_CERTIFICATE_INVALID');
  });
});
