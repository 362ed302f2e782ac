/**
 * One uPlot time-series chart that follows its container's width. The plot is
 * created once per set of series and then only fed new data, which keeps live
 * updates cheap. The figure exposes `data-points` and `data-series` so tests
 * (and curious operators) can see what is drawn without reading pixels.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { MarkerList, MarkerMarks, paintMarkerLines, placeMarks } from './AnomalyMarkers.js';
import { type ChartMarker, markersWithin } from './anomaly-markers.js';
import type { ChartColumns } from './series-window.js';

/** Series colours, chosen to stay legible on light and dark backgrounds. */
const PALETTE = ['#3b82f6', '#f97316', '#10b981', '#a855f7', '#ef4444', '#14b8a6', '#eab308', '#ec4899'];
const HEIGHT = 200;
/** Narrowest time span drawn, in seconds. */
const MIN_SPAN_S = 120;

/** What a chart draws and how it labels values. */
export interface TimeChartProps {
  testId: string;
  title: string;
  data: ChartColumns;
  format: (value: number) => string;
  /** Fixed y range, e.g. `[0, 100]` for percentages; otherwise uPlot fits the data. */
  range?: [number, number] | undefined;
  /** Index among the labels from which lines are forecasts (drawn dashed); none when undefined. */
  forecastFrom?: number | undefined;
  /** Forecast steps drawn, exposed as `data-forecast-points`. */
  forecastPoints?: number | undefined;
  /** Anomalies of the charted metric; those within the drawn time span are marked and listed. */
  markers?: readonly ChartMarker[] | undefined;
}

/** What the draw hook reads on every draw: the markers to paint and the layer whose marks it moves. */
interface MarkerTarget {
  markers: readonly ChartMarker[];
  layer: HTMLElement | null;
}

function makeOptions(el: HTMLElement, props: TimeChartProps, target: MarkerTarget): uPlot.Options {
  const style = getComputedStyle(el);
  const ink = style.getPropertyValue('--muted').trim() || '#888';
  const grid = style.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.2)';
  const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width: Math.max(el.clientWidth, 200),
    height: HEIGHT,
    series: [
      {},
      ...props.data.labels.map((label, i) => ({
        label,
        stroke: PALETTE[i % PALETTE.length],
        width: props.forecastFrom !== undefined && i >= props.forecastFrom ? 1 : 1.5,
        // Forecast lines are dashed: the band's edges finely, the central forecast in longer strokes.
        ...(props.forecastFrom !== undefined && i >= props.forecastFrom
          ? { dash: label.endsWith(' forecast') ? [8, 4] : [2, 3] }
          : {}),
        spanGaps: true,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : props.format(v)),
      })),
    ],
    // Wider tick spacing on x keeps the two-line date labels from colliding on narrow screens.
    axes: [
      { ...axis, space: 90 },
      { ...axis, size: 78, values: (_u, splits) => splits.map((v) => props.format(v)) },
    ],
    scales: {
      // A fresh node has seconds of data; a minimum span keeps the axis in seconds, not milliseconds.
      x: { time: true, range: (_u, min, max) => [Math.min(min, max - MIN_SPAN_S), max] },
      y: props.range ? { range: props.range } : { range: (_u, min, max) => [Math.min(0, min), max || 1] },
    },
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    hooks: {
      draw: [
        (u) => {
          paintMarkerLines(u, target.markers);
          if (target.layer) placeMarks(u, target.layer);
        },
      ],
    },
  };
}

/** A titled chart; shows a note instead of an empty frame while there is no data. */
export function TimeChart(props: TimeChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  const seriesKey = props.data.labels.join('\u0000');
  const layer = useRef<HTMLDivElement>(null);
  const xs = props.data.columns[0] ?? [];
  const first = xs[0];
  const last = xs[xs.length - 1];
  const markers = useMemo(
    () =>
      first === undefined || last === undefined
        ? []
        : markersWithin(props.markers ?? [], first as number, last as number),
    [props.markers, first, last],
  );
  const target = useRef<MarkerTarget>({ markers, layer: null });
  target.current.markers = markers;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the plot is rebuilt only when its series change; data flows in through setData below
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const current = propsRef.current;
    target.current.layer = layer.current;
    const created = new uPlot(makeOptions(el, current, target.current), current.data.columns as uPlot.AlignedData, el);
    plot.current = created;
    const resize = new ResizeObserver(() => created.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      created.destroy();
      plot.current = null;
    };
  }, [seriesKey]);

  useEffect(() => {
    plot.current?.setData(props.data.columns as uPlot.AlignedData);
  }, [props.data]);

  // New or removed markers without new data: repaint the lines and move the marks.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the draw hook reads the markers from the ref
  useEffect(() => {
    plot.current?.redraw(false);
  }, [markers]);

  const latest = props.data.labels
    .slice(0, props.forecastFrom ?? props.data.labels.length)
    .map((label, i) => {
      const ys = props.data.columns[i + 1] ?? [];
      const last = ys.findLast((v) => v !== null);
      return last === undefined || last === null ? undefined : `${label} ${props.format(last)}`;
    })
    .filter((s) => s !== undefined)
    .join(', ');

  return (
    <figure
      className="chart card"
      data-testid={props.testId}
      data-points={props.data.pointCount}
      data-series={props.data.labels.length}
      data-forecast-points={props.forecastPoints ?? 0}
      data-anomalies={markers.length}
    >
      <figcaption>
        <span className="chart-title">{props.title}</span>
        <span className="muted chart-latest" aria-live="off">
          {latest || 'no data yet'}
        </span>
      </figcaption>
      <div className="chart-area">
        <div
          ref={container}
          className="chart-plot"
          role="img"
          aria-label={`${props.title}: ${latest || 'no data yet'}${markers.length ? `, ${markers.length} anomalies marked` : ''}`}
        />
        <div ref={layer} className="anomaly-layer">
          <MarkerMarks markers={markers} />
        </div>
      </div>
      <MarkerList markers={markers} chartId={props.testId} />
    </figure>
  );
}
