import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../platform/store/index.js';
import { apiTokens } from '../../platform/store/schema.js';

/** An API token row. */
export type ApiTokenRow = typeof apiTokens.$inferSelect;

/** API tokens, stored by the SHA-256 of their secret. */
export class ApiTokenRepo {
  constructor(private readonly db: Db) {}

  async create(row: ApiTokenRow): Promise<void> {
    await this.db.insert(apiTokens).values(row);
  }

  /** Every token, revoked and expired ones included (they are evidence), oldest first. */
  list(): Promise<ApiTokenRow[]> {
    return this.db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
  }

  /** The token with this hash if it is neither revoked nor expired at `now`. */
  async usable(tokenHash: string, now: number): Promise<ApiTokenRow | undefined> {
    const rows = await this.db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
    const row = rows[0];
    return row && row.expiresAt > now ? row : undefined;
  }

  /** Revokes a token; returns it, or undefined when there is no such token. Revoking twice keeps the first time. */
  async revoke(id: string, now: number): Promise<ApiTokenRow | undefined> {
    const rows = await this.db
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning();
    if (rows[0]) return rows[0];
    return (await this.db.select().from(apiTokens).where(eq(apiTokens.id, id)))[0];
  }
}
