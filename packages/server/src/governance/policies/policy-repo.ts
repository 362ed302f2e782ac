import type { PolicyChange } from '@aurora/sdk';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { schemaLock, type Tx } from '../../platform/store/engine.js';
import type { Db } from '../../platform/store/index.js';
import { policyVersions } from '../../platform/store/schema.js';
import type { PolicyDocument } from '../authz/engine.js';

export type PolicyVersionRow = typeof policyVersions.$inferSelect;

/** A transaction's view of the versions table, for checks made under the change lock. */
export interface PolicyTx {
  /** The documents in force as this transaction sees them. */
  active(): Promise<PolicyVersionRow[]>;
  latest(id: string): Promise<PolicyVersionRow | undefined>;
  version(id: string, version: number): Promise<PolicyVersionRow | undefined>;
  /** Adds the next version of `id`. */
  append(row: Omit<typeof policyVersions.$inferInsert, 'seq' | 'version'>): Promise<PolicyVersionRow>;
}

/**
 * The versions of every Cedar policy document. Rows are only ever added: a
 * change, a rollback and a deletion are each a new version, so history and
 * the audit trail agree.
 */
export class PolicyRepo {
  constructor(private readonly db: Db) {}

  /** Grows with every change of any document: a replica compares it to the one it loaded. */
  async generation(): Promise<number> {
    return generationIn(this.db);
  }

  /** The latest version of every document that has text (is not deleted), by id, and the generation they make. */
  async active(): Promise<{ generation: number; rows: PolicyVersionRow[] }> {
    return this.db.transaction(async (tx) => {
      return { generation: await generationIn(tx), rows: await activeIn(tx) };
    });
  }

  async versions(id: string): Promise<PolicyVersionRow[]> {
    return this.db.select().from(policyVersions).where(eq(policyVersions.id, id)).orderBy(asc(policyVersions.version));
  }

  async version(id: string, version: number): Promise<PolicyVersionRow | undefined> {
    return versionIn(this.db, id, version);
  }

  async latest(id: string): Promise<PolicyVersionRow | undefined> {
    return latestIn(this.db, id);
  }

  /**
   * Stores as version 1 every document whose id has never had a row, and returns those. A shipped
   * policy is so seeded once, on the first start or on the upgrade that first ships it, and a
   * deployment that deleted or edited it keeps its own (a deletion is a row too).
   * Replicas starting together seed once (the lock, and the unique id and version).
   */
  async seed(documents: readonly PolicyDocument[], now: number): Promise<PolicyDocument[]> {
    return this.change(async (tx) => {
      const known = new Set(
        (await tx.db.selectDistinct({ id: policyVersions.id }).from(policyVersions)).map((r) => r.id),
      );
      const fresh = documents.filter((d) => !known.has(d.id));
      for (const d of fresh) {
        await tx.append({
          id: d.id,
          text: d.text,
          change: 'seed',
          fromVersion: null,
          author: { kind: 'system' },
          createdAt: now,
        });
      }
      return fresh;
    });
  }

  /** Runs `fn` in one transaction under the lock that orders every policy change across replicas. */
  async change<T>(fn: (tx: PolicyTx & { db: Tx }) => Promise<T>): Promise<T> {
    return this.db.transaction(async (db) => {
      await db.execute(schemaLock('policies'));
      return fn({
        db,
        active: () => activeIn(db),
        latest: (id) => latestIn(db, id),
        version: (id, version) => versionIn(db, id, version),
        async append(row) {
          const current = await latestIn(db, row.id);
          const [inserted] = await db
            .insert(policyVersions)
            .values({ ...row, version: (current?.version ?? 0) + 1 })
            .returning();
          return inserted as PolicyVersionRow;
        },
      });
    });
  }
}

async function latestIn(db: Tx, id: string): Promise<PolicyVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(policyVersions)
    .where(eq(policyVersions.id, id))
    .orderBy(desc(policyVersions.version))
    .limit(1);
  return row;
}

async function versionIn(db: Tx, id: string, version: number): Promise<PolicyVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(policyVersions)
    .where(and(eq(policyVersions.id, id), eq(policyVersions.version, version)));
  return row;
}

async function activeIn(db: Tx): Promise<PolicyVersionRow[]> {
  const latest = await db
    .select()
    .from(policyVersions)
    .where(
      sql`${policyVersions.version} = (select max(p.version) from policy_versions p where p.id = ${policyVersions.id})`,
    )
    .orderBy(asc(policyVersions.id));
  return latest.filter((r) => r.text !== null);
}

async function generationIn(db: Tx): Promise<number> {
  const [row] = await db.select({ seq: sql<number | null>`max(${policyVersions.seq})` }).from(policyVersions);
  return Number(row?.seq ?? 0);
}

/** A change as the SDK names it. */
export function changeOf(row: PolicyVersionRow): PolicyChange {
  return row.change as PolicyChange;
}
