// @peculiar/x509 builds and parses certificates and PKCS #10 requests in pure
// TypeScript on WebCrypto (Node's own crypto does the key and signature work),
// so Aurora needs no native addon and no OpenSSL binary. node-forge was the
// other candidate, but it cannot put ECDSA keys in certificates and generates
// RSA keys in JavaScript (seconds per key). The library resolves its parsers
// through tsyringe, which needs the Reflect metadata polyfill loaded first:
// ESM evaluates imports in order, so this module is the one place that does both.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

/** The one key algorithm of the cluster: ECDSA on P-256 with SHA-256, small and fast to sign and verify. */
export const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
