/**
 * The node charts over an hour, a day or a week: history from `GET /v1/query_range`
 * at the range's step, and for CPU, memory and disks the forecaster's next steps with
 * their 80 % interval from `GET /v1/forecast`, drawn dashed after the last point.
 */
import type { Anomaly, ForecastSeries, QuerySeries } from '@aurora/sdk';
import { useEffect, useMemo, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { markersFor } from './anomaly-markers.js';
import { type ForecastColumns, RANGES, type RangeId, windowFromQuery, withForecast } from './ranges.js';
import { alignForChart } from './series-window.js';
import { TimeChart } from './TimeChart.js';

export interface RangeChartSpec {
  id: string;
  title: string;
  format: (v: number) => string;
  range?: [number, number];
  labelOf: (s: { name: string; labels: Record<string, string> }) => string | undefined;
  /** The metric whose forecast is drawn, when the chart has one. */
  forecast?: string;
}

const nameMatcher = (names: string[]) => names.join('|');

export function RangeCharts({
  name,
  range,
  charts,
  anomalies,
}: {
  name: string;
  range: RangeId;
  charts: RangeChartSpec[];
  anomalies: readonly Anomaly[];
}) {
  const { client } = useFleet();
  const spec = RANGES.find((r) => r.id === range)!;
  const [history, setHistory] = useState<QuerySeries[] | undefined>(undefined);
  const [forecasts, setForecasts] = useState<ForecastSeries[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    let live = true;
    setHistory(undefined);
    setForecasts([]);
    setError(undefined);
    const node = JSON.stringify(name);
    const metrics = [...new Set(charts.flatMap((c) => (c.forecast ? [c.forecast] : [])))];
    const names = ['cpu_usage_pct', 'mem_used_pct', 'disk_used_pct', 'net_rx_bps', 'net_tx_bps'];
    client
      .queryRange({ match: `{node=${node},__name__=~"${nameMatcher(names)}"}`, from: spec.from, step: spec.step })
      .then((answer) => live && setHistory(answer.series))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    for (const metric of metrics) {
      client
        .forecast({ match: `${metric}{node=${node}}`, from: spec.forecastFrom, step: spec.step, horizon: spec.horizon })
        .then((answer) => live && setForecasts((f) => [...f.filter((s) => s.name !== metric), ...answer.series]))
        .catch(() => undefined);
    }
    return () => {
      live = false;
    };
  }, [client, name, charts, spec]);

  const drawn = useMemo(() => {
    const window = windowFromQuery(history ?? []);
    return charts.map((chart) => {
      const columns: ForecastColumns = withForecast(
        alignForChart(window, chart.labelOf),
        forecasts.filter((f) => f.name === chart.forecast),
        chart.labelOf,
      );
      return { chart, columns };
    });
  }, [history, forecasts, charts]);
  const markers = useMemo(() => charts.map((chart) => markersFor(anomalies, chart.labelOf)), [anomalies, charts]);

  return (
    <>
      {error && (
        <p className="error" role="alert">
          Could not load the metric history: {error}
        </p>
      )}
      <div className="charts" data-testid="range-charts" data-range={range} data-loaded={history !== undefined}>
        {drawn.map(({ chart, columns }, i) => (
          <TimeChart
            key={chart.id}
            testId={`chart-${chart.id}`}
            title={chart.title}
            data={columns}
            format={chart.format}
            range={chart.range}
            forecastFrom={columns.forecastFrom}
            forecastPoints={columns.forecastPoints}
            markers={markers[i]}
          />
        ))}
      </div>
    </>
  );
}
