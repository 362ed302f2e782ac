import type { MetricSample } from '@aurora/sdk';

/**
 * The stored form of one batch of samples: a JSON array of
 * `[name, ts, value]`, or `[name, ts, value, labels]` when labelled.
 *
 * JSON text rather than a row per sample or a jsonb value: the database
 * stores it without parsing it, and JSON carries every finite double and
 * millisecond timestamp exactly. Migration 0004 writes the same form with
 * `json_build_array`, so both paths must stay in step.
 */
export type StoredSample = [name: string, ts: number, value: number, labels?: Record<string, string>];

/** One encoded batch and the bounds a range query filters on. */
export interface EncodedChunk {
  text: string;
  tsMin: number;
  tsMax: number;
  count: number;
}

export function encodeChunk(samples: readonly MetricSample[]): EncodedChunk {
  let tsMin = Number.POSITIVE_INFINITY;
  let tsMax = Number.NEGATIVE_INFINITY;
  const rows: StoredSample[] = new Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as MetricSample;
    // Timestamps are whole milliseconds everywhere else (bigint columns, bucket arithmetic).
    const ts = Math.round(s.ts);
    if (ts < tsMin) tsMin = ts;
    if (ts > tsMax) tsMax = ts;
    rows[i] = s.labels && Object.keys(s.labels).length > 0 ? [s.name, ts, s.value, s.labels] : [s.name, ts, s.value];
  }
  if (samples.length === 0) tsMin = tsMax = 0;
  return { text: JSON.stringify(rows), tsMin, tsMax, count: samples.length };
}

export function decodeChunk(text: string): StoredSample[] {
  return JSON.parse(text) as StoredSample[];
}

/**
 * Only the samples named `name`, without parsing the others: a query for one
 * metric over a day reads thousands of chunks that mostly hold other metrics.
 * Finding `["name",` finds exactly the sample arrays of that name, since a
 * quote inside a JSON string is always escaped and metric names hold no
 * characters JSON escapes (the contract limits them to [a-z0-9_.]).
 */
export function decodeChunkSamplesNamed(text: string, name: string): StoredSample[] {
  const needle = `[${JSON.stringify(name)},`;
  const found: StoredSample[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
    const end = closingBracket(text, at);
    found.push(JSON.parse(text.slice(at, end + 1)) as StoredSample);
  }
  return found;
}

/** Index of the `]` closing the array that opens at `start`, skipping brackets inside strings. */
function closingBracket(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error('stored sample chunk is truncated');
}

/**
 * A key that is equal for equal label sets whatever order their keys came in:
 * agents send them in any order and the migrated rows come in jsonb's order.
 */
export function labelsKey(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  keys.sort();
  return JSON.stringify(keys.map((k) => [k, labels[k]]));
}
