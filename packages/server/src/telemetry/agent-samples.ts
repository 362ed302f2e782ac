import type { MetricSample } from '@aurora/sdk';
import type { IncomingSeries } from './ingest.js';
import { agentLabelName, agentMetricName, NODE_LABEL } from './names.js';

const metricNames = new Map<string, string>();
const labelNames = new Map<string, string>();

function cached(cache: Map<string, string>, raw: string, map: (s: string) => string): string {
  let out = cache.get(raw);
  if (out === undefined) {
    out = map(raw);
    // Agents send a handful of distinct names; the bound only guards against a misbehaving one.
    if (cache.size < 10_000) cache.set(raw, out);
  }
  return out;
}

/** The source (per-node limit and head partition) of an agent node's series. */
export function nodeSource(nodeId: string): string {
  return `node:${nodeId}`;
}

/**
 * An agent batch as ingest series: names mapped to Prometheus' form
 * (`cpu.usage_pct` → `cpu_usage_pct`), label names made valid, and
 * `node="<node name>"` added; samples of one series are grouped in the
 * order they came.
 */
export function agentSeries(nodeName: string, samples: readonly MetricSample[]): IncomingSeries[] {
  const bySeries = new Map<string, IncomingSeries & { ts: number[]; values: number[] }>();
  for (const s of samples) {
    const name = cached(metricNames, s.name, agentMetricName);
    let key = name;
    let labels: Record<string, string> | undefined;
    if (s.labels) {
      for (const raw in s.labels) {
        labels ??= {};
        labels[cached(labelNames, raw, agentLabelName)] = s.labels[raw] as string;
      }
    }
    if (labels) key += JSON.stringify(Object.entries(labels).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    let series = bySeries.get(key);
    if (!series) {
      series = { name, labels: { ...labels, [NODE_LABEL]: nodeName }, ts: [], values: [] };
      bySeries.set(key, series);
    }
    // Timestamps are whole milliseconds in storage.
    series.ts.push(Math.round(s.ts));
    series.values.push(s.value);
  }
  return [...bySeries.values()];
}
