import { and, asc, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../../platform/store/index.js';
import { eventTickets, runApprovals, userSessions, users } from '../../platform/store/schema.js';

/** How `run_approvals.approver` names a user (healing writes it; the capabilities do not import each other). */
export const approverKey = (userId: string) => `user:${userId}`;

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof userSessions.$inferSelect;

/** Users, their login sessions and event-stream tickets. */
export class UserRepo {
  constructor(private readonly db: Db) {}

  async create(row: typeof users.$inferInsert): Promise<UserRow | undefined> {
    const rows = await this.db.insert(users).values(row).onConflictDoNothing().returning();
    return rows[0];
  }

  list(): Promise<UserRow[]> {
    return this.db.select().from(users).orderBy(asc(users.name));
  }

  async count(): Promise<number> {
    const rows = await this.db.select({ n: sql<number>`count(*)::int` }).from(users);
    return Number(rows[0]?.n ?? 0);
  }

  async byName(name: string): Promise<UserRow | undefined> {
    return (await this.db.select().from(users).where(eq(users.name, name)))[0];
  }

  async byId(id: string): Promise<UserRow | undefined> {
    return (await this.db.select().from(users).where(eq(users.id, id)))[0];
  }

  async update(id: string, patch: Partial<Omit<UserRow, 'id' | 'createdAt'>>): Promise<UserRow | undefined> {
    return (await this.db.update(users).set(patch).where(eq(users.id, id)).returning())[0];
  }

  /**
   * Erases a user: its row, its sessions, and its name on approval decisions, which stay (runs were
   * gated on them) under the pseudonym the audit chain uses. One transaction, so no name outlives
   * its row. No foreign key: migrations stay free of schema-qualified references.
   */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const gone = await tx.delete(users).where(eq(users.id, id)).returning({ id: users.id });
      if (gone.length !== 1) return false;
      await tx.delete(userSessions).where(eq(userSessions.userId, id));
      await tx
        .update(runApprovals)
        .set({ name: `erased user ${id}` })
        .where(eq(runApprovals.approver, approverKey(id)));
      return true;
    });
  }

  /**
   * Counts a failed login in one statement (concurrent guesses cannot race
   * past the limit); the failure that reaches `maxFailures` locks the user
   * until `now + lockoutMs` and starts the count again. Returns the lock, if any.
   */
  async recordFailure(id: string, now: number, maxFailures: number, lockoutMs: number): Promise<number | null> {
    const rows = await this.db
      .update(users)
      .set({
        failedLogins: sql`case when ${users.failedLogins} + 1 >= ${maxFailures} then 0 else ${users.failedLogins} + 1 end`,
        lockedUntil: sql`case when ${users.failedLogins} + 1 >= ${maxFailures} then ${now + lockoutMs}::bigint else ${users.lockedUntil} end`,
      })
      .where(eq(users.id, id))
      .returning({ lockedUntil: users.lockedUntil });
    const until = rows[0]?.lockedUntil ?? null;
    return until !== null && until > now ? until : null;
  }

  async recordSuccess(id: string): Promise<void> {
    await this.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, id));
  }

  async createSession(row: SessionRow): Promise<void> {
    await this.db.insert(userSessions).values(row);
  }

  /** A session that is neither revoked nor expired at `now`, with its user. */
  async usableSession(id: string, now: number): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const rows = await this.db
      .select({ session: userSessions, user: users })
      .from(userSessions)
      .innerJoin(users, eq(users.id, userSessions.userId))
      .where(and(eq(userSessions.id, id), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now)));
    return rows[0];
  }

  /**
   * Swaps a session's refresh token for a new one, in one statement so a
   * refresh token works once: replaying it (or racing it) finds nothing.
   */
  async rotateRefresh(
    oldHash: string,
    newHash: string,
    now: number,
  ): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const rows = await this.db
      .update(userSessions)
      .set({ refreshHash: newHash })
      .where(
        and(eq(userSessions.refreshHash, oldHash), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now)),
      )
      .returning();
    const session = rows[0];
    if (!session) return undefined;
    const user = await this.byId(session.userId);
    return user ? { session, user } : undefined;
  }

  /** Revokes one session; returns whether it was live. */
  async revokeSession(id: string, now: number): Promise<boolean> {
    const rows = await this.db
      .update(userSessions)
      .set({ revokedAt: now })
      .where(and(eq(userSessions.id, id), isNull(userSessions.revokedAt)))
      .returning({ id: userSessions.id });
    return rows.length === 1;
  }

  /** Revokes every live session of a user, but `keep` when given (the one changing its password). */
  async revokeSessionsOf(userId: string, now: number, keep?: string): Promise<void> {
    await this.db
      .update(userSessions)
      .set({ revokedAt: now })
      .where(
        and(
          eq(userSessions.userId, userId),
          isNull(userSessions.revokedAt),
          ...(keep ? [ne(userSessions.id, keep)] : []),
        ),
      );
  }

  /** Stores a ticket, sweeping expired ones on the way (a ticket never used is left behind otherwise). */
  async createTicket(ticketHash: string, principal: Record<string, unknown>, expiresAt: number, now: number) {
    await this.db.delete(eventTickets).where(lt(eventTickets.expiresAt, now));
    await this.db.insert(eventTickets).values({ ticketHash, principal, expiresAt });
  }

  /** Takes a ticket: deleted as it is read, so it opens one stream. */
  async consumeTicket(ticketHash: string, now: number): Promise<Record<string, unknown> | undefined> {
    const rows = await this.db
      .delete(eventTickets)
      .where(and(eq(eventTickets.ticketHash, ticketHash), gt(eventTickets.expiresAt, now)))
      .returning();
    return rows[0]?.principal;
  }
}
