import { type SQL, sql } from 'drizzle-orm';
import { type DecisionLog, unrecordedDecisions } from '../platform/leadership/index.js';
import { arrayParam as arr, type Db, rowsOf, type Tx } from '../platform/store/engine.js';
import { FencedWriteError } from '../platform/store/index.js';

/** The lease row of one detection partition in the `leases` table. */
export function partitionLeaseName(partition: number): string {
  return `detection/${partition}`;
}

/** The partition a lease row of {@link partitionLeaseName} is for. */
function leasePartition(name: string): number {
  return Number(name.slice('detection/'.length));
}

/**
 * The partition of a head row or series, computed in SQL from its source
 * (`node:<id>`, `instance:<…>`, `scrape:<…>`), so every series of a node
 * lands in one partition and an owner reads only its own head rows.
 * `hashtext` is PostgreSQL's (PGlite runs the same code); should a major
 * version change it, partitions move, which costs nothing: detector state
 * is kept per series, not per partition.
 */
export function partitionOf(sourceColumn: SQL, partitions: number): SQL {
  return sql`((hashtext(${sourceColumn}) & 2147483647) % ${partitions})`;
}

/**
 * Detection partitions owned through leases in the `leases` table, one row
 * per partition, renewed together in one statement. A holder keeps a
 * partition while it renews within `ttlMs`; another takes it over once it
 * lapses, with a higher epoch, so the deposed holder's writes are refused
 * ({@link assertHeld} inside every write transaction).
 */
export class PartitionLeases {
  /** Owned partitions and the epoch each was taken at. */
  readonly owned = new Map<number, number>();

  constructor(
    private readonly db: Db,
    readonly holder: string,
    private readonly ttlMs: number,
    /** The audit chain, where partitions taken and handed back are recorded, as `controller`'s decisions. */
    private readonly decisions: DecisionLog = unrecordedDecisions,
    private readonly controller = 'detection',
  ) {}

  /**
   * Takes or renews `wanted` partitions; returns those newly taken (whose
   * cursors and series the caller must load). Partitions another holder
   * still leases are left alone.
   *
   * Renewing only what it owns is one statement, as every pass does it. Wanting a partition it
   * does not own runs in a transaction that reads the current holders first and records each
   * partition taken (from whom, at which epoch) in the audit chain with the take. A partition lost
   * to another holder is recorded by that holder's take; the loser, no longer fenced for it, writes
   * nothing.
   */
  async claim(wanted: readonly number[]): Promise<number[]> {
    const names = wanted.map(partitionLeaseName);
    const takes = wanted.some((p) => !this.owned.has(p));
    const claimed = takes
      ? await this.db.transaction(async (tx) => {
          const before = new Map(
            rowsOf<{ name: string; holder: string; epoch: string | number }>(
              await tx.execute(sql`select name, holder, epoch from leases where name = any(${arr(names, 'text')})
                order by name for update`),
            ).map((r) => [r.name, r]),
          );
          const got = await this.#upsert(tx, names);
          await this.decisions.record(
            tx,
            this.controller,
            0,
            got.taken.map((partition) => ({
              decision: 'partition.taken',
              subject: { partition },
              detail: { holder: this.holder, from: before.get(partitionLeaseName(partition))?.holder ?? null },
              epoch: got.held.get(partition) as number,
            })),
          );
          return got;
        })
      : await this.#upsert(this.db, names);
    this.owned.clear();
    for (const [p, epoch] of claimed.held) this.owned.set(p, epoch);
    return claimed.taken;
  }

  /**
   * Takes or renews the leases `names`; answers the partitions now held (with their epochs) and,
   * in order, those newly taken: not owned before, or owned at another epoch.
   */
  async #upsert(tx: Tx, names: string[]): Promise<{ held: Map<number, number>; taken: number[] }> {
    const rows = rowsOf<{ name: string; epoch: string | number }>(
      await tx.execute(sql`
        insert into leases (name, holder, epoch, expires_at)
        select n, ${this.holder}, 1, (extract(epoch from clock_timestamp()) * 1000)::bigint + ${this.ttlMs}
        from unnest(${arr(names, 'text')}) as n
        on conflict (name) do update
          set holder = excluded.holder,
              epoch = case when leases.holder = excluded.holder then leases.epoch else leases.epoch + 1 end,
              expires_at = excluded.expires_at
          where leases.holder = excluded.holder
             or leases.expires_at < (extract(epoch from clock_timestamp()) * 1000)::bigint
        returning name, epoch`),
    );
    const held = new Map(rows.map((r) => [leasePartition(r.name), Number(r.epoch)]));
    const taken = [...held].filter(([p, epoch]) => this.owned.get(p) !== epoch).map(([p]) => p);
    return { held, taken: taken.sort((a, b) => a - b) };
  }

  /**
   * Hands `partitions` back (their leases expire at once) and records each as released, in one
   * transaction; only those this holder still held are recorded.
   */
  async #handBack(partitions: readonly number[], why: string): Promise<void> {
    const names = partitions.map(partitionLeaseName);
    await this.db.transaction(async (tx) => {
      const released = rowsOf<{ name: string; epoch: string | number }>(
        await tx.execute(sql`update leases set expires_at = 0 where name = any(${arr(names, 'text')})
          and holder = ${this.holder} returning name, epoch`),
      );
      await this.decisions.record(
        tx,
        this.controller,
        0,
        released
          .map((r) => ({ partition: leasePartition(r.name), epoch: Number(r.epoch) }))
          .sort((a, b) => a.partition - b.partition)
          .map((r) => ({
            decision: 'partition.released',
            subject: { partition: r.partition },
            detail: { holder: this.holder, reason: why },
            epoch: r.epoch,
          })),
      );
    });
  }

  /**
   * The partitions this holder should own when replicas share the work: an
   * equal share (`ceil(partitions / live owners)`), keeping those it owns
   * and adding ones no live owner holds. A holder above its share (a
   * replica joined) gives the surplus back, so the newcomer can take it.
   */
  async fairShare(partitions: number): Promise<number[]> {
    // Each sharing replica keeps a membership row alive, so replicas holding nothing yet are counted.
    const now = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
    const member = `detection-member/${this.holder}`;
    // One statement: the final select sees the rows as they were before it, which changes nothing
    // below, as this holder's own row is skipped and the rows deleted were long expired.
    const rows = rowsOf<{ name: string; holder: string; live: boolean }>(
      await this.db.execute(sql`with renewed as (
          insert into leases (name, holder, epoch, expires_at)
          values (${member}, ${this.holder}, 1, ${now} + ${this.ttlMs})
          on conflict (name) do update set expires_at = excluded.expires_at
        ), forgotten as (
          delete from leases where name like 'detection-member/%' and name <> ${member}
            and expires_at < ${now} - 3600000
        )
        select name, holder, expires_at >= ${now} as live
        from leases where name like 'detection/%' or name like 'detection-member/%'`),
    );
    const heldByOthers = new Set<number>();
    const owners = new Set<string>([this.holder]);
    for (const r of rows) {
      if (!r.live || r.holder === this.holder) continue;
      owners.add(r.holder);
      if (r.name.startsWith('detection-member/')) continue;
      const p = leasePartition(r.name);
      if (p < partitions) heldByOthers.add(p);
    }
    const share = Math.ceil(partitions / owners.size);
    const mine = [...this.owned.keys()].filter((p) => p < partitions && !heldByOthers.has(p)).sort((a, b) => a - b);
    if (mine.length > share) {
      const surplus = mine.slice(share);
      await this.#handBack(surplus, `above its share of ${share} among ${owners.size} owners`).catch(() => undefined);
      for (const p of surplus) this.owned.delete(p);
      return mine.slice(0, share);
    }
    const wanted = [...mine];
    for (let p = 0; p < partitions && wanted.length < share; p++) {
      if (!heldByOthers.has(p) && !wanted.includes(p)) wanted.push(p);
    }
    return wanted;
  }

  /** Throws {@link FencedWriteError} unless this holder still owns every owned partition at its epoch. */
  async assertHeld(tx: Tx): Promise<void> {
    if (this.owned.size === 0) return;
    const names = [...this.owned.keys()].map(partitionLeaseName);
    const rows = rowsOf<{ name: string; epoch: string | number }>(
      await tx.execute(sql`select name, epoch from leases
        where name = any(${arr(names, 'text')}) and holder = ${this.holder} for share`),
    );
    const held = new Map(rows.map((r) => [leasePartition(r.name), Number(r.epoch)]));
    for (const [p, epoch] of this.owned) {
      if (held.get(p) !== epoch) {
        this.owned.clear();
        throw new FencedWriteError();
      }
    }
  }

  /** Hands every owned partition back so another owner takes them at once. */
  async release(): Promise<void> {
    await this.db
      .execute(sql`delete from leases where name = ${`detection-member/${this.holder}`}`)
      .catch(() => undefined);
    if (this.owned.size === 0) return;
    const partitions = [...this.owned.keys()];
    this.owned.clear();
    await this.#handBack(partitions, 'stopped').catch(() => undefined);
  }
}
