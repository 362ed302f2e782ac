// @peculiar/x509 makes the PKCS #10 request in pure TypeScript on WebCrypto (no
// native addon, no OpenSSL binary). It resolves its parsers through tsyringe,
// which needs the Reflect metadata polyfill loaded first: ESM evaluates imports
// in order, so this module is the one place that loads both.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

/** The key the cluster CA certifies: ECDSA on P-256. */
export const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
