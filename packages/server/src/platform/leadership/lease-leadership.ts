import { type SQL, sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../store/engine.js';
import type { Db } from '../store/index.js';
import { type DecisionLog, unrecordedDecisions } from './decisions.js';
import type { Leadership } from './leadership.js';
import type { SessionLock } from './session-lock.js';

/** Milliseconds by the database clock, so replicas with skewed clocks agree on expiry. */
const NOW_MS = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
const EXPIRES_AT = (ttlMs: number) => sql`${NOW_MS} + ${ttlMs}`;

/** Timing of the lease; defaults follow the design: renew every 500 ms, expire after 2 s. */
export interface LeaseOptions {
  /** Name of the lease row; one per set of controllers. */
  name?: string;
  /** Identity of this replica, unique among replicas. */
  holder: string;
  renewEveryMs?: number;
  ttlMs?: number;
  /**
   * A lock only one session holds (PostgreSQL: a session advisory lock). Whoever is granted it
   * takes the lease at once, without waiting for it to expire: the previous holder's session has
   * ended, so it died or let go. Without one, the lease passes only when it expires or is handed back.
   */
  lock?: SessionLock;
  /** Monotonic milliseconds, for the renewal deadline (tests may fake time). */
  now?: () => number;
  /** Called with errors of a renewal (the replica then counts as not leading). */
  onError?: (error: unknown) => void;
  /** The audit chain, where the lease taken and handed back is recorded (default: not recorded). */
  decisions?: DecisionLog;
}

/** The controller name leadership changes are recorded under in the audit chain. */
const LEADERSHIP = 'leadership';

/**
 * Leadership through a lease row in PostgreSQL: the holder renews it; when it
 * lapses, is handed back, or its holder's lock session ends, another replica
 * takes it and the epoch increases. Expiry is judged by the database clock so
 * replicas with skewed clocks agree; the holder also keeps a deadline of its own
 * (start of its last successful renewal + TTL) and stops acting at once when it
 * passes without a renewal, before any other replica can take over.
 */
export class LeaseLeadership implements Leadership {
  #leader = false;
  #epoch = 0;
  #deadline = 0;
  #timer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #listeners = new Set<(leader: boolean) => void>();
  #stopped = false;
  /** Set when the lock was just granted: the next tick takes the lease whoever holds it. */
  #granted = false;
  #holdsLock = false;
  #lockLoop: Promise<void> | undefined;
  #ticking: Promise<void> = Promise.resolve();
  readonly #name: string;
  readonly #renewEveryMs: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(
    private readonly db: Db,
    private readonly options: LeaseOptions,
  ) {
    this.#name = options.name ?? 'controllers';
    this.#renewEveryMs = options.renewEveryMs ?? 500;
    this.#ttlMs = options.ttlMs ?? 2_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Tries to take the lease once, then keeps renewing in the background (and waits for the lock, if any). */
  async start(): Promise<void> {
    await this.tick();
    this.#schedule();
    if (this.options.lock) this.#lockLoop = this.#waitForLock(this.options.lock);
  }

  isLeader(): boolean {
    return this.#leader && this.#now() < this.#deadline;
  }

  get epoch(): number {
    return this.#epoch;
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * `for key share` lets a renewal (which changes neither holder nor epoch) go ahead while a fenced
   * transaction is open, so a long one cannot make the leader miss its deadline; a takeover locks
   * the row `for update` first, which waits for every open fenced transaction to end.
   */
  fence(): SQL {
    return sql`select 1 from leases where name = ${this.#name} and holder = ${this.options.holder} and epoch = ${this.#epoch} for key share`;
  }

  /** One renewal or takeover attempt; attempts never overlap. */
  tick(): Promise<void> {
    this.#ticking = this.#ticking.then(() => this.#tick());
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    const startedAt = this.#now();
    const force = this.#granted;
    let epoch: number | undefined;
    let refused = false;
    const takeable = force ? sql`true` : sql`leases.holder = excluded.holder or leases.expires_at < ${NOW_MS}`;
    const upsert = async (tx: Tx): Promise<number | undefined> => {
      const result = await tx.execute<{ epoch: string | number }>(sql`
        insert into leases (name, holder, epoch, expires_at)
        values (${this.#name}, ${this.options.holder}, 1, ${EXPIRES_AT(this.#ttlMs)})
        on conflict (name) do update
          set holder = excluded.holder,
              epoch = case when leases.holder = excluded.holder then leases.epoch else leases.epoch + 1 end,
              expires_at = excluded.expires_at
          where ${takeable}
        returning epoch`);
      const row = rowsOf<{ epoch: string | number }>(result)[0];
      return row ? Number(row.epoch) : undefined;
    };
    try {
      // The leader renews in one statement that changes neither holder nor epoch, so open fenced
      // transactions (`for key share`) do not hold it up. A replica that does not lead first reads the
      // row without locking it and stops there while another holder's lease is current. Otherwise it
      // tries in a transaction that locks the row `for update` (waiting for the fenced transactions
      // still open) and, when it takes the lease, records the take (from which holder, at which epoch)
      // in the audit chain before it commits. A leader that lost the lease writes nothing: its
      // successor's take names it.
      epoch = this.#leader
        ? await this.#renew()
        : !force && (await this.#heldByAnother())
          ? undefined
          : await this.db.transaction(async (tx) => {
              const prior = rowsOf<{ holder: string; epoch: string | number }>(
                await tx.execute(sql`select holder, epoch from leases where name = ${this.#name} for update`),
              )[0];
              const taken = await upsert(tx);
              if (taken !== undefined) {
                await (this.options.decisions ?? unrecordedDecisions).record(tx, LEADERSHIP, taken, [
                  {
                    decision: 'leadership.taken',
                    subject: { lease: this.#name },
                    detail: {
                      holder: this.options.holder,
                      from: prior?.holder ?? null,
                      fromEpoch: prior ? Number(prior.epoch) : null,
                      ...(force ? { how: 'lock granted' } : {}),
                    },
                  },
                ]);
              }
              return taken;
            });
      if (epoch === undefined) refused = true;
      if (force) this.#granted = false;
    } catch (error) {
      // A failed renewal keeps what the deadline allows; the deadline timer ends it.
      this.options.onError?.(error);
    }
    if (this.#stopped || epoch === undefined) {
      if (!this.#stopped && refused) {
        // Another replica holds the lease (it took it once ours expired): stop now, and let it have the lock too.
        // Unless the lock was granted while this attempt ran: the forced take queued behind it is the
        // answer to that grant, and releasing here would hand the lock back before it ran.
        if (this.#holdsLock && !this.#granted) void this.options.lock?.release();
        this.#set(false);
      }
      return;
    }
    // A renewal that took longer than the TTL came too late: the deadline has passed and stays so.
    if (startedAt + this.#ttlMs <= this.#now()) return this.#lapse();
    this.#epoch = epoch;
    this.#deadline = startedAt + this.#ttlMs;
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(() => this.#lapse(), Math.max(0, this.#deadline - this.#now()));
    this.#deadlineTimer.unref();
    this.#set(true);
  }

  /** The leader extends its lease; holder and epoch stay, so open fenced transactions do not stand in the way. */
  async #renew(): Promise<number | undefined> {
    const result = await this.db.execute<{ epoch: string | number }>(sql`
      update leases set expires_at = ${EXPIRES_AT(this.#ttlMs)}
      where name = ${this.#name} and holder = ${this.options.holder} and epoch = ${this.#epoch}
      returning epoch`);
    const row = rowsOf<{ epoch: string | number }>(result)[0];
    return row ? Number(row.epoch) : undefined;
  }

  /** Whether another replica holds a current lease: most ticks of a follower, which then lock nothing. */
  async #heldByAnother(): Promise<boolean> {
    const held = await this.db.execute<{ free: boolean }>(sql`
      select holder = ${this.options.holder} or expires_at < ${NOW_MS} as free from leases where name = ${this.#name}`);
    const row = rowsOf<{ free: boolean }>(held)[0];
    return row !== undefined && !row.free;
  }

  /** The deadline passed without a renewal: stop acting now, before anyone can take over. */
  #lapse(): void {
    if (this.#now() < this.#deadline) return;
    if (this.#holdsLock) void this.options.lock?.release();
    this.#set(false);
  }

  #set(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    for (const listener of this.#listeners) listener(leader);
  }

  /** Waits for the lock; when granted takes the lease at once; when it is lost waits again. */
  async #waitForLock(lock: SessionLock): Promise<void> {
    while (!this.#stopped) {
      try {
        const { lost } = await lock.acquire();
        if (this.#stopped) break;
        this.#holdsLock = true;
        this.#granted = true;
        await this.tick();
        await lost;
        this.#holdsLock = false;
        this.#granted = false;
        // Another replica is being granted the lock and takes over: stop acting now (a later renewal may resume).
        if (!this.#stopped) this.#set(false);
      } catch (error) {
        this.#holdsLock = false;
        if (this.#stopped) break;
        this.options.onError?.(error);
        await new Promise((r) => setTimeout(r, this.#renewEveryMs).unref());
      }
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.tick().finally(() => this.#schedule());
    }, this.#renewEveryMs);
    this.#timer.unref();
  }

  /** Stops renewing and hands the lease back (and the lock) so another replica takes over at once. */
  async stop(): Promise<void> {
    const wasLeader = this.#leader;
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#deadlineTimer);
    this.#set(false);
    // A renewal in flight must not land after the hand-back; bounded, as the database may be what hangs.
    await Promise.race([this.#ticking, new Promise((r) => setTimeout(r, this.#ttlMs).unref())]);
    if (wasLeader) {
      const epoch = this.#epoch;
      await this.db
        .transaction(async (tx) => {
          const released = rowsOf(
            await tx.execute(sql`update leases set expires_at = 0
              where name = ${this.#name} and holder = ${this.options.holder} and epoch = ${epoch} returning 1`),
          );
          if (released.length === 0) return;
          await (this.options.decisions ?? unrecordedDecisions).record(tx, LEADERSHIP, epoch, [
            {
              decision: 'leadership.released',
              subject: { lease: this.#name },
              detail: { holder: this.options.holder },
            },
          ]);
        })
        .catch(() => undefined);
    }
    await this.options.lock?.close();
    await this.#lockLoop;
  }
}
