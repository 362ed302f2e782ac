import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from './engine.js';
import { joinTokens } from './schema.js';

/** A join token row. */
export type JoinTokenRow = typeof joinTokens.$inferSelect;

/** Join tokens, stored by the SHA-256 of their secret. */
export class TokenRepo {
  constructor(private readonly db: Db) {}

  async create(row: JoinTokenRow): Promise<void> {
    await this.db.insert(joinTokens).values(row);
  }

  /** Tokens that can still be used at `now`, oldest first. */
  list(now: number): Promise<JoinTokenRow[]> {
    return this.db
      .select()
      .from(joinTokens)
      .where(and(gt(joinTokens.expiresAt, now), gt(joinTokens.usesRemaining, 0)))
      .orderBy(asc(joinTokens.createdAt));
  }

  /** Revokes a token; returns whether it existed. */
  async delete(id: string): Promise<boolean> {
    const rows = await this.db.delete(joinTokens).where(eq(joinTokens.id, id)).returning({ id: joinTokens.id });
    return rows.length === 1;
  }

  /** Atomically uses one use of an unexpired token; returns it, or undefined if unknown, expired or used up. */
  async consume(tokenHash: string, now: number): Promise<JoinTokenRow | undefined> {
    const rows = await this.db
      .update(joinTokens)
      .set({ usesRemaining: sql`${joinTokens.usesRemaining} - 1` })
      .where(and(eq(joinTokens.tokenHash, tokenHash), gt(joinTokens.expiresAt, now), gt(joinTokens.usesRemaining, 0)))
      .returning();
    return rows[0];
  }

  /** The token with this hash if it exists and has not expired, used up or not. */
  async unexpired(tokenHash: string, now: number): Promise<JoinTokenRow | undefined> {
    const rows = await this.db
      .select()
      .from(joinTokens)
      .where(and(eq(joinTokens.tokenHash, tokenHash), gt(joinTokens.expiresAt, now)));
    return rows[0];
  }

  /** Gives a use back, when the join it was consumed for failed. */
  async refund(id: string): Promise<void> {
    await this.db
      .update(joinTokens)
      .set({ usesRemaining: sql`${joinTokens.usesRemaining} + 1` })
      .where(eq(joinTokens.id, id));
  }
}
