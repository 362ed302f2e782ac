import { type SQL, sql } from 'drizzle-orm';
import { arrayParam as arr } from './engine.js';

/** One head row: the accepted samples of one write, as parallel arrays. */
export interface HeadRow {
  source: string;
  receivedAt: number;
  tsMin: number;
  tsMax: number;
  seriesIds: number[];
  ts: number[];
  vals: number[];
}

/** A number as PostgreSQL's array input reads it back exactly (NaN, Infinity and -0 included). */
function literal(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * An array literal (`{1,2,3}`). Each head row's arrays travel as one text
 * element of a `text[]` parameter and are cast back in SQL, because
 * `unnest` over a two-dimensional array would flatten the rows together.
 */
export function arrayLiteral(values: readonly number[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++)
    out += i === 0 ? literal(values[i] as number) : `,${literal(values[i] as number)}`;
  return `${out}}`;
}

/** The `select` that yields head rows from array parameters; `extra` columns travel alongside (e.g. batch keys). */
export function headRowsSelect(rows: readonly HeadRow[], extra: SQL[] = [], extraNames: string[] = []): SQL {
  const cols = [
    arr(
      rows.map((r) => r.source),
      'text',
    ),
    arr(
      rows.map((r) => r.receivedAt),
      'bigint',
    ),
    arr(
      rows.map((r) => r.tsMin),
      'bigint',
    ),
    arr(
      rows.map((r) => r.tsMax),
      'bigint',
    ),
    arr(
      rows.map((r) => r.ts.length),
      'integer',
    ),
    arr(
      rows.map((r) => arrayLiteral(r.seriesIds)),
      'text',
    ),
    arr(
      rows.map((r) => arrayLiteral(r.ts)),
      'text',
    ),
    arr(
      rows.map((r) => arrayLiteral(r.vals)),
      'text',
    ),
    ...extra,
  ];
  const names = ['s', 'r', 'a', 'b', 'n', 'i', 't', 'v', ...extraNames].join(', ');
  return sql`select x.s, x.r, x.a, x.b, x.n, x.i::bigint[], x.t::bigint[], x.v::float8[]${sql.raw(
    extraNames.map((n) => `, x.${n}`).join(''),
  )} from unnest(${sql.join(cols, sql`, `)}) as x(${sql.raw(names)})`;
}

/** Inserts head rows as one statement. */
export function insertHeadRows(rows: readonly HeadRow[]): SQL {
  return sql`insert into metric_head (source, received_at, ts_min, ts_max, sample_count, series_ids, ts, vals)
    ${headRowsSelect(rows)}`;
}
