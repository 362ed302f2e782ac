import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// RFC 8785 (JSON Canonicalization Scheme) from the `canonicalize` package; its typings declare an ES
// default export while the package is CommonJS, so the function is found on either shape.
const canonicalizeFn = ((canonicalizeModule as unknown as { default?: unknown }).default ??
  canonicalizeModule) as unknown as (input: unknown) => string | undefined;

/** The canonical JSON text of a value (RFC 8785): what is hashed and signed. */
export function canonicalJson(value: unknown): string {
  const text = canonicalizeFn(value);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
}

/** The `prev` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 hex chaining an entry's canonical text to the hash of the entry before it. */
export function chainHash(prevHash: string, entryText: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(entryText).digest('hex');
}

/** One stored entry: its position, its canonical JSON text and its chained hash. */
export interface AuditRow {
  seq: number;
  entry: string;
  hash: string;
}

/** A signed statement that the chain up to `seq` ends in `hash`. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  at: number;
  keyId: string;
  signature: string;
}

/** The bytes a checkpoint's signature covers. */
export function checkpointPayload(cp: Omit<AuditCheckpoint, 'signature'>): Buffer {
  return Buffer.from(canonicalJson({ at: cp.at, hash: cp.hash, keyId: cp.keyId, seq: cp.seq }));
}

/** Where verification found the chain broken, first break only. */
export interface AuditBreak {
  /** The first entry that is missing, altered or out of place (or the first one a bad checkpoint covers). */
  seq: number;
  reason: string;
}

/** The result of verifying a chain. */
export interface AuditVerification {
  intact: boolean;
  entries: number;
  checkpoints: number;
  lastSeq: number;
  /** Entries after the last checkpoint: their hashes chain, but no signature vouches for them yet. */
  unsignedTail: number;
  firstBroken: AuditBreak | null;
}

/** Reads an Ed25519 public key given as PEM or as base64 SPKI DER. */
export function readPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  return createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
}

/**
 * Recomputes the chain in order and checks every checkpoint's signature and
 * hash, in one pass, so it can stream a log of any length page by page.
 * The first break wins; later ones are not looked for.
 */
export class ChainVerifier {
  #expected = 1;
  #prev = GENESIS_HASH;
  #entries = 0;
  #checkpointIndex = 0;
  #lastSignedSeq = 0;
  #break: AuditBreak | null = null;
  readonly #checkpoints: AuditCheckpoint[];

  /** `checkpoints` in ascending seq; `publicKey` is the key they must be signed with (pin it for independence from the store). */
  constructor(checkpoints: readonly AuditCheckpoint[], publicKey: KeyObject) {
    this.#checkpoints = [...checkpoints];
    let last = 0;
    for (const cp of this.#checkpoints) {
      if (cp.seq <= last) {
        this.#fail(last + 1, `checkpoint for entry ${cp.seq} is out of order (previous covers ${last})`);
        break;
      }
      const ok = safeVerify(checkpointPayload(cp), cp.signature, publicKey);
      if (!ok) {
        this.#fail(last + 1, `checkpoint for entry ${cp.seq} has a signature the key does not verify`);
        break;
      }
      last = cp.seq;
    }
  }

  get broken(): boolean {
    return this.#break !== null;
  }

  /** Feeds the next stored row (ascending seq). */
  feed(row: AuditRow): void {
    if (this.#break) return;
    if (row.seq !== this.#expected) {
      this.#fail(
        this.#expected,
        row.seq > this.#expected
          ? `entry ${this.#expected} is missing (the next stored entry is ${row.seq})`
          : `entry ${row.seq} is stored out of order after entry ${this.#expected - 1}`,
      );
      return;
    }
    let inner: unknown;
    try {
      inner = JSON.parse(row.entry);
    } catch {
      this.#fail(row.seq, `entry ${row.seq} is not valid JSON`);
      return;
    }
    if ((inner as { seq?: unknown } | null)?.seq !== row.seq) {
      this.#fail(row.seq, `entry ${row.seq} carries another position inside it (moved or altered)`);
      return;
    }
    if (chainHash(this.#prev, row.entry) !== row.hash) {
      this.#fail(row.seq, `entry ${row.seq} does not hash to its stored hash (altered, or an entry before it was)`);
      return;
    }
    const cp = this.#checkpoints[this.#checkpointIndex];
    if (cp && cp.seq === row.seq) {
      if (cp.hash !== row.hash) {
        this.#fail(
          this.#lastSignedSeq + 1,
          `entries ${this.#lastSignedSeq + 1}-${row.seq} differ from what checkpoint ${cp.seq} signed (rewritten and re-hashed)`,
        );
        return;
      }
      this.#checkpointIndex++;
      this.#lastSignedSeq = row.seq;
    }
    this.#prev = row.hash;
    this.#expected++;
    this.#entries++;
  }

  /** Ends verification; a checkpoint past the last stored entry means entries were cut off the end. */
  finish(): AuditVerification {
    const pending = this.#checkpoints[this.#checkpointIndex];
    if (!this.#break && pending) {
      this.#fail(
        this.#expected,
        `checkpoint ${pending.seq} covers entries that are no longer stored (from ${this.#expected})`,
      );
    }
    return {
      intact: this.#break === null,
      entries: this.#entries,
      checkpoints: this.#checkpoints.length,
      lastSeq: this.#expected - 1,
      unsignedTail: this.#expected - 1 - this.#lastSignedSeq,
      firstBroken: this.#break,
    };
  }

  #fail(seq: number, reason: string): void {
    this.#break ??= { seq, reason };
  }
}

function safeVerify(payload: Buffer, signature: string, key: KeyObject): boolean {
  try {
    const bytes = Buffer.from(signature, 'base64');
    // Base64 decoders ignore stray padding bits; only the one canonical spelling of a signature is accepted.
    if (bytes.toString('base64') !== signature) return false;
    return verify(null, payload, key, bytes);
  } catch {
    return false;
  }
}

/** Verifies a whole chain held in memory. */
export function verifyChain(
  rows: readonly AuditRow[],
  checkpoints: readonly AuditCheckpoint[],
  publicKey: KeyObject,
): AuditVerification {
  const verifier = new ChainVerifier(checkpoints, publicKey);
  for (const row of rows) {
    verifier.feed(row);
    if (verifier.broken) break;
  }
  return verifier.finish();
}
