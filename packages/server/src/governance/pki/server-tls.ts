import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { SecureContextOptions } from 'node:tls';
import type { ClusterCa } from './cluster-ca.js';

/** A server certificate from the cluster CA is issued at every start, for this long. */
const SERVER_CERT_LIFETIME_MS = 397 * 86_400_000;

/** What Node's HTTPS server is given: the server's key and certificate, and the CA that client certificates must chain to. */
export interface ServerTls extends SecureContextOptions {
  key: string;
  cert: string;
  ca: string[];
  /** Ask every client for a certificate, but let those without one through: only agent routes require it. */
  requestCert: true;
  rejectUnauthorized: false;
  /** Where the certificate came from, for the banner and the logs. */
  source: 'cluster-ca' | 'operator';
}

/**
 * The names the cluster CA writes into the server certificate: the configured
 * ones, then the loopback names and this machine's hostname, and the listen
 * address itself when it names one interface.
 */
export function serverNames(host: string, extra: readonly string[]): string[] {
  const names = [...extra, 'localhost', '127.0.0.1', '::1', os.hostname()];
  if (host !== '0.0.0.0' && host !== '::') names.push(host.replace(/^\[|\]$/g, ''));
  return [...new Set(names)];
}

/**
 * The HTTPS options of the control plane: the operator's certificate and key
 * when configured, otherwise a fresh key and a certificate from the cluster CA.
 * Client certificates are always verified against the cluster CA.
 */
export async function serverTls(
  config: { host: string; tlsCertFile: string | undefined; tlsKeyFile: string | undefined; tlsSans: readonly string[] },
  ca: ClusterCa,
  now: number,
): Promise<ServerTls> {
  const common = { ca: [ca.certificatePem], requestCert: true as const, rejectUnauthorized: false as const };
  if (config.tlsCertFile && config.tlsKeyFile) {
    const read = (file: string, key: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        throw new Error(`${key} ${file}: cannot be read (${(error as Error).message}); fix the path`);
      }
    };
    return {
      key: read(config.tlsKeyFile, 'tlsKeyFile'),
      cert: read(config.tlsCertFile, 'tlsCertFile'),
      ...common,
      source: 'operator',
    };
  }
  const issued = await ca.issueServerCertificate(
    serverNames(config.host, config.tlsSans),
    now,
    SERVER_CERT_LIFETIME_MS,
  );
  return { key: issued.key, cert: issued.cert, ...common, source: 'cluster-ca' };
}
