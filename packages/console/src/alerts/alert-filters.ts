/** What the alerts page filters on, how it reads the filter from a URL, and what a silence of one alert matches. */
import type { Alert, AlertState, CreateSilence } from '@aurora/sdk';

/** The alerts page's filter; empty strings mean "any". */
export interface AlertFilter {
  state: AlertState | '';
  node: string;
  metric: string;
}

export const noAlertFilter: AlertFilter = { state: '', node: '', metric: '' };

/** The filter in a query string such as `?state=firing&node=web-1` (the overview links there). */
export function alertFilterFromQuery(search: string): AlertFilter {
  const params = new URLSearchParams(search);
  const state = params.get('state');
  return {
    state: state === 'firing' || state === 'resolved' ? state : '',
    node: params.get('node') ?? '',
    metric: params.get('metric') ?? '',
  };
}

/** The query string of a filter, the inverse of {@link alertFilterFromQuery}. */
export function alertFilterToQuery(filter: AlertFilter): string {
  const params = new URLSearchParams();
  if (filter.state) params.set('state', filter.state);
  if (filter.node) params.set('node', filter.node);
  if (filter.metric) params.set('metric', filter.metric);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** Node and metric match by part of their text, case-insensitively, so `web` finds every web node. */
export function matchesAlertFilter(alert: Alert, filter: AlertFilter): boolean {
  if (filter.state && alert.state !== filter.state) return false;
  const has = (text: string | null, part: string) => !part || (text ?? '').toLowerCase().includes(part.toLowerCase());
  return has(alert.node, filter.node.trim()) && has(alert.metric, filter.metric.trim());
}

/** The server takes at most this many matchers per silence. */
const MAX_MATCHERS = 16;
/** Matcher names the server accepts; a label outside it (from remote_write) is left out rather than refused. */
const MATCHER_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/;

/**
 * The matchers that silence exactly this alert's series: its metric, its node and its labels.
 * A label called `metric` or `node` is the same matcher the server would compare anyway.
 */
export function silenceMatchersOf(alert: Pick<Alert, 'metric' | 'node' | 'labels'>): CreateSilence['matchers'] {
  const matchers: Record<string, string> = { metric: alert.metric };
  if (alert.node !== null) matchers.node = alert.node;
  for (const [key, value] of Object.entries(alert.labels)) {
    if (Object.keys(matchers).length >= MAX_MATCHERS) break;
    if (MATCHER_NAME.test(key)) matchers[key] ??= value;
  }
  return matchers;
}

/** Firing first, then newest first: what needs a look comes on top. */
export function sortAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      Number(b.state === 'firing') - Number(a.state === 'firing') ||
      Date.parse(b.startsAt) - Date.parse(a.startsAt) ||
      a.id.localeCompare(b.id),
  );
}
