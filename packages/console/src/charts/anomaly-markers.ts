/**
 * Anomalies as chart markers: each anomaly goes to the chart that draws its metric (the same
 * `labelOf` that picks the chart's series), placed at its time, with the detector's sentence.
 */
import type { Anomaly } from '@aurora/sdk';

/** One mark on a chart. */
export interface ChartMarker {
  id: string;
  /** Seconds since the epoch, the unit of the charts' x axis. */
  at: number;
  /** The line it belongs to, as the chart's legend names it (`cpu`, `/var`, `rx eth0`). */
  series: string;
  value: number;
  score: number;
  explanation: string;
}

/**
 * The anomalies a chart shows, oldest first. `node` labels are dropped before matching, as the
 * charts' series carry none.
 */
export function markersFor(
  anomalies: readonly Anomaly[],
  labelOf: (s: { name: string; labels: Record<string, string> }) => string | undefined,
): ChartMarker[] {
  const out: ChartMarker[] = [];
  for (const a of anomalies) {
    const { node: _node, ...labels } = a.labels;
    const series = labelOf({ name: a.metric, labels });
    const ms = Date.parse(a.at);
    if (series === undefined || Number.isNaN(ms)) continue;
    out.push({ id: a.id, at: ms / 1000, series, value: a.value, score: a.score, explanation: a.explanation });
  }
  return out.sort((x, y) => x.at - y.at || x.id.localeCompare(y.id));
}

/** Markers within `[from, to]` seconds: those outside what a chart draws are neither drawn nor listed. */
export function markersWithin(markers: readonly ChartMarker[], from: number, to: number): ChartMarker[] {
  return markers.filter((m) => m.at >= from && m.at <= to);
}
