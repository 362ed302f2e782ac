/**
 * Anomaly markers on a chart: a vertical line painted on the plot, a focusable mark over it
 * that shows the detector's sentence on hover or focus, and the same sentences listed under
 * the chart, so the explanation is text a screen reader or a search finds, not only a tooltip.
 */
import type uPlot from 'uplot';
import { formatTime } from '../ui/format.js';
import type { ChartMarker } from './anomaly-markers.js';

/** The line colour; it matches the marks' CSS (`--anomaly`). */
const LINE = 'rgba(220, 38, 38, 0.75)';

function timeOf(marker: ChartMarker): string {
  return formatTime(new Date(marker.at * 1000).toISOString());
}

/** Paints one vertical line per marker inside the plot area (uPlot's `draw` hook). */
export function paintMarkerLines(u: uPlot, markers: readonly ChartMarker[]): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.strokeStyle = LINE;
  ctx.lineWidth = Math.max(1, devicePixelRatio);
  ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
  for (const m of markers) {
    const x = Math.round(u.valToPos(m.at, 'x', true));
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * Moves the focusable marks of `layer` over their lines. The plot area is uPlot's `over`
 * element; the layer covers the chart's plot container, so positions are taken relative to it.
 */
export function placeMarks(u: uPlot, layer: HTMLElement): void {
  const area = u.over.getBoundingClientRect();
  const origin = layer.getBoundingClientRect();
  for (const el of layer.querySelectorAll<HTMLElement>('[data-marker-at]')) {
    const x = u.valToPos(Number(el.dataset.markerAt), 'x');
    const inside = Number.isFinite(x) && x >= 0 && x <= area.width;
    el.hidden = !inside;
    el.style.left = `${area.left - origin.left + x}px`;
    el.style.top = `${area.top - origin.top}px`;
    el.style.height = `${area.height}px`;
  }
}

/** The marks over the plot; {@link placeMarks} positions them after each draw. */
export function MarkerMarks({ markers }: { markers: readonly ChartMarker[] }) {
  return (
    <>
      {markers.map((m) => (
        <button
          key={m.id}
          type="button"
          className="anomaly-mark"
          data-marker-at={m.at}
          data-testid="anomaly-marker"
          hidden
        >
          <span className="sr-only">Anomaly on {m.series}</span>
          <span className="anomaly-tip" data-testid="anomaly-tip">
            {timeOf(m)}: {m.explanation}
          </span>
        </button>
      ))}
    </>
  );
}

/** The anomalies of a chart as a list under it, newest first. */
export function MarkerList({ markers, chartId }: { markers: readonly ChartMarker[]; chartId: string }) {
  if (markers.length === 0) return null;
  return (
    <ol className="anomaly-list" aria-label="Anomalies on this chart" data-testid="anomaly-list">
      {[...markers].reverse().map((m) => (
        <li key={m.id} id={`${chartId}-anomaly-${m.id}`} data-testid="anomaly-item" data-series={m.series}>
          <time dateTime={new Date(m.at * 1000).toISOString()}>{timeOf(m)}</time>{' '}
          <span className="muted small">
            {m.series} · score {m.score.toFixed(2)}
          </span>
          <div>{m.explanation}</div>
        </li>
      ))}
    </ol>
  );
}
