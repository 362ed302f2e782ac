import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../../platform/store/index.js';

const SETTING = 'audit_signing_key';
const AAD = Buffer.from('aurora audit signing key v1');

/** A secret as the store keeps it: encrypted (AES-256-GCM) under the key file. */
export interface SealedSecret {
  iv: string;
  tag: string;
  ciphertext: string;
}

/** The audit signing key as the store keeps it: the private half encrypted under the key file. */
interface StoredSigningKey extends SealedSecret {
  keyId: string;
  publicKey: string;
}

/** The key file is missing, unreadable, or not the one the store's keys were encrypted under. */
export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

/**
 * Reads the 32-byte key that encrypts Aurora's keys, creating it (mode 0600)
 * on first start. It lives outside the database, so someone who can write
 * to the database cannot decrypt the signing key and re-sign a forged chain.
 */
export function loadKeyFile(file: string, createIfMissing: boolean): Buffer {
  if (!existsSync(file)) {
    if (!createIfMissing) {
      throw new KeyFileError(
        `keyFile ${file} is missing, but the store holds keys encrypted under it; restore the file from backup (it is not in the database by design)`,
      );
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new KeyFileError(`keyFile ${file}: expected 32 bytes in base64, found ${key.length}`);
  return key;
}

/**
 * Encrypts a secret under the key file's key for the store. `aad` names what the secret is, so a
 * sealed secret copied into another setting does not decrypt there.
 */
export function sealSecret(master: Buffer, aad: Buffer, plain: Buffer): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master, iv).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Decrypts what {@link sealSecret} made; a {@link KeyFileError} naming `what` when `keyFile` is not the key it was sealed under. */
export function unsealSecret(master: Buffer, aad: Buffer, sealed: SealedSecret, keyFile: string, what: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', master, Buffer.from(sealed.iv, 'base64')).setAAD(aad);
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
  } catch {
    throw new KeyFileError(
      `keyFile ${keyFile} does not decrypt the ${what} in the store; use the key file this store was created with`,
    );
  }
}

/** Identifies a public key: the first 16 hex digits of the SHA-256 of its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

/** Signs audit checkpoints with the Ed25519 key of this cluster. */
export class AuditSigner {
  private constructor(
    readonly keyId: string,
    readonly publicKey: KeyObject,
    private readonly privateKey: KeyObject,
  ) {}

  /** The public key as PEM, to pin somewhere the store's writers cannot reach. */
  get publicKeyPem(): string {
    return this.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  sign(payload: Buffer): string {
    return sign(null, payload, this.privateKey).toString('base64');
  }

  /** Loads the signing key from the store, decrypting it with the key file; makes both on first start. */
  static async open(store: Store, keyFile: string): Promise<AuditSigner> {
    let stored = await store.settings.get(SETTING);
    const master = loadKeyFile(keyFile, stored === undefined);
    if (stored === undefined) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const record: StoredSigningKey = {
        keyId: keyIdOf(publicKey),
        publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        ...sealSecret(master, AAD, privateKey.export({ format: 'der', type: 'pkcs8' })),
      };
      await store.settings.setIfAbsent(SETTING, JSON.stringify(record));
      // Another replica may have won the race; everyone uses what the store kept.
      stored = await store.settings.get(SETTING);
    }
    return AuditSigner.#decrypt(JSON.parse(stored as string) as StoredSigningKey, master, keyFile);
  }

  static #decrypt(record: StoredSigningKey, master: Buffer, keyFile: string): AuditSigner {
    const der = unsealSecret(master, AAD, record, keyFile, 'audit signing key');
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    // The public key is derived from the decrypted private key, never trusted from the store.
    const publicKey = createPublicKey(privateKey);
    return new AuditSigner(keyIdOf(publicKey), publicKey, privateKey);
  }
}
