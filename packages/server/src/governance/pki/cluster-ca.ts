import { createHash, createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type { Store } from '../../platform/store/index.js';
import { KeyFileError, loadKeyFile, type SealedSecret, sealSecret, unsealSecret } from '../audit/keys.js';
import { EC_ALGORITHM, x509 } from './x509.js';

const SETTING = 'cluster_ca';
const AAD = Buffer.from('aurora cluster ca key v1');
/** The CA outlives any fleet's hardware generation; its leaves are short-lived. */
const CA_LIFETIME_MS = 10 * 365 * 86_400_000;
/** Certificates start a little in the past, so a node whose clock runs behind still accepts them. */
const BACKDATE_MS = 5 * 60_000;
/** Nodes are named in their certificate by this URI (a subjectAltName), so renaming never confuses identities. */
export const NODE_URI_PREFIX = 'urn:aurora:node:';

/** The cluster CA as the store keeps it: the certificate in clear, the private key encrypted under the key file. */
interface StoredCa extends SealedSecret {
  certificate: string;
}

/** A certificate and its private key, PEM encoded, as Node's TLS options take them. */
export interface KeyAndCertificate {
  key: string;
  cert: string;
  notAfter: Date;
}

/** A client certificate issued to a node. */
export interface IssuedCertificate {
  /** PEM of the certificate. */
  certificate: string;
  notAfter: Date;
  serialNumber: string;
}

/** A certificate request the CA refuses; the message names what is wrong. */
export class CertificateRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateRequestError';
  }
}

/** `sha256:<hex>` of a certificate's DER, the form the join command pins (as kubeadm's discovery hash). */
export function certificateFingerprint(der: ArrayBuffer | Buffer): string {
  return `sha256:${createHash('sha256')
    .update(Buffer.from(der as ArrayBuffer))
    .digest('hex')}`;
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f; // positive, as RFC 5280 asks
  return bytes.toString('hex');
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;
}

/**
 * The cluster's certificate authority: made at first start, its private key
 * kept in the store encrypted under the key file (like the audit signing
 * key), so someone who can write to the database can neither read it nor
 * slip in a CA of their own. It signs the server's certificate and the
 * short-lived client certificates of nodes.
 */
export class ClusterCa {
  private constructor(
    readonly certificate: x509.X509Certificate,
    private readonly signingKey: webcrypto.CryptoKey,
  ) {}

  /** The CA certificate as PEM, for agents and operator tools to trust. */
  get certificatePem(): string {
    return this.certificate.toString('pem');
  }

  /** `sha256:<hex>` of the CA certificate, which a join command pins. */
  get fingerprint(): string {
    return certificateFingerprint(this.certificate.rawData);
  }

  /** Loads the CA from the store, decrypting its key with the key file; makes both on first start. */
  static async open(store: Store, keyFile: string, now: number): Promise<ClusterCa> {
    let stored = await store.settings.get(SETTING);
    const master = loadKeyFile(keyFile, stored === undefined);
    if (stored === undefined) {
      const keys = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
      const certificate = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serialNumber(),
        name: [{ CN: [`Aurora cluster CA ${randomBytes(4).toString('hex')}`] }, { O: ['Aurora'] }],
        notBefore: new Date(now - BACKDATE_MS),
        notAfter: new Date(now + CA_LIFETIME_MS),
        keys,
        signingAlgorithm: EC_ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
      const record: StoredCa = { certificate: certificate.toString('pem'), ...sealSecret(master, AAD, der) };
      await store.settings.setIfAbsent(SETTING, JSON.stringify(record));
      // Another replica may have won the race; everyone uses what the store kept.
      stored = await store.settings.get(SETTING);
    }
    return ClusterCa.#unseal(JSON.parse(stored as string) as StoredCa, master, keyFile);
  }

  static async #unseal(record: StoredCa, master: Buffer, keyFile: string): Promise<ClusterCa> {
    const der = unsealSecret(master, AAD, record, keyFile, 'cluster CA key');
    const certificate = new x509.X509Certificate(record.certificate);
    // The certificate is stored in clear: it must carry the public half of the key that only the key file opens.
    const derived = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({
      format: 'der',
      type: 'spki',
    });
    if (!derived.equals(Buffer.from(certificate.publicKey.rawData))) {
      throw new KeyFileError(
        'the cluster CA certificate in the store does not match its encrypted key: the store was altered; restore it from backup',
      );
    }
    const signingKey = await webcrypto.subtle.importKey('pkcs8', der, EC_ALGORITHM, false, ['sign']);
    return new ClusterCa(certificate, signingKey);
  }

  /** A fresh key and certificate for the server, naming `names` (DNS names or IP addresses) as its subjectAltNames. */
  async issueServerCertificate(names: readonly string[], now: number, lifetimeMs: number): Promise<KeyAndCertificate> {
    const keys = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
    const unique = [...new Set(names)];
    const notAfter = new Date(now + lifetimeMs);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject: [{ CN: [unique[0] ?? 'aurora'] }, { O: ['Aurora'] }],
      issuer: this.certificate.subject,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter,
      publicKey: keys.publicKey,
      signingKey: this.signingKey,
      signingAlgorithm: EC_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          unique.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
        ),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate.publicKey),
      ],
    });
    return {
      key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
      cert: cert.toString('pem'),
      notAfter,
    };
  }

  /** Parses a PEM PKCS #10 request and checks its key type and self-signature; throws {@link CertificateRequestError}. */
  async checkRequest(csrPem: string): Promise<x509.Pkcs10CertificateRequest> {
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(csrPem);
    } catch {
      throw new CertificateRequestError('csr: not a PEM-encoded PKCS #10 certificate request');
    }
    const algorithm = csr.publicKey.algorithm as { name?: string; namedCurve?: string };
    if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256') {
      throw new CertificateRequestError('csr: the key must be ECDSA on P-256 (what Aurora agents make)');
    }
    if (!(await csr.verify().catch(() => false))) {
      throw new CertificateRequestError('csr: its signature does not verify with its own key');
    }
    return csr;
  }

  /**
   * Signs a node's PKCS #10 request (the node made the key pair and keeps the
   * private half). The request must carry a valid self-signature (proof that the
   * requester holds the key); everything else in it is ignored: the CA alone
   * decides the names, the lifetime and the usage.
   */
  async issueNodeCertificate(
    csrPem: string,
    node: { id: string; name: string },
    now: number,
    lifetimeMs: number,
  ): Promise<IssuedCertificate> {
    const csr = await this.checkRequest(csrPem);
    // Certificates keep whole seconds; the expiry reported beside one must be the one in it.
    const notAfter = new Date(Math.floor((now + lifetimeMs) / 1000) * 1000);
    const serial = serialNumber();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: [{ CN: [node.name] }, { O: ['Aurora nodes'] }],
      issuer: this.certificate.subject,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter,
      publicKey: csr.publicKey,
      signingKey: this.signingKey,
      signingAlgorithm: EC_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `${NODE_URI_PREFIX}${node.id}` }]),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate.publicKey),
      ],
    });
    return { certificate: cert.toString('pem'), notAfter, serialNumber: serial };
  }
}

/**
 * The node id a verified client certificate names, from Node's
 * `getPeerCertificate().subjectaltname` ("URI:urn:aurora:node:<id>"), or undefined.
 */
export function nodeIdFromSubjectAltName(subjectAltName: string | undefined): string | undefined {
  if (!subjectAltName) return undefined;
  for (const part of subjectAltName.split(/,\s*/)) {
    if (part.startsWith(`URI:${NODE_URI_PREFIX}`)) return part.slice(`URI:${NODE_URI_PREFIX}`.length);
  }
  return undefined;
}
