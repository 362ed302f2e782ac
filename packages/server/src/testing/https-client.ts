import { webcrypto } from 'node:crypto';
import { request } from 'node:https';
import { EC_ALGORITHM, x509 } from '../governance/pki/x509.js';

/** What a TLS client presents and trusts. */
export interface TlsClient {
  /** PEM CA(s) the client trusts for the server's certificate. */
  ca?: string | string[];
  /** PEM client certificate and key (mutual TLS). */
  cert?: string;
  key?: string;
}

/** One answer of {@link httpsCall}. */
export interface HttpsAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One request over a fresh TLS connection (no pooling, so every call does its
 * own handshake with the certificate it names), answering status and JSON body.
 */
export function httpsCall(
  url: string,
  options: TlsClient & { method?: string; body?: unknown; authorization?: string },
): Promise<HttpsAnswer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (payload ? 'POST' : 'GET'),
        agent: false,
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.cert ? { cert: options.cert, key: options.key } : {}),
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(options.authorization ? { authorization: options.authorization } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          try {
            body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function pem(label: string, der: ArrayBuffer): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64')}\n-----END ${label}-----\n`;
}

/** A new ECDSA P-256 key as PEM and a PKCS #10 request for it, as an agent makes them. */
export async function keyAndRequest(name = 'node'): Promise<{ key: string; csr: string }> {
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

/**
 * A CA that is not the cluster's, with a certificate for `names` (server or
 * client use): what an operator brings, or what an impostor presents.
 */
export async function foreignCa(): Promise<{
  certificate: string;
  issue(
    names: { dns?: string[]; ip?: string[]; uri?: string[] },
    usage: 'server' | 'client',
  ): Promise<{ cert: string; key: string }>;
}> {
  const keys = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: ['Some other CA'] }],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    keys,
    signingAlgorithm: EC_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  return {
    certificate: ca.toString('pem'),
    async issue(names, usage) {
      const leaf = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
      const cert = await x509.X509CertificateGenerator.create({
        subject: [{ CN: ['leaf'] }],
        issuer: ca.subject,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 86_400_000),
        publicKey: leaf.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: EC_ALGORITHM,
        extensions: [
          new x509.ExtendedKeyUsageExtension([
            usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
          ]),
          new x509.SubjectAlternativeNameExtension([
            ...(names.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
            ...(names.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
            ...(names.uri ?? []).map((value) => ({ type: 'url' as const, value })),
          ]),
        ],
      });
      return {
        cert: cert.toString('pem'),
        key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', leaf.privateKey)),
      };
    },
  };
}
