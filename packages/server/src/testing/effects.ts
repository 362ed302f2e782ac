import { eq, like, sql } from 'drizzle-orm';
import type { Db } from '../platform/store/index.js';
import { settings } from '../platform/store/schema.js';

/**
 * A side effect for workflow tests that honours idempotency keys the way a real action must: the
 * key is recorded with the effect in one transaction, so a second attempt with the same key is a
 * no-op. `effect-count:<name>` counts how often the effect was applied, `effect-calls:<name>` how
 * often it was called.
 */
export async function applyOnce(db: Db, name: string, idempotencyKey: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await bump(tx as unknown as Db, `effect-calls:${name}`);
    const inserted = await tx
      .insert(settings)
      .values({ key: `effect-key:${idempotencyKey}`, value: name })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) return false;
    await bump(tx as unknown as Db, `effect-count:${name}`);
    return true;
  });
}

async function bump(db: Db, key: string): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value: '1' })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`(${settings.value}::int + 1)::text` } });
}

/** Every counter `effect-<kind>:<name>` as a map from name to count. */
export async function effectCounts(db: Db, kind: 'count' | 'calls'): Promise<Record<string, number>> {
  const rows = await db
    .select()
    .from(settings)
    .where(like(settings.key, `effect-${kind}:%`));
  return Object.fromEntries(rows.map((r) => [r.key.slice(`effect-${kind}:`.length), Number(r.value)]));
}

/** Whether the effect was applied for this idempotency key. */
export async function appliedFor(db: Db, idempotencyKey: string): Promise<boolean> {
  const rows = await db
    .select()
    .from(settings)
    .where(eq(settings.key, `effect-key:${idempotencyKey}`));
  return rows.length > 0;
}
