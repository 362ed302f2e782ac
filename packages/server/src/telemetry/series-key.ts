/** Label set of one series, without `__name__`. */
export type LabelSet = Record<string, string>;

/**
 * The canonical text of a label set: `name=<JSON string>` pairs sorted by
 * label name, joined by commas. It identifies a series together with the
 * metric name (the `metric_series` unique key). Migration 0007 computes the
 * same text in SQL (`string_agg(k || '=' || to_json(v)::text, ',' order by
 * k collate "C")`); label names are ASCII, so both sorts agree, and
 * PostgreSQL's JSON string escaping matches `JSON.stringify`'s.
 */
export function labelsKey(labels: LabelSet): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  if (names.length > 1) names.sort();
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const n = names[i] as string;
    out += `${i === 0 ? '' : ','}${n}=${JSON.stringify(labels[n])}`;
  }
  return out;
}

/** The key of a series in maps: metric name and canonical labels. */
export function seriesKey(name: string, labels: LabelSet): string {
  return `${name}{${labelsKey(labels)}}`;
}
