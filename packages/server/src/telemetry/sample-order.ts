import { sql } from 'drizzle-orm';
import { arrayParam as arr, type Db, rowsOf } from '../platform/store/engine.js';

/** What Prometheus' ordering rules make of one sample. */
export type SampleVerdict = 'append' | 'duplicate' | 'conflict' | 'out_of_order';

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/**
 * Whether `v` is Prometheus' staleness marker (the NaN 0x7ff0000000000002),
 * which a Prometheus server sends when a series stops. Aurora's queries
 * aggregate per step and have no look-back, so a marker would add nothing;
 * it is counted and not stored.
 */
export function isStaleMarker(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  bits[0] = v;
  return words[0] === 2 && words[1] === 0x7ff00000;
}

/** Same value for Prometheus' duplicate check: bit-equal, so NaN equals NaN and 0 differs from -0. */
function sameValue(a: number, b: number): boolean {
  return Object.is(a, b);
}

/**
 * The newest stored sample of each series, for Prometheus' rules: a sample
 * newer than the newest is appended; one at the same time with the same
 * value is a duplicate and ignored; one at the same time with another value
 * conflicts; an older one is out of order. Loaded per source on first use
 * (from the newest chunk of each series and the head rows of the source)
 * and advanced only after a write commits, so a failed write leaves nothing
 * that makes its retry look like a duplicate. Replicas sharing PostgreSQL
 * each know what they wrote and loaded; a sample another replica wrote in
 * between may slip past the check, and the compactor then keeps the first
 * stored sample for a time.
 */
export class NewestSamples {
  readonly #newest = new Map<number, { ts: number; value: number }>();
  readonly #loaded = new Set<string>();

  constructor(private readonly db: Db) {}

  /** Loads the newest samples of every series of these sources not yet loaded. */
  async load(sources: readonly string[]): Promise<void> {
    const todo = [...new Set(sources)].filter((s) => !this.#loaded.has(s));
    if (todo.length === 0) return;
    const rows = rowsOf<{ sid: number; t: number; v: number }>(
      await this.db.execute(sql`select s.id::float8 as sid, c.ts_max::float8 as t, c.last_value as v
        from metric_series s cross join lateral (
          select ts_max, last_value from series_chunks where series_id = s.id order by start desc limit 1) c
        where s.source = any(${arr(todo, 'text')})
        union all
        select u.sid::float8, u.t::float8, u.v from metric_head h, unnest(h.series_ids, h.ts, h.vals) as u(sid, t, v)
        where h.source = any(${arr(todo, 'text')})`),
    );
    for (const r of rows) this.#advance(Number(r.sid), Number(r.t), Number(r.v));
    for (const s of todo) this.#loaded.add(s);
  }

  /** The verdict for a sample of series `id`, given the newest one stored (or accepted earlier in the same write). */
  judge(id: number, ts: number, value: number, pending?: { ts: number; value: number }): SampleVerdict {
    const newest = pending ?? this.#newest.get(id);
    if (!newest || ts > newest.ts) return 'append';
    if (ts < newest.ts) return 'out_of_order';
    return sameValue(value, newest.value) ? 'duplicate' : 'conflict';
  }

  /** Time of the newest stored sample of series `id`, when known. */
  newestTs(id: number): number | undefined {
    return this.#newest.get(id)?.ts;
  }

  /** Records a committed sample. */
  advance(id: number, ts: number, value: number): void {
    this.#advance(id, ts, value);
  }

  #advance(id: number, ts: number, value: number): void {
    const cur = this.#newest.get(id);
    if (!cur || ts > cur.ts) this.#newest.set(id, { ts, value });
  }

  /** Forgets what was loaded for a source whose series were deleted. */
  forgetSource(source: string): void {
    this.#loaded.delete(source);
  }
}
