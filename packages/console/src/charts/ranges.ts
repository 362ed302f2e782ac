/**
 * The history ranges the node charts offer (hour, day, week), what each asks of
 * `GET /v1/query_range` and `GET /v1/forecast`, and how their answers become
 * chart columns with a forecast band after the last point. Pure functions.
 */
import type { ForecastSeries, QuerySeries } from '@aurora/sdk';
import type { ChartColumns, SeriesBuffer, SeriesWindow } from './series-window.js';
import { seriesKey } from './series-window.js';

export type RangeId = 'hour' | 'day' | 'week';

export interface RangeSpec {
  id: RangeId;
  label: string;
  /** History shown, as query_range's `from`. */
  from: string;
  /** Bucket width: 1m and 1h read the rollups, so a week is 168 points, not 100,000. */
  step: string;
  /** History the forecast is made from, and how many steps it looks ahead. */
  forecastFrom: string;
  horizon: number;
}

export const RANGES: readonly RangeSpec[] = [
  { id: 'hour', label: 'Hour', from: '-1h', step: '1m', forecastFrom: '-1d', horizon: 15 },
  { id: 'day', label: 'Day', from: '-1d', step: '5m', forecastFrom: '-7d', horizon: 48 },
  { id: 'week', label: 'Week', from: '-7d', step: '1h', forecastFrom: '-14d', horizon: 24 },
];

/** A query value as a number: NaN and infinities (sent as strings) are not drawn. */
function numeric(v: number | string): number | null {
  return typeof v === 'number' ? v : null;
}

/** A query_range answer as a chart window (series without the node label, as the live charts key them). */
export function windowFromQuery(series: readonly QuerySeries[]): SeriesWindow {
  const window = new Map<string, SeriesBuffer>();
  for (const s of series) {
    const { node: _node, ...labels } = s.labels;
    const points: (readonly [number, number])[] = [];
    for (const [t, v] of s.points) {
      const n = numeric(v);
      if (n !== null) points.push([t, n]);
    }
    window.set(seriesKey(s.name, labels), { name: s.name, labels, points });
  }
  return window;
}

/** Chart columns with forecast bands: for each forecast, its point, low and high lines after the history. */
export interface ForecastColumns extends ChartColumns {
  /** Index of the first forecast line among `labels`; lines from there on are drawn dashed. */
  forecastFrom: number;
  /** Count of forecast steps drawn, across series. */
  forecastPoints: number;
}

/**
 * Appends forecast lines to aligned history columns. `labelOf` names a forecast series as the
 * history line it continues (e.g. "cpu"), or undefined to leave it out.
 */
export function withForecast(
  history: ChartColumns,
  forecasts: readonly ForecastSeries[],
  labelOf: (s: { name: string; labels: Record<string, string> }) => string | undefined,
): ForecastColumns {
  const picked = forecasts
    .map((f) => ({ label: labelOf(f), points: f.points }))
    .filter(
      (f): f is { label: string; points: ForecastSeries['points'] } => f.label !== undefined && f.points.length > 0,
    )
    .sort((a, b) => a.label.localeCompare(b.label));
  const base = history.columns[0];
  const extra = [...new Set(picked.flatMap((f) => f.points.map((p) => p[0] / 1000)))]
    .filter((x) => !base.includes(x))
    .sort((a, b) => a - b);
  const xs = [...base, ...extra];
  const pad = (ys: (number | null)[]) => [...ys, ...extra.map(() => null)];
  const columns: [number[], ...(number | null)[][]] = [
    xs,
    ...history.columns.slice(1).map((c) => pad(c as (number | null)[])),
  ];
  const labels = [...history.labels];
  let forecastPoints = 0;
  for (const f of picked) {
    const at = new Map(f.points.map((p) => [p[0] / 1000, p]));
    for (const [k, suffix] of [
      [1, 'forecast'],
      [2, 'low'],
      [3, 'high'],
    ] as const) {
      labels.push(`${f.label} ${suffix}`);
      columns.push(xs.map((x) => at.get(x)?.[k] ?? null));
    }
    forecastPoints += f.points.length;
  }
  return { labels, columns, pointCount: history.pointCount, forecastFrom: history.labels.length, forecastPoints };
}
