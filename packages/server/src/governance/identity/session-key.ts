import { randomBytes } from 'node:crypto';
import type { Store } from '../../platform/store/index.js';
import { loadKeyFile, type SealedSecret, sealSecret, unsealSecret } from '../audit/keys.js';

const SETTING = 'session_signing_key';
const AAD = Buffer.from('aurora session signing key v1');

/**
 * The HMAC key that signs console access tokens (HS256), kept in the store
 * encrypted under the key file like the audit signing key: whoever can read
 * the database cannot mint access tokens.
 */
export async function openSessionKey(store: Store, keyFile: string): Promise<Uint8Array> {
  let stored = await store.settings.get(SETTING);
  const master = loadKeyFile(keyFile, stored === undefined);
  if (stored === undefined) {
    await store.settings.setIfAbsent(SETTING, JSON.stringify(sealSecret(master, AAD, randomBytes(32))));
    // Another replica may have won the race; everyone uses what the store kept.
    stored = await store.settings.get(SETTING);
  }
  const record = JSON.parse(stored as string) as SealedSecret;
  return new Uint8Array(unsealSecret(master, AAD, record, keyFile, 'session signing key'));
}
