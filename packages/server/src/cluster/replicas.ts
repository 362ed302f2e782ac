import { sql } from 'drizzle-orm';
import type { Controller } from '../platform/leadership/controllers.js';
import { rowsOf } from '../platform/store/engine.js';
import type { Db } from '../platform/store/index.js';

/** How often a replica says it is alive. */
export const REPLICA_BEAT_MS = 10_000;
/** A replica not seen for this long is left out of the list agents get (three missed beats). */
export const REPLICA_TTL_MS = 3 * REPLICA_BEAT_MS;

/** Database clock in ms: replicas compare each other's beats against one clock, not their own. */
const DB_NOW = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * Where this control plane's replicas listen, as agents should reach them. Each replica writes its
 * row at start and every {@link REPLICA_BEAT_MS}, and deletes it on a clean stop; the list of those
 * seen recently is kept in memory, so a join answer reads no table.
 */
export class ReplicaRegistry {
  #urls: string[];

  constructor(
    private readonly db: Db,
    /** This replica's id (the lease holder name). */
    readonly id: string,
    /** The URL agents use to reach this replica. */
    readonly url: string,
  ) {
    this.#urls = [url];
  }

  /** Records this replica as alive and reads who else is. */
  async beat(): Promise<void> {
    await this.db.execute(sql`insert into replicas (id, url, seen_at) values (${this.id}, ${this.url}, ${DB_NOW})
      on conflict (id) do update set url = excluded.url, seen_at = excluded.seen_at`);
    const rows = rowsOf<{ url: string }>(
      await this.db.execute(sql`select distinct url from replicas where seen_at >= ${DB_NOW} - ${REPLICA_TTL_MS}
        order by url`),
    );
    // This replica first: an agent that joined here has just reached it.
    this.#urls = [this.url, ...rows.map((r) => r.url).filter((u) => u !== this.url)];
  }

  /** The replicas' URLs, this one first. */
  urls(): string[] {
    return [...this.#urls];
  }

  /** Removes this replica's row, so agents joining from now on are not sent here. */
  async leave(): Promise<void> {
    await this.db.execute(sql`delete from replicas where id = ${this.id}`);
  }

  controller(): Controller {
    return { name: 'replica-registry', intervalMs: REPLICA_BEAT_MS, runOnce: () => this.beat() };
  }
}
