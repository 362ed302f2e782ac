/**
 * The recorded-incident layout `bench:rca` reads and `bench:rca:generate` writes:
 *
 *     DIR/faults.csv              timestamp,duration,kind,target   (one row per fault)
 *     DIR/metrics/COMPONENT.csv   timestamp,METRIC,METRIC,...      (one file per component)
 *     DIR/graph.csv               caller,callee                    (optional: the dependency graph)
 *
 * Timestamps are `YYYY-MM-DD HH:MM:SS` in UTC; durations use Aurora's duration grammar (`5m`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type DependencyEdge, kindFromName, parseDuration, type RcaSeries } from '@aurora/core';
import { type CsvTable, columnIndex, formatCsvRow, parseCsv } from '../nab/scorer/csv.js';
import { parseTimestamp } from '../nab/scorer/timestamp.js';

/** One injected fault: what, where, from when and for how long. */
export interface Fault {
  /** The row's timestamp as written (the JSON output quotes it back). */
  timestamp: string;
  startMs: number;
  durationMs: number;
  kind: string;
  target: string;
}

/** A whole recording. */
export interface RcaDataset {
  faults: Fault[];
  series: RcaSeries[];
  components: string[];
  graph: DependencyEdge[] | undefined;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Reads a `YYYY-MM-DD HH:MM:SS` UTC timestamp, refusing anything else (an out-of-range field
 * included) so a file with local times or another format fails loudly instead of shifting faults.
 */
export function parseFaultTimestamp(text: string, where: string): number {
  const m = TIMESTAMP.exec(text.trim());
  const ms = m ? parseTimestamp(text.trim()) : Number.NaN;
  if (!m || formatTimestamp(ms) !== text.trim()) {
    throw new Error(`${where}: "${text}" is not a timestamp; use "YYYY-MM-DD HH:MM:SS" in UTC`);
  }
  return ms;
}

/** The `YYYY-MM-DD HH:MM:SS` UTC form of a time in milliseconds (whole seconds). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Parses faults.csv's text. @throws naming the row and the fix. */
export function parseFaults(text: string, file = 'faults.csv'): Fault[] {
  const table = parseCsv(text);
  const col = (name: string) => columnIndex(table, name, file);
  const [ts, du, ki, ta] = [col('timestamp'), col('duration'), col('kind'), col('target')];
  return table.rows.map((row, i) => {
    const where = `${file} row ${i + 2}`;
    const timestamp = (row[ts] ?? '').trim();
    let durationMs: number;
    try {
      durationMs = parseDuration((row[du] ?? '').trim());
    } catch (error) {
      throw new Error(`${where}: duration ${(error as Error).message}`);
    }
    if (durationMs <= 0) throw new Error(`${where}: duration must be longer than 0`);
    const target = (row[ta] ?? '').trim();
    if (target === '') throw new Error(`${where}: empty target; name the component the fault was injected into`);
    return {
      timestamp,
      startMs: parseFaultTimestamp(timestamp, where),
      durationMs,
      kind: (row[ki] ?? '').trim(),
      target,
    };
  });
}

/**
 * Parses one metrics/COMPONENT.csv: a `timestamp` column, then numeric columns. Empty cells and
 * non-numbers are missing samples (NaN); rows are sorted by time.
 */
export function parseMetrics(text: string, component: string, file = `${component}.csv`): RcaSeries[] {
  const table: CsvTable = parseCsv(text);
  const ts = columnIndex(table, 'timestamp', file);
  const rows = table.rows
    .map((row, i) => ({ t: parseFaultTimestamp(row[ts] ?? '', `${file} row ${i + 2}`), row }))
    .sort((a, b) => a.t - b.t);
  const times = Float64Array.from(rows, (r) => r.t);
  return table.header.flatMap((metric, c) => {
    if (c === ts || metric.trim() === '') return [];
    const values = Float64Array.from(rows, ({ row }) => {
      const cell = (row[c] ?? '').trim();
      return cell === '' ? Number.NaN : Number(cell);
    });
    return [{ component, metric: metric.trim(), kind: kindFromName(metric.trim()), times, values }];
  });
}

/** Parses graph.csv (`caller,callee`). */
export function parseGraph(text: string, file = 'graph.csv'): DependencyEdge[] {
  const table = parseCsv(text);
  const [a, b] = [columnIndex(table, 'caller', file), columnIndex(table, 'callee', file)];
  return table.rows.map((row) => ({ caller: (row[a] ?? '').trim(), callee: (row[b] ?? '').trim() }));
}

/** Loads a recording from DIR. @throws naming the missing file or bad row. */
export function loadDataset(dir: string): RcaDataset {
  const faultsFile = path.join(dir, 'faults.csv');
  const metricsDir = path.join(dir, 'metrics');
  if (!existsSync(faultsFile)) throw new Error(`${faultsFile} is missing; --data names a folder with faults.csv`);
  if (!existsSync(metricsDir)) throw new Error(`${metricsDir} is missing; put one COMPONENT.csv per component there`);
  const faults = parseFaults(readFileSync(faultsFile, 'utf8'), faultsFile).sort((x, y) => x.startMs - y.startMs);
  const files = readdirSync(metricsDir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  const components = files.map((f) => f.slice(0, -'.csv'.length));
  const series = files.flatMap((f, i) =>
    parseMetrics(readFileSync(path.join(metricsDir, f), 'utf8'), components[i]!, path.join(metricsDir, f)),
  );
  const graphFile = path.join(dir, 'graph.csv');
  const graph = existsSync(graphFile) ? parseGraph(readFileSync(graphFile, 'utf8'), graphFile) : undefined;
  return { faults, series, components, graph };
}

/** faults.csv's text for a list of faults. */
export function formatFaults(
  faults: readonly Omit<Fault, 'timestamp' | 'durationMs'>[],
  duration: (i: number) => string,
) {
  const lines = ['timestamp,duration,kind,target'];
  faults.forEach((f, i) => {
    lines.push(formatCsvRow([formatTimestamp(f.startMs), duration(i), f.kind, f.target]));
  });
  return `${lines.join('\n')}\n`;
}

/** One component's CSV text: a timestamp column and one column per metric. */
export function formatMetrics(times: ArrayLike<number>, columns: Record<string, ArrayLike<number>>): string {
  const names = Object.keys(columns);
  const lines = [formatCsvRow(['timestamp', ...names])];
  for (let i = 0; i < times.length; i++) {
    lines.push(
      formatCsvRow([
        formatTimestamp(times[i]!),
        ...names.map((n) => {
          const v = columns[n]![i]!;
          return Number.isFinite(v) ? String(Number(v.toPrecision(7))) : '';
        }),
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}
