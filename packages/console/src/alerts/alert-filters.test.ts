import type { Alert } from '@aurora/sdk';
import { describe, expect, it } from 'vitest';
import {
  alertFilterFromQuery,
  alertFilterToQuery,
  matchesAlertFilter,
  noAlertFilter,
  silenceMatchersOf,
  sortAlerts,
} from './alert-filters.js';

function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    state: 'firing',
    node: 'web-1',
    metric: 'cpu_usage_pct',
    labels: { node: 'web-1' },
    startsAt: '2026-01-01T00:00:00.000Z',
    endsAt: null,
    summary: 'cpu_usage_pct on web-1: 99 is above anything seen',
    score: 0.97,
    source: 'anomaly',
    silenced: false,
    ...over,
  };
}

describe('alert filters', () => {
  it('reads a filter from a query string and writes it back', () => {
    const filter = alertFilterFromQuery('?state=firing&node=web&metric=cpu');
    expect(filter).toEqual({ state: 'firing', node: 'web', metric: 'cpu' });
    expect(alertFilterFromQuery(alertFilterToQuery(filter))).toEqual(filter);
    expect(alertFilterFromQuery('?state=bogus')).toEqual(noAlertFilter);
    expect(alertFilterToQuery(noAlertFilter)).toBe('');
  });

  it('matches state exactly and node and metric by part, ignoring case', () => {
    const a = alert('1');
    expect(matchesAlertFilter(a, noAlertFilter)).toBe(true);
    expect(matchesAlertFilter(a, { state: 'resolved', node: '', metric: '' })).toBe(false);
    expect(matchesAlertFilter(a, { state: 'firing', node: 'WEB', metric: 'cpu_' })).toBe(true);
    expect(matchesAlertFilter(a, { state: '', node: 'db', metric: '' })).toBe(false);
    expect(matchesAlertFilter(alert('2', { node: null }), { state: '', node: 'web', metric: '' })).toBe(false);
  });

  it('silences exactly the alert’s series, leaving out label names the server refuses', () => {
    const a = alert('1', { metric: 'disk_used_pct', labels: { node: 'web-1', mount: '/var', 'bad-name': 'x' } });
    expect(silenceMatchersOf(a)).toEqual({ metric: 'disk_used_pct', node: 'web-1', mount: '/var' });
    expect(silenceMatchersOf(alert('2', { node: null, labels: {} }))).toEqual({ metric: 'cpu_usage_pct' });
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`l${i}`, 'v']));
    expect(Object.keys(silenceMatchersOf(alert('3', { labels: many })))).toHaveLength(16);
  });

  it('lists firing alerts first, then the newest', () => {
    const sorted = sortAlerts([
      alert('old', { startsAt: '2026-01-01T00:00:00.000Z' }),
      alert('resolved', { state: 'resolved', startsAt: '2026-01-03T00:00:00.000Z' }),
      alert('new', { startsAt: '2026-01-02T00:00:00.000Z' }),
    ]);
    expect(sorted.map((a) => a.id)).toEqual(['new', 'old', 'resolved']);
  });
});
