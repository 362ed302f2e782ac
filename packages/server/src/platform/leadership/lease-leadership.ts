import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../store/index.js';
import type { Leadership } from './leadership.js';

/** Timing of the lease; defaults follow the design: renew every 500 ms, expire after 2 s. */
export interface LeaseOptions {
  /** Name of the lease row; one per set of controllers. */
  name?: string;
  /** Identity of this replica, unique among replicas. */
  holder: string;
  renewEveryMs?: number;
  ttlMs?: number;
  /** Called with errors of a renewal (the replica then counts as not leading). */
  onError?: (error: unknown) => void;
}

/**
 * Leadership through a lease row in PostgreSQL: the holder renews it; when it
 * lapses another replica takes it and the epoch increases. Times come from
 * the database clock so replicas with skewed clocks agree on expiry.
 */
export class LeaseLeadership implements Leadership {
  #leader = false;
  #epoch = 0;
  #timer: NodeJS.Timeout | undefined;
  #listeners = new Set<(leader: boolean) => void>();
  #stopped = false;
  readonly #name: string;
  readonly #renewEveryMs: number;
  readonly #ttlMs: number;

  constructor(
    private readonly db: Db,
    private readonly options: LeaseOptions,
  ) {
    this.#name = options.name ?? 'controllers';
    this.#renewEveryMs = options.renewEveryMs ?? 500;
    this.#ttlMs = options.ttlMs ?? 2_000;
  }

  /** Tries to take the lease once, then keeps renewing in the background. */
  async start(): Promise<void> {
    await this.tick();
    this.#schedule();
  }

  isLeader(): boolean {
    return this.#leader;
  }

  get epoch(): number {
    return this.#epoch;
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  fence(): SQL {
    return sql`select 1 from leases where name = ${this.#name} and holder = ${this.options.holder} and epoch = ${this.#epoch} for share`;
  }

  /** One renewal or takeover attempt. */
  async tick(): Promise<void> {
    let leader = false;
    try {
      const result = await this.db.execute<{ epoch: string | number }>(sql`
        insert into leases (name, holder, epoch, expires_at)
        values (${this.#name}, ${this.options.holder}, 1, (extract(epoch from clock_timestamp()) * 1000)::bigint + ${this.#ttlMs})
        on conflict (name) do update
          set holder = excluded.holder,
              epoch = case when leases.holder = excluded.holder then leases.epoch else leases.epoch + 1 end,
              expires_at = excluded.expires_at
          where leases.holder = excluded.holder
             or leases.expires_at < (extract(epoch from clock_timestamp()) * 1000)::bigint
        returning epoch`);
      const row = (result as unknown as { rows: { epoch: string | number }[] }).rows[0];
      if (row) {
        leader = true;
        this.#epoch = Number(row.epoch);
      }
    } catch (error) {
      this.options.onError?.(error);
    }
    if (leader !== this.#leader) {
      this.#leader = leader;
      for (const listener of this.#listeners) listener(leader);
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.tick().finally(() => this.#schedule());
    }, this.#renewEveryMs);
    this.#timer.unref();
  }

  /** Stops renewing and hands the lease back so another replica takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#leader) {
      await this.db
        .execute(sql`update leases set expires_at = 0 where name = ${this.#name} and holder = ${this.options.holder}`)
        .catch(() => undefined);
    }
    this.#leader = false;
  }
}
