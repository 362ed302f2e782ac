import type { KeyObject } from 'node:crypto';
import { asc, gt, sql } from 'drizzle-orm';
import type { Clock } from '../../platform/clock.js';
import { rowsOf, schemaLock } from '../../platform/store/engine.js';
import type { Db, Tx } from '../../platform/store/index.js';
import { auditCheckpoints, auditLog } from '../../platform/store/schema.js';
import {
  type AuditCheckpoint,
  type AuditRow,
  type AuditVerification,
  ChainVerifier,
  canonicalJson,
  chainHash,
  checkpointPayload,
  GENESIS_HASH,
} from './chain.js';
import type { AuditSigner } from './keys.js';

const VERIFY_PAGE = 5_000;

/** What is recorded; `seq` and `at` are added by the log. Values must be JSON (no undefined, NaN). */
export type AuditRecord = { kind: string } & Record<string, unknown>;

/** How often checkpoints are signed. */
export interface CheckpointPolicy {
  /** Sign after this many entries since the last checkpoint. */
  everyEntries: number;
  /** Sign when the oldest unsigned entry is this old (checked at appends and by {@link AuditLog.checkpointIfDue}). */
  everyMs: number;
}

/** When an entry was written; an unreadable one counts as long ago, so it gets signed (and verification reports it). */
function entryTime(text: string): number {
  try {
    const at = Date.parse((JSON.parse(text) as { at?: string }).at ?? '');
    return Number.isNaN(at) ? 0 : at;
  } catch {
    return 0;
  }
}

interface Pending {
  record: AuditRecord;
  resolve(seq: number): void;
  reject(error: unknown): void;
}

/**
 * The append-only audit log. Appends from this process are queued and written
 * in batches, one transaction each, under an advisory lock, so replicas sharing
 * PostgreSQL append in the store's order and the chain never forks.
 */
export class AuditLog {
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly signer: AuditSigner,
    private readonly clock: Clock,
    private readonly policy: CheckpointPolicy,
  ) {}

  get publicKey(): KeyObject {
    return this.signer.publicKey;
  }

  get publicKeyPem(): string {
    return this.signer.publicKeyPem;
  }

  get keyId(): string {
    return this.signer.keyId;
  }

  /** Appends one record; resolves with its seq once it is committed. */
  append(record: AuditRecord): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      this.#flushing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, 1_000);
        try {
          const seqs = await this.#write(batch.map((p) => p.record));
          for (const [i, p] of batch.entries()) p.resolve(seqs[i] as number);
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async #write(records: AuditRecord[]): Promise<number[]> {
    return this.db.transaction((tx) => this.#writeIn(tx, records));
  }

  /**
   * Appends `records` inside `tx`, a transaction the caller opened for the write the records
   * describe (a controller's decision), so the decision and its entry commit together or not at
   * all. The advisory lock is held from here to the caller's commit: call this last in the
   * transaction, after the row locks the decision takes, so every transaction that holds the
   * lock waits on nothing but its own commit and appends cannot deadlock with row writers.
   * Nothing is written (no lock, no round trip) for no records.
   */
  async appendIn(tx: Tx, records: readonly AuditRecord[]): Promise<number[]> {
    if (records.length === 0) return [];
    return this.#writeIn(tx, records);
  }

  /**
   * The chain's head as an append or a checkpoint needs it, in one statement: the last entry, the
   * last checkpointed seq, and the oldest entry no checkpoint covers (none when all are covered).
   * Read after the advisory lock is taken, in its own statement, so it sees every committed append.
   */
  async #head(tx: Tx): Promise<{ seq: number; hash: string; signedSeq: number; oldestUnsigned: string | null }> {
    const [row] = rowsOf<{ seq: number | null; hash: string | null; signed_seq: number | null; oldest: string | null }>(
      await tx.execute(sql`select l.seq::float8 as seq, l.hash, c.seq::float8 as signed_seq,
          case when l.seq > coalesce(c.seq, 0)
            then (select entry from audit_log where seq = coalesce(c.seq, 0) + 1) end as oldest
        from (select 1) as one
        left join lateral (select seq, hash from audit_log order by seq desc limit 1) as l on true
        left join lateral (select seq from audit_checkpoints order by seq desc limit 1) as c on true`),
    );
    return {
      seq: Number(row?.seq ?? 0),
      hash: row?.hash ?? GENESIS_HASH,
      signedSeq: Number(row?.signed_seq ?? 0),
      oldestUnsigned: row?.oldest ?? null,
    };
  }

  async #writeIn(tx: Tx, records: readonly AuditRecord[]): Promise<number[]> {
    await tx.execute(schemaLock('audit')); // orders appends across replicas
    const head = await this.#head(tx);
    let seq = head.seq;
    let prev = head.hash;
    const at = this.clock.now();
    let signedSeq = head.signedSeq;
    // The oldest entry no checkpoint covers yet, if it was written before this batch: its age starts the clock.
    const waitingSince = head.oldestUnsigned !== null ? entryTime(head.oldestUnsigned) : at;
    const rows: AuditRow[] = [];
    const checkpoints: (typeof auditCheckpoints.$inferInsert)[] = [];
    const checkpoint = () => {
      const body = { seq, hash: prev, at, keyId: this.signer.keyId };
      checkpoints.push({ ...body, signature: this.signer.sign(checkpointPayload(body)) });
      signedSeq = seq;
    };
    for (const record of records) {
      seq++;
      const entry = canonicalJson({ ...record, seq, at: new Date(at).toISOString() });
      prev = chainHash(prev, entry);
      rows.push({ seq, entry, hash: prev });
      if (seq - signedSeq >= this.policy.everyEntries) checkpoint();
    }
    // Time: the entries waiting since the last checkpoint are signed once it is everyMs old.
    if (seq > signedSeq && signedSeq === head.signedSeq && at - waitingSince >= this.policy.everyMs) checkpoint();
    await tx.insert(auditLog).values(rows);
    if (checkpoints.length > 0) await tx.insert(auditCheckpoints).values(checkpoints);
    return rows.map((r) => r.seq);
  }

  /** Signs a checkpoint over unsigned entries when the time policy says so (a timer calls this). */
  async checkpointIfDue(force = false): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(schemaLock('audit')); // orders appends across replicas
      const head = await this.#head(tx);
      if (head.seq === 0 || head.signedSeq >= head.seq) return;
      const now = this.clock.now();
      if (!force) {
        const since = head.oldestUnsigned !== null ? entryTime(head.oldestUnsigned) : now;
        if (now - since < this.policy.everyMs) return;
      }
      const body = { seq: head.seq, hash: head.hash, at: now, keyId: this.signer.keyId };
      await tx.insert(auditCheckpoints).values({ ...body, signature: this.signer.sign(checkpointPayload(body)) });
    });
  }

  /** Entries after `afterSeq`, oldest first. */
  read(afterSeq: number, limit: number): Promise<AuditRow[]> {
    return this.db.select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(limit);
  }

  /** Every checkpoint, oldest first. */
  checkpoints(): Promise<AuditCheckpoint[]> {
    return this.db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.seq));
  }

  /** Recomputes the whole chain and every checkpoint against `publicKey` (default: this cluster's key). */
  async verify(publicKey: KeyObject = this.signer.publicKey): Promise<AuditVerification> {
    const verifier = new ChainVerifier(await this.checkpoints(), publicKey);
    let after = 0;
    for (;;) {
      const page = await this.read(after, VERIFY_PAGE);
      for (const row of page) verifier.feed(row);
      if (page.length < VERIFY_PAGE || verifier.broken) break;
      after = (page[page.length - 1] as AuditRow).seq;
    }
    return verifier.finish();
  }
}
