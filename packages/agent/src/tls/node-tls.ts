/**
 * The node's side of mutual TLS: its own key (made here, never sent), the
 * client certificate the cluster CA issued for it, and the cluster CA the
 * agent trusts, all in the state directory. The CA is pinned: fetched once
 * from the control plane and kept only if its fingerprint is the one the join
 * command carried (as kubeadm's --discovery-token-ca-cert-hash).
 */
import { createHash, createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { baseUrl } from '../http/base-url.js';
import { writePrivateFile } from '../state/private-file.js';
import { EC_ALGORITHM, x509 } from './x509.js';

/** Files of the node's TLS identity inside the state directory. */
export const TLS_FILES = { key: 'node-key.pem', certificate: 'node-cert.pem', ca: 'cluster-ca.pem' } as const;

/** What the agent's connections present and trust. */
export interface NodeTls {
  /** PEM of the cluster CA. */
  ca: string;
  /** PEM client certificate and its key, once the node has joined. */
  cert?: string;
  key?: string;
}

/** A fresh key pair and a request for it; the private key stays in this process until written with mode 0600. */
export interface KeyRequest {
  key: string;
  csr: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;
}

/** `sha256:<hex>` of a PEM certificate's DER, the form `aurora token create` prints. */
export function fingerprintOf(certificatePem: string): string {
  return `sha256:${createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex')}`;
}

/** OpenSSL's and Node's codes for a server certificate that does not verify against what the agent trusts. */
const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Whether a failed request failed because the server's certificate is not
 * trusted: retrying will not help, the operator has to act (say so at once).
 */
export function untrustedServer(error: unknown): string | undefined {
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth++) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && UNTRUSTED_CODES.has(code)) return `${code}: ${cause.message}`;
    cause = cause.cause;
  }
  return undefined;
}

/** Makes an ECDSA P-256 key and a PKCS #10 request for it, naming the node. */
export async function newKeyRequest(name: string): Promise<KeyRequest> {
  const keys = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [name] }],
    keys,
    signingAlgorithm: EC_ALGORITHM,
  });
  return {
    key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    csr: csr.toString('pem'),
  };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Reads the stored key and certificate, or undefined when the node has none
 * (never joined over HTTPS). A save interrupted between the certificate and
 * the key's rename (see saveNodeCertificate) is finished here: the pending key
 * is the one that matches the stored certificate.
 */
export async function loadNodeCertificate(stateDir: string): Promise<{ key: string; cert: string } | undefined> {
  const keyFile = path.join(stateDir, TLS_FILES.key);
  const pendingFile = `${keyFile}${PENDING_SUFFIX}`;
  const key = await readOptional(keyFile);
  const cert = await readOptional(path.join(stateDir, TLS_FILES.certificate));
  const pending = await readOptional(pendingFile);
  if (!cert) return undefined;
  if (pending && !matches(cert, key) && matches(cert, pending)) {
    await rename(pendingFile, keyFile);
    return { key: pending, cert };
  }
  return key ? { key, cert } : undefined;
}

const PENDING_SUFFIX = '.pending';

function matches(cert: string, key: string | undefined): boolean {
  if (!key) return false;
  try {
    return new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

/**
 * Stores a key and the certificate issued for it so that a crash at any step
 * leaves a pair that belongs together: the new key goes to a pending file,
 * then the certificate replaces the old one, then the pending key replaces the
 * old key. Writing the key in place first would leave, after a crash, the old
 * certificate with a new key, which no TLS handshake accepts.
 */
export async function saveNodeCertificate(stateDir: string, key: string, cert: string): Promise<void> {
  const keyFile = path.join(stateDir, TLS_FILES.key);
  await writePrivateFile(`${keyFile}${PENDING_SUFFIX}`, key);
  await writePrivateFile(path.join(stateDir, TLS_FILES.certificate), cert);
  await rename(`${keyFile}${PENDING_SUFFIX}`, keyFile);
}

/**
 * When a certificate should be renewed: after two thirds of its lifetime, as kubelet does (between
 * 70 and 90 %). The lifetime counts from when this node got the certificate when that is later
 * than its notBefore: the cluster CA backdates notBefore by minutes for clock skew, and two thirds
 * of a backdated lifetime can lie in the past for a short-lived certificate, which renewed again
 * at once, forever.
 */
export function renewAt(
  certificatePem: string,
  receivedAtMs = Number.NEGATIVE_INFINITY,
): { renewAtMs: number; notAfterMs: number } {
  const cert = new X509Certificate(certificatePem);
  const from = Math.max(Date.parse(cert.validFrom), receivedAtMs);
  const to = Date.parse(cert.validTo);
  return { renewAtMs: from + ((to - from) * 2) / 3, notAfterMs: to };
}

/**
 * The cluster CA to trust: the one stored at join; else `given` (an
 * in-process caller such as `aurora up` hands it over); else the one the
 * control plane publishes at GET /v1/cluster/ca, fetched without verifying
 * the server (it is not trusted yet) and kept only if it matches `pin`.
 */
export async function trustClusterCa(options: {
  server: string;
  stateDir: string;
  pin: string | undefined;
  given: string | undefined;
  signal: AbortSignal;
}): Promise<string> {
  const file = path.join(options.stateDir, TLS_FILES.ca);
  const stored = await readOptional(file);
  if (stored) return stored;
  let ca = options.given;
  if (!ca) {
    if (!options.pin) {
      throw new Error(
        `${options.server} serves HTTPS, and this node does not know its cluster CA yet: pass --ca-hash sha256:… ` +
          'as printed in the join command by "aurora token create"',
      );
    }
    // Only the public CA certificate travels over this unverified connection; the pin decides whether it is kept.
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      const res = await undiciFetch(`${baseUrl(options.server)}/v1/cluster/ca`, {
        dispatcher,
        signal: options.signal,
      });
      if (!res.ok) throw new Error(`GET /v1/cluster/ca answered ${res.status}`);
      ca = ((await res.json()) as { certificate: string }).certificate;
    } finally {
      await dispatcher.destroy();
    }
  }
  const fingerprint = fingerprintOf(ca);
  if (options.pin && options.pin.toLowerCase() !== fingerprint) {
    throw new Error(
      `the cluster CA of ${options.server} is ${fingerprint}, not the pinned ${options.pin}: ` +
        'this is not the control plane the join command was made for (or the hash was mistyped); nothing was sent',
    );
  }
  await writePrivateFile(path.join(options.stateDir, TLS_FILES.ca), ca);
  return ca;
}
