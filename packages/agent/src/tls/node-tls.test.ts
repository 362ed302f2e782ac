import { webcrypto } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writePrivateFile } from '../state/private-file.js';
import { loadNodeCertificate, renewAt, saveNodeCertificate, TLS_FILES } from './node-tls.js';
import { EC_ALGORITHM, x509 } from './x509.js';

/** A key and a self-signed certificate for it: enough to tell which key a certificate belongs to. */
async function pair(
  name: string,
  validity = { fromMs: Date.now() - 60_000, toMs: Date.now() + 3_600_000 },
): Promise<{ key: string; cert: string }> {
  const keys = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    notBefore: new Date(validity.fromMs),
    notAfter: new Date(validity.toMs),
    keys,
    signingAlgorithm: EC_ALGORITHM,
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`;
  return { key, cert: cert.toString('pem') };
}

const dirs: string[] = [];
async function stateDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aurora-node-tls-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('the node key and certificate on disk', () => {
  it('are stored as a pair, the key readable by the owner only, with nothing left pending', async () => {
    const dir = await stateDir();
    const first = await pair('node-a');
    await saveNodeCertificate(dir, first.key, first.cert);
    expect(await loadNodeCertificate(dir)).toEqual(first);
    const renewed = await pair('node-a');
    await saveNodeCertificate(dir, renewed.key, renewed.cert);
    expect(await loadNodeCertificate(dir)).toEqual(renewed);
    expect((await stat(path.join(dir, TLS_FILES.key))).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual([TLS_FILES.certificate, TLS_FILES.key].sort());
  });

  it('a renewal cut off before its certificate was written keeps the old pair', async () => {
    const dir = await stateDir();
    const old = await pair('node-a');
    await saveNodeCertificate(dir, old.key, old.cert);
    // The crash came after the new key's pending file and before the certificate.
    await writePrivateFile(path.join(dir, `${TLS_FILES.key}.pending`), (await pair('node-a')).key);
    expect(await loadNodeCertificate(dir)).toEqual(old);
  });

  it('a renewal cut off after its certificate was written is finished with the pending key', async () => {
    const dir = await stateDir();
    const old = await pair('node-a');
    await saveNodeCertificate(dir, old.key, old.cert);
    const renewed = await pair('node-a');
    // The crash came after the certificate and before the pending key's rename.
    await writePrivateFile(path.join(dir, `${TLS_FILES.key}.pending`), renewed.key);
    await writePrivateFile(path.join(dir, TLS_FILES.certificate), renewed.cert);
    expect(await loadNodeCertificate(dir)).toEqual(renewed);
    expect(await readFile(path.join(dir, TLS_FILES.key), 'utf8')).toBe(renewed.key);
    expect(await readdir(dir)).not.toContain(`${TLS_FILES.key}.pending`);
  });

  it('a node that never joined over HTTPS has no certificate', async () => {
    expect(await loadNodeCertificate(await stateDir())).toBeUndefined();
  });
});

describe('when a certificate is renewed', () => {
  it('at two thirds of its lifetime from when the node got it, not from a notBefore backdated for skew', async () => {
    // As the cluster CA issues one: notBefore five minutes back, a 12 s lifetime from now.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const { cert } = await pair('node-a', { fromMs: now - 5 * 60_000, toMs: now + 12_000 });
    const got = renewAt(cert, now);
    expect(got.notAfterMs).toBe(now + 12_000);
    expect(got.renewAtMs).toBe(now + 8_000);
    // Counted from the backdated notBefore, two thirds of the lifetime had already passed.
    expect(renewAt(cert).renewAtMs).toBeLessThan(now);
  });
});
