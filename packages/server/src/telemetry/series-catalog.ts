import { sql } from 'drizzle-orm';
import { arrayParam as arr, type Db, rowsOf } from '../platform/store/engine.js';
import { type SeriesLimits, seriesLimitError } from './limits.js';
import { type LabelSet, labelsKey } from './series-key.js';

/** One stored series. */
export interface SeriesRef {
  id: number;
  name: string;
  labels: LabelSet;
}

/** A series a write names, with its canonical label key computed once. */
export interface SeriesWanted {
  name: string;
  labels: LabelSet;
  key: string;
}

/** Builds a {@link SeriesWanted}. */
export function wanted(name: string, labels: LabelSet): SeriesWanted {
  return { name, labels, key: labelsKey(labels) };
}

/**
 * The series index: metric name + label set → id, creating series within
 * the cardinality limits. Ids are cached for the life of the process (the
 * total limit bounds the cache). Creations run one at a time, so the limit
 * checks of one process never race; replicas sharing PostgreSQL each check
 * against the count they last read, so together they may overshoot a limit
 * by the series of writes in flight.
 */
export class SeriesCatalog {
  readonly #byKey = new Map<string, SeriesRef>();
  readonly #perSource = new Map<string, number>();
  #total: number | undefined;
  #creating: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly limits: SeriesLimits,
    private readonly now: () => number,
  ) {}

  /**
   * The series for each wanted entry, in order, creating the missing ones
   * under `source`. Throws `AURORA_SERIES_LIMIT` before creating any when
   * the new ones would pass a limit.
   */
  async resolve(source: string, want: readonly SeriesWanted[]): Promise<SeriesRef[]> {
    const out = new Array<SeriesRef>(want.length);
    const missing = new Map<string, SeriesWanted>();
    for (let i = 0; i < want.length; i++) {
      const w = want[i] as SeriesWanted;
      const hit = this.#byKey.get(`${w.name}{${w.key}}`);
      if (hit) out[i] = hit;
      else missing.set(`${w.name}{${w.key}}`, w);
    }
    if (missing.size > 0) {
      await this.#load([...missing.values()]);
      const unknown = [...missing.entries()].filter(([k]) => !this.#byKey.has(k)).map(([, w]) => w);
      if (unknown.length > 0) await this.#serially(() => this.#create(source, unknown));
      for (let i = 0; i < want.length; i++) {
        if (out[i]) continue;
        const w = want[i] as SeriesWanted;
        out[i] = this.#byKey.get(`${w.name}{${w.key}}`) as SeriesRef;
      }
    }
    return out;
  }

  /** Forgets cached series and counts of a source whose series were deleted (a deleted node). */
  forgetSource(source: string): void {
    this.#byKey.clear();
    this.#perSource.delete(source);
    this.#total = undefined;
  }

  /** Forgets every cached series and count (after the retention sweep deleted series). */
  forgetAll(): void {
    this.#byKey.clear();
    this.#perSource.clear();
    this.#total = undefined;
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#creating.then(run, run);
    this.#creating = next.catch(() => undefined);
    return next;
  }

  async #load(want: SeriesWanted[]): Promise<void> {
    const rows = rowsOf<{ id: number; name: string; labels_key: string; labels: LabelSet | string }>(
      await this.db.execute(sql`select s.id::float8 as id, s.name, s.labels_key, s.labels from metric_series s
        join unnest(${arr(
          want.map((w) => w.name),
          'text',
        )}, ${arr(
          want.map((w) => w.key),
          'text',
        )}) as u(n, k) on s.name = u.n and md5(s.labels_key) = md5(u.k) and s.labels_key = u.k`),
    );
    for (const r of rows) this.#remember(r);
  }

  #remember(r: { id: number; name: string; labels_key: string; labels: LabelSet | string }): void {
    const labels = typeof r.labels === 'string' ? (JSON.parse(r.labels) as LabelSet) : r.labels;
    this.#byKey.set(`${r.name}{${r.labels_key}}`, { id: Number(r.id), name: r.name, labels });
  }

  async #count(source: string): Promise<{ source: number; total: number }> {
    let own = this.#perSource.get(source);
    if (own === undefined) {
      const [row] = rowsOf<{ n: number }>(
        await this.db.execute(sql`select count(*)::float8 as n from metric_series where source = ${source}`),
      );
      own = Number(row?.n ?? 0);
      this.#perSource.set(source, own);
    }
    if (this.#total === undefined) {
      const [row] = rowsOf<{ n: number }>(await this.db.execute(sql`select count(*)::float8 as n from metric_series`));
      this.#total = Number(row?.n ?? 0);
    }
    return { source: own, total: this.#total };
  }

  async #create(source: string, want: SeriesWanted[]): Promise<void> {
    // Another write may have created some while this one waited its turn.
    const todo = want.filter((w) => !this.#byKey.has(`${w.name}{${w.key}}`));
    if (todo.length === 0) return;
    const counts = await this.#count(source);
    if (counts.source + todo.length > this.limits.maxSeriesPerNode) {
      throw seriesLimitError('maxSeriesPerNode', this.limits.maxSeriesPerNode, source, todo.length);
    }
    if (counts.total + todo.length > this.limits.maxSeriesTotal) {
      throw seriesLimitError('maxSeriesTotal', this.limits.maxSeriesTotal, source, todo.length);
    }
    const inserted = rowsOf<{ id: number; name: string; labels_key: string; labels: LabelSet | string }>(
      await this.db.execute(sql`insert into metric_series (name, labels, labels_key, source, created_at)
        select n, l, k, ${source}, ${this.now()} from unnest(${arr(
          todo.map((w) => w.name),
          'text',
        )}, ${arr(
          todo.map((w) => JSON.stringify(w.labels)),
          'jsonb',
        )}, ${arr(
          todo.map((w) => w.key),
          'text',
        )}) as u(n, l, k)
        on conflict (name, md5(labels_key)) do nothing
        returning id::float8 as id, name, labels_key, labels`),
    );
    for (const r of inserted) this.#remember(r);
    this.#perSource.set(source, counts.source + inserted.length);
    this.#total = counts.total + inserted.length;
    // Rows another replica inserted first.
    const lost = todo.filter((w) => !this.#byKey.has(`${w.name}{${w.key}}`));
    if (lost.length > 0) await this.#load(lost);
  }
}
