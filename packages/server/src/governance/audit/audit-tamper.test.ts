import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { rowsOf } from '../../platform/store/engine.js';
import type { Store } from '../../platform/store/index.js';
import { openFreshStore, testEngines } from '../../testing/engines.js';
import { AuditLog } from './audit-log.js';
import { type AuditCheckpoint, type AuditRow, verifyChain } from './chain.js';
import { AuditSigner, KeyFileError } from './keys.js';

const ENTRIES = 25;

/** A different printable character at `i`, so the text stays valid UTF-8 and one byte changes. */
function flip(text: string, i: number): string {
  const c = text.charCodeAt(i);
  const replacement = c === 0x41 ? 0x42 : 0x41;
  return text.slice(0, i) + String.fromCharCode(replacement) + text.slice(i + 1);
}

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`audit chain on ${engine.name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let audit: AuditLog;
    let signer: AuditSigner;
    let keyDir: string;
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    let rows: AuditRow[];
    let checkpoints: AuditCheckpoint[];

    beforeAll(async () => {
      ({ store, close } = await openFreshStore(engine));
      keyDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-keys-'));
      signer = await AuditSigner.open(store, path.join(keyDir, 'master.key'));
      audit = new AuditLog(store.db, signer, clock, { everyEntries: 10, everyMs: 3_600_000 });
      // Concurrent appends from one process are ordered and chained, none lost.
      await Promise.all(
        Array.from({ length: ENTRIES }, (_, i) =>
          audit.append({ kind: 'request', action: 'node.drain', actor: { kind: 'admin', id: 'admin' }, n: i }),
        ),
      );
      await audit.checkpointIfDue(true);
      rows = await audit.read(0, 1_000);
      checkpoints = await audit.checkpoints();
    });
    afterAll(async () => {
      await close?.();
      rmSync(keyDir, { recursive: true, force: true });
    });

    it('appends are numbered 1..N, chained and checkpointed every 10 entries and on demand', async () => {
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: ENTRIES }, (_, i) => i + 1));
      expect(checkpoints.map((c) => c.seq)).toEqual([10, 20, 25]);
      const verdict = await audit.verify();
      expect(verdict).toMatchObject({
        intact: true,
        entries: ENTRIES,
        checkpoints: 3,
        lastSeq: ENTRIES,
        firstBroken: null,
      });
      expect(JSON.parse(rows[0]?.entry ?? '')).toMatchObject({ seq: 1, kind: 'request', action: 'node.drain' });
    });

    it('every single-byte change of any entry or hash is found, at that entry', () => {
      let changes = 0;
      for (const [r, row] of rows.entries()) {
        for (const field of ['entry', 'hash'] as const) {
          for (let i = 0; i < row[field].length; i++) {
            const tampered = rows.map((x, j) => (j === r ? { ...x, [field]: flip(x[field], i) } : x));
            const verdict = verifyChain(tampered, checkpoints, signer.publicKey);
            expect(verdict.intact, `${field} byte ${i} of entry ${row.seq}`).toBe(false);
            expect(verdict.firstBroken?.seq).toBe(row.seq);
            changes++;
          }
        }
      }
      expect(changes).toBeGreaterThan(ENTRIES * 100);
    });

    it('every single-byte change of a checkpoint is found', () => {
      for (const [c, cp] of checkpoints.entries()) {
        for (const field of ['hash', 'signature', 'keyId'] as const) {
          for (let i = 0; i < cp[field].length; i++) {
            const tampered = checkpoints.map((x, j) => (j === c ? { ...x, [field]: flip(x[field], i) } : x));
            expect(
              verifyChain(rows, tampered, signer.publicKey).intact,
              `${field} byte ${i} of checkpoint ${cp.seq}`,
            ).toBe(false);
          }
        }
        const moved = checkpoints.map((x, j) => (j === c ? { ...x, at: x.at + 1 } : x));
        expect(verifyChain(rows, moved, signer.publicKey).intact).toBe(false);
      }
    });

    it('a key pinned elsewhere refuses checkpoints signed by any other key', () => {
      const other = generateKeyPairSync('ed25519').publicKey;
      const verdict = verifyChain(rows, checkpoints, other);
      expect(verdict).toMatchObject({ intact: false, firstBroken: { seq: 1 } });
    });

    describe('in the store, as someone with write access to the database', () => {
      const asOwner = async (statements: ReturnType<typeof sql> | ReturnType<typeof sql>[]) => {
        await store.db.execute(sql`alter table audit_log disable trigger user`);
        try {
          for (const statement of [statements].flat()) await store.db.execute(statement);
        } finally {
          await store.db.execute(sql`alter table audit_log enable trigger user`);
        }
      };
      const restore = async () => {
        await asOwner(sql`delete from audit_log`);
        for (const r of rows) {
          await store.db.execute(
            sql`insert into audit_log (seq, entry, hash) values (${r.seq}, ${r.entry}, ${r.hash})`,
          );
        }
        expect((await audit.verify()).intact).toBe(true);
      };

      it('the trigger refuses UPDATE, DELETE and TRUNCATE of entries and checkpoints', async () => {
        for (const statement of [
          sql`update audit_log set entry = entry || ' ' where seq = 3`,
          sql`delete from audit_log where seq = 3`,
          sql`truncate audit_log`,
          sql`update audit_checkpoints set hash = 'x' where seq = 10`,
          sql`delete from audit_checkpoints`,
        ]) {
          const error = await store.db.execute(statement).then(
            () => undefined,
            (e: unknown) => e as Error & { cause?: Error },
          );
          expect(`${error?.message} ${error?.cause?.message}`).toMatch(/append-only/);
        }
        expect((await audit.verify()).intact).toBe(true);
      });

      it('finds a flipped byte, a deleted row, reordered rows, a re-hashed rewrite and a cut-off tail', async () => {
        const cases: { name: string; tamper: ReturnType<typeof sql>[]; firstBroken: number }[] = [
          {
            name: 'flip a byte of entry 7',
            tamper: [sql`update audit_log set entry = overlay(entry placing 'Z' from 12 for 1) where seq = 7`],
            firstBroken: 7,
          },
          {
            name: 'flip a byte of hash 8',
            tamper: [sql`update audit_log set hash = overlay(hash placing 'z' from 5 for 1) where seq = 8`],
            firstBroken: 8,
          },
          { name: 'delete entry 12', tamper: [sql`delete from audit_log where seq = 12`], firstBroken: 12 },
          {
            name: 'swap entries 4 and 5',
            tamper: [
              sql`update audit_log set seq = -4 where seq = 4`,
              sql`update audit_log set seq = 4 where seq = 5`,
              sql`update audit_log set seq = 5 where seq = -4`,
            ],
            firstBroken: 4,
          },
          { name: 'cut off entries after 20', tamper: [sql`delete from audit_log where seq > 20`], firstBroken: 21 },
        ];
        for (const c of cases) {
          await asOwner(c.tamper);
          const verdict = await audit.verify();
          expect(verdict.intact, c.name).toBe(false);
          expect(verdict.firstBroken?.seq, `${c.name}: ${verdict.firstBroken?.reason}`).toBe(c.firstBroken);
          await restore();
        }
      });

      it('a rewrite that re-hashes the rest of the chain is caught by the signed checkpoint', async () => {
        const { chainHash } = await import('./chain.js');
        const forged = rows.map((r) => ({ ...r }));
        const target = forged[13] as AuditRow;
        target.entry = target.entry.replace('node.drain', 'node.cordon');
        for (let i = 13; i < forged.length; i++) {
          const row = forged[i] as AuditRow;
          row.hash = chainHash(i === 0 ? '0'.repeat(64) : (forged[i - 1] as AuditRow).hash, row.entry);
        }
        await asOwner(sql`delete from audit_log where seq >= 14`);
        for (const r of forged.slice(13)) {
          await store.db.execute(
            sql`insert into audit_log (seq, entry, hash) values (${r.seq}, ${r.entry}, ${r.hash})`,
          );
        }
        const verdict = await audit.verify();
        expect(verdict.intact).toBe(false);
        expect(verdict.firstBroken?.seq).toBe(11);
        expect(verdict.firstBroken?.reason).toMatch(/checkpoint 20/);
        await restore();
      });

      it('the signing key is stored encrypted: the wrong key file refuses to open it', async () => {
        const stored = rowsOf<{ value: string }>(
          await store.db.execute(sql`select value from settings where key = 'audit_signing_key'`),
        )[0]?.value;
        expect(stored).toBeDefined();
        expect(stored).not.toContain('PRIVATE KEY');
        const wrong = path.join(keyDir, 'wrong.key');
        writeFileSync(wrong, `${Buffer.alloc(32, 7).toString('base64')}\n`);
        await expect(AuditSigner.open(store, wrong)).rejects.toThrow(KeyFileError);
        await expect(AuditSigner.open(store, path.join(keyDir, 'absent.key'))).rejects.toThrow(/missing/);
        const again = await AuditSigner.open(store, path.join(keyDir, 'master.key'));
        expect(again.keyId).toBe(signer.keyId);
      });
    });
  });
}
