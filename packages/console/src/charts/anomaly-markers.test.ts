import type { Anomaly } from '@aurora/sdk';
import { describe, expect, it } from 'vitest';
import { markersFor, markersWithin } from './anomaly-markers.js';

function anomaly(id: string, metric: string, at: string, labels: Record<string, string> = {}): Anomaly {
  return {
    id,
    metric,
    labels: { node: 'web-1', ...labels },
    node: 'web-1',
    at,
    value: 99,
    score: 0.97,
    explanation: `${metric} at 99 is above anything seen`,
    alertId: null,
  };
}

const diskOnly = (s: { name: string; labels: Record<string, string> }) =>
  s.name === 'disk_used_pct' ? (s.labels.mount ?? 'disk') : undefined;

describe('anomaly markers', () => {
  it('keeps the anomalies of the chart’s metric, named like its series, oldest first, in seconds', () => {
    const markers = markersFor(
      [
        anomaly('3', 'disk_used_pct', '2026-01-01T00:02:00Z', { mount: '/var' }),
        anomaly('2', 'cpu_usage_pct', '2026-01-01T00:01:00Z'),
        anomaly('1', 'disk_used_pct', '2026-01-01T00:00:00Z', { mount: '/' }),
      ],
      diskOnly,
    );
    expect(markers.map((m) => [m.id, m.series, m.at])).toEqual([
      ['1', '/', Date.parse('2026-01-01T00:00:00Z') / 1000],
      ['3', '/var', Date.parse('2026-01-01T00:02:00Z') / 1000],
    ]);
    expect(markers[0]?.explanation).toBe('disk_used_pct at 99 is above anything seen');
  });

  it('matches without the node label, which chart series do not carry', () => {
    const cpu = (s: { name: string; labels: Record<string, string> }) =>
      s.name === 'cpu_usage_pct' && Object.keys(s.labels).length === 0 ? 'cpu' : undefined;
    expect(markersFor([anomaly('1', 'cpu_usage_pct', '2026-01-01T00:00:00Z')], cpu)).toHaveLength(1);
  });

  it('leaves out markers outside the drawn time span, keeping its edges', () => {
    const markers = markersFor(
      ['00:00:00', '00:01:00', '00:02:00'].map((t, i) =>
        anomaly(String(i), 'disk_used_pct', `2026-01-01T${t}Z`, { mount: '/' }),
      ),
      diskOnly,
    );
    const start = Date.parse('2026-01-01T00:00:00Z') / 1000;
    expect(markersWithin(markers, start, start + 60).map((m) => m.id)).toEqual(['0', '1']);
  });
});
