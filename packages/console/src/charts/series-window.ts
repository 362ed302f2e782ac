/**
 * A sliding window of metric series for the node page's charts: filled from
 * `GET /v1/nodes/:name/metrics`, extended by the samples of live heartbeats,
 * and turned into the column layout uPlot draws. Pure functions over
 * immutable maps, so React can hold the window as state.
 */
import type { MetricSample, MetricSeries } from '@aurora/sdk';

/** One series: a metric name plus labels, with ascending `[ms, value]` points. */
export interface SeriesBuffer {
  name: string;
  labels: Readonly<Record<string, string>>;
  points: readonly (readonly [number, number])[];
}

/** All series of one node, by {@link seriesKey}. */
export type SeriesWindow = ReadonlyMap<string, SeriesBuffer>;

/** How much history the charts keep: the last 15 minutes. */
export const WINDOW_MS = 15 * 60_000;

/** Identity of a series: its name and its labels in key order. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

/** Builds a window from a range answer. */
export function windowFromRange(series: readonly MetricSeries[]): SeriesWindow {
  const window = new Map<string, SeriesBuffer>();
  for (const s of series) {
    const points = [...s.points].sort((a, b) => a[0] - b[0]);
    window.set(seriesKey(s.name, s.labels), { name: s.name, labels: s.labels, points });
  }
  return window;
}

function insertPoint(points: (readonly [number, number])[], ts: number, value: number): void {
  let i = points.length;
  while (i > 0 && (points[i - 1]?.[0] ?? 0) > ts) i--;
  if (i > 0 && points[i - 1]?.[0] === ts) points[i - 1] = [ts, value];
  else points.splice(i, 0, [ts, value]);
}

/**
 * Adds samples (in any order) and drops points older than `windowMs` before the
 * newest point of the window. The cut-off follows the data, not a wall clock, so a
 * node whose clock is off still shows its last 15 minutes.
 */
export function appendSamples(
  window: SeriesWindow,
  samples: readonly MetricSample[],
  windowMs: number = WINDOW_MS,
): SeriesWindow {
  if (samples.length === 0) return window;
  const next = new Map(window);
  const touched = new Map<string, (readonly [number, number])[]>();
  for (const sample of samples) {
    if (!Number.isFinite(sample.value)) continue;
    const labels = sample.labels ?? {};
    const key = seriesKey(sample.name, labels);
    let points = touched.get(key);
    if (!points) {
      points = [...(next.get(key)?.points ?? [])];
      touched.set(key, points);
      next.set(key, { name: sample.name, labels, points });
    }
    insertPoint(points, sample.ts, sample.value);
  }
  let newest = Number.NEGATIVE_INFINITY;
  for (const buffer of next.values()) newest = Math.max(newest, buffer.points.at(-1)?.[0] ?? newest);
  const cutoff = newest - windowMs;
  for (const [key, buffer] of next) {
    const first = buffer.points.findIndex((p) => p[0] >= cutoff);
    if (first === 0) continue;
    if (first === -1) next.delete(key);
    else next.set(key, { ...buffer, points: buffer.points.slice(first) });
  }
  return next;
}

/** Chart-ready data: uPlot's columns (x in seconds) plus one legend label per series. */
export interface ChartColumns {
  labels: string[];
  /** `[xs, ys1, ys2, ...]`; `null` where a series has no point at that time. */
  columns: [number[], ...(number | null)[][]];
  /** Count of real (non-null) points across series, exposed to tests as a data attribute. */
  pointCount: number;
}

/**
 * Picks series from the window and aligns them on one time axis.
 * `labelOf` returns the legend label of a series to draw, or undefined to leave it out.
 */
export function alignForChart(window: SeriesWindow, labelOf: (s: SeriesBuffer) => string | undefined): ChartColumns {
  const picked: { label: string; byTs: Map<number, number> }[] = [];
  const times = new Set<number>();
  for (const buffer of window.values()) {
    const label = labelOf(buffer);
    if (label === undefined) continue;
    const byTs = new Map<number, number>();
    for (const [ts, value] of buffer.points) {
      byTs.set(ts, value);
      times.add(ts);
    }
    picked.push({ label, byTs });
  }
  picked.sort((a, b) => a.label.localeCompare(b.label));
  const xs = [...times].sort((a, b) => a - b);
  let pointCount = 0;
  const ys = picked.map(({ byTs }) =>
    xs.map((ts) => {
      const v = byTs.get(ts);
      if (v === undefined) return null;
      pointCount++;
      return v;
    }),
  );
  return { labels: picked.map((p) => p.label), columns: [xs.map((ts) => ts / 1000), ...ys], pointCount };
}

/** The points of a window as samples, e.g. to merge live points into a later backfill. */
export function samplesOf(window: SeriesWindow): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const { name, labels, points } of window.values()) {
    for (const [ts, value] of points) samples.push({ ts, name, value, labels: { ...labels } });
  }
  return samples;
}
