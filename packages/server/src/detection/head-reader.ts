import { sql } from 'drizzle-orm';
import { arrayParam as arr, type Db, rowsOf } from '../platform/store/engine.js';
import { partitionOf } from './partitions.js';

/** Longest run of missing head rows that may still be writes in flight. */
const MAX_IN_FLIGHT = 1_000;

/** One head row of an owned partition: the samples of one write. */
export interface HeadBatch {
  seq: number;
  partition: number;
  receivedAt: number;
  seriesIds: number[];
  ts: number[];
  vals: number[];
}

/** Options of the {@link HeadReader}. */
export interface HeadReaderOptions {
  partitions: number;
  /** Head rows read per query. */
  rowsPerRead?: number;
  /**
   * How long a hole in the head's sequence is waited for. Rows are numbered
   * when inserted but become visible when their transaction commits, so a
   * hole may be a write still in flight (wait for it) or one rolled back or
   * compacted away (never filled). Writes take milliseconds; 10 s covers a
   * slow one without holding the cursor back for long.
   */
  holeWaitMs?: number;
  now: () => number;
}

/**
 * Reads the head rows of owned partitions in sequence order, from the store
 * (never from another replica's memory), without skipping rows whose
 * transaction committed after a later one. `settled` is the sequence up to
 * which every row was read or its hole given up on: the cursor stored with
 * detector state. Rows past a hole are read at once (so one slow write does
 * not delay detection) and remembered until the cursor passes them.
 */
export class HeadReader {
  /** Every row up to here was read (or its hole given up on). */
  settled = 0;
  readonly #read = new Set<number>();
  readonly #holes = new Map<number, number>();
  readonly #gone: [number, number][] = [];
  readonly #rowsPerRead: number;
  readonly #holeWaitMs: number;

  constructor(
    private readonly db: Db,
    private readonly o: HeadReaderOptions,
  ) {
    this.#rowsPerRead = o.rowsPerRead ?? 2_000;
    this.#holeWaitMs = o.holeWaitMs ?? 10_000;
  }

  /** Starts again from `seq` (a newly owned partition's stored cursor may lie behind the current one). */
  rewind(seq: number): void {
    if (seq >= this.settled) return;
    this.settled = seq;
    for (const s of this.#read) if (s <= seq) this.#read.delete(s);
    this.#holes.clear();
    this.#gone.length = 0;
  }

  /**
   * Reads the next rows after the cursor; returns those of `owned`
   * partitions (rows of other partitions only move the cursor). Returns an
   * empty list when there is nothing new.
   */
  async next(owned: ReadonlySet<number>): Promise<{ batches: HeadBatch[]; more: boolean }> {
    const skip = [...this.#read];
    const mine = [...owned];
    const rows = rowsOf<{
      seq: number;
      p: number;
      r: number;
      i: number[] | null;
      t: number[] | null;
      v: number[] | null;
    }>(
      await this.db.execute(sql`select seq::float8 as seq, p, r::float8 as r,
          case when p = any(${arr(mine, 'integer')}) then i end as i,
          case when p = any(${arr(mine, 'integer')}) then t end as t,
          case when p = any(${arr(mine, 'integer')}) then v end as v
        from (select seq, ${partitionOf(sql`source`, this.o.partitions)} as p, received_at as r,
                series_ids as i, ts as t, vals as v
              from metric_head where seq > ${this.settled}
                ${skip.length > 0 ? sql`and seq <> all(${arr(skip, 'bigint')})` : sql``}
              order by seq limit ${this.#rowsPerRead}) x
        order by seq`),
    );
    const batches: HeadBatch[] = [];
    for (const row of rows) {
      const seq = Number(row.seq);
      this.#read.add(seq);
      this.#holes.delete(seq);
      if (row.i && row.t && row.v) {
        batches.push({
          seq,
          partition: Number(row.p),
          receivedAt: Number(row.r),
          seriesIds: row.i.map(Number),
          ts: row.t.map(Number),
          vals: row.v.map(Number),
        });
      }
    }
    this.#advance(rows.length > 0 ? Number(rows[rows.length - 1]?.seq) : this.settled);
    return { batches, more: rows.length === this.#rowsPerRead };
  }

  /** Moves the cursor over read rows and over holes waited for long enough. */
  #advance(highest: number): void {
    const now = this.o.now();
    let s = this.settled + 1;
    while (s <= highest) {
      if (this.#read.has(s) || this.#holes.has(s)) {
        s++;
        continue;
      }
      let end = s;
      while (end + 1 <= highest && !this.#read.has(end + 1) && !this.#holes.has(end + 1)) end++;
      // In-flight writes are at most a few dozen (the concurrent flushes and requests); a longer
      // run of missing rows is rows compacted or rolled back long ago, never filled: pass it at once.
      if (end - s + 1 > MAX_IN_FLIGHT) this.#gone.push([s, end]);
      else for (let h = s; h <= end; h++) this.#holes.set(h, now);
      s = end + 1;
    }
    while (true) {
      const next = this.settled + 1;
      if (this.#read.delete(next)) {
        this.settled = next;
        continue;
      }
      const gone = this.#gone.find(([from]) => from === next);
      if (gone) {
        this.#gone.splice(this.#gone.indexOf(gone), 1);
        this.settled = gone[1];
        continue;
      }
      const since = this.#holes.get(next);
      if (since !== undefined && now - since >= this.#holeWaitMs) {
        this.#holes.delete(next);
        this.settled = next;
        continue;
      }
      break;
    }
  }
}
