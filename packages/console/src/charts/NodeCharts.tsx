/**
 * The node page's charts: live (the last 15 minutes from the metrics API, then
 * every sample of the node's heartbeats as they arrive on the event stream), or
 * an hour, a day or a week from the query API with forecast bands. Either way the
 * anomalies live detection found are marked on the chart of their metric.
 */
import { type Anomaly, agentMetricName, type MetricSample } from '@aurora/sdk';
import { useEffect, useMemo, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { formatPercent, formatRate } from '../ui/format.js';
import { markersFor } from './anomaly-markers.js';
import { RangeCharts } from './RangeCharts.js';
import { RANGES, type RangeId } from './ranges.js';
import {
  alignForChart,
  appendSamples,
  type SeriesBuffer,
  type SeriesWindow,
  samplesOf,
  windowFromRange,
} from './series-window.js';
import { TimeChart } from './TimeChart.js';
import { useNodeAnomalies } from './use-node-anomalies.js';

/** The metrics the charts draw, by their stored (Prometheus) names; other samples of a heartbeat are ignored here. */
const CHARTED = ['cpu_usage_pct', 'mem_used_pct', 'disk_used_pct', 'net_rx_bps', 'net_tx_bps'];
/** Bucket width asked of the server for the backfill. */
const BACKFILL_STEP = '5s';

interface ChartSpec {
  id: string;
  title: string;
  format: (v: number) => string;
  range?: [number, number];
  labelOf: (s: Pick<SeriesBuffer, 'name' | 'labels'>) => string | undefined;
  /** The metric whose forecast the hour, day and week views draw. */
  forecast?: string;
}

const pct = (v: number) => formatPercent(v);

const CHARTS: ChartSpec[] = [
  {
    id: 'cpu',
    title: 'CPU %',
    format: pct,
    range: [0, 100],
    labelOf: (s) => (s.name === 'cpu_usage_pct' ? 'cpu' : undefined),
    forecast: 'cpu_usage_pct',
  },
  {
    id: 'memory',
    title: 'Memory %',
    format: pct,
    range: [0, 100],
    labelOf: (s) => (s.name === 'mem_used_pct' ? 'memory' : undefined),
    forecast: 'mem_used_pct',
  },
  {
    id: 'disk',
    title: 'Disk used % per mount',
    format: pct,
    range: [0, 100],
    labelOf: (s) => (s.name === 'disk_used_pct' ? (s.labels.mount ?? 'disk') : undefined),
    forecast: 'disk_used_pct',
  },
  {
    id: 'network',
    title: 'Network rx / tx',
    format: formatRate,
    labelOf: (s) =>
      s.name === 'net_rx_bps' || s.name === 'net_tx_bps'
        ? `${s.name === 'net_rx_bps' ? 'rx' : 'tx'} ${s.labels.iface ?? ''}`.trim()
        : undefined,
  },
];

/** Live heartbeat samples under the names the metrics API stores them by (`cpu.usage_pct` → `cpu_usage_pct`). */
function charted(samples: readonly MetricSample[]): MetricSample[] {
  return samples.map((s) => ({ ...s, name: agentMetricName(s.name) })).filter((s) => CHARTED.includes(s.name));
}

/** Stored series without the `node` label every agent series carries, so they line up with live samples. */
function withoutNode<T extends { labels: Record<string, string> }>(s: T): T {
  const { node: _node, ...labels } = s.labels;
  return { ...s, labels };
}

type View = 'live' | RangeId;

/** The four charts of one node, live or over a chosen range. */
export function NodeCharts({ name }: { name: string }) {
  const [view, setView] = useState<View>('live');
  const title = view === 'live' ? 'Last 15 minutes' : `Last ${view}, with forecast`;
  const { anomalies, error } = useNodeAnomalies(name);
  return (
    <section aria-labelledby="charts-title" className="stack">
      <div className="charts-head">
        <h2 id="charts-title">{title}</h2>
        <fieldset className="range-picker" data-testid="range-picker">
          <legend className="sr-only">Time range</legend>
          {(['live', ...RANGES.map((r) => r.id)] as View[]).map((v) => (
            <button
              key={v}
              type="button"
              data-testid={`range-${v}`}
              aria-pressed={view === v}
              className={view === v ? 'active' : ''}
              onClick={() => setView(v)}
            >
              {v === 'live' ? 'Live' : RANGES.find((r) => r.id === v)!.label}
            </button>
          ))}
        </fieldset>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not load the anomalies: {error}
        </p>
      )}
      {view === 'live' ? (
        <LiveCharts name={name} anomalies={anomalies} />
      ) : (
        <RangeCharts name={name} range={view} charts={CHARTS} anomalies={anomalies} />
      )}
    </section>
  );
}

/** The live charts: a 15-minute backfill, then heartbeats from the event stream. */
function LiveCharts({ name, anomalies }: { name: string; anomalies: readonly Anomaly[] }) {
  const { client, subscribe } = useFleet();
  const [series, setSeries] = useState<SeriesWindow>(() => new Map());
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    let live = true;
    const unsubscribe = subscribe((event) => {
      if (event.type === 'node.heartbeat' && event.name === name) {
        setSeries((w) => appendSamples(w, charted(event.samples)));
      }
    });
    client
      .nodeMetrics(name, { from: '-15m', step: BACKFILL_STEP })
      .then((answer) => {
        if (!live) return;
        const backfill = windowFromRange(answer.series.filter((s) => CHARTED.includes(s.name)).map(withoutNode));
        // Live points that arrived while the backfill was in flight are kept.
        setSeries((w) => appendSamples(backfill, samplesOf(w)));
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client, subscribe, name]);

  const charts = useMemo(() => CHARTS.map((spec) => ({ spec, data: alignForChart(series, spec.labelOf) })), [series]);
  const markers = useMemo(() => CHARTS.map((spec) => markersFor(anomalies, spec.labelOf)), [anomalies]);

  return (
    <>
      {error && (
        <p className="error" role="alert">
          Could not load the metric history: {error}
        </p>
      )}
      <div className="charts">
        {charts.map(({ spec, data }, i) => (
          <TimeChart
            key={spec.id}
            testId={`chart-${spec.id}`}
            title={spec.title}
            data={data}
            format={spec.format}
            range={spec.range}
            markers={markers[i]}
          />
        ))}
      </div>
    </>
  );
}
