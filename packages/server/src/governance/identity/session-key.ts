import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Store } from '../../platform/store/index.js';
import { KeyFileError, loadKeyFile } from '../audit/keys.js';

const SETTING = 'session_signing_key';
const AAD = Buffer.from('aurora session signing key v1');

interface StoredSecret {
  iv: string;
  tag: string;
  ciphertext: string;
}

/**
 * The HMAC key that signs console access tokens (HS256), kept in the store
 * encrypted under the key file like the audit signing key: whoever can read
 * the database cannot mint access tokens.
 */
export async function openSessionKey(store: Store, keyFile: string): Promise<Uint8Array> {
  let stored = await store.settings.get(SETTING);
  const master = loadKeyFile(keyFile, stored === undefined);
  if (stored === undefined) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master, iv).setAAD(AAD);
    const ciphertext = Buffer.concat([cipher.update(randomBytes(32)), cipher.final()]);
    const record: StoredSecret = {
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
    await store.settings.setIfAbsent(SETTING, JSON.stringify(record));
    // Another replica may have won the race; everyone uses what the store kept.
    stored = await store.settings.get(SETTING);
  }
  const record = JSON.parse(stored as string) as StoredSecret;
  try {
    const decipher = createDecipheriv('aes-256-gcm', master, Buffer.from(record.iv, 'base64')).setAAD(AAD);
    decipher.setAuthTag(Buffer.from(record.tag, 'base64'));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(record.ciphertext, 'base64')), decipher.final()]));
  } catch {
    throw new KeyFileError(
      `keyFile ${keyFile} does not decrypt the session signing key in the store; use the key file this store was created with`,
    );
  }
}
