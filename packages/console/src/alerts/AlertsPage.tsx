/**
 * The alerts page: every alert the server keeps (anomaly alerts and threshold rule breaches),
 * firing first, filtered by state, node and metric, each with silence and resolve; read again
 * every few seconds so it stays live.
 */
import type { Alert, AlertState } from '@aurora/sdk';
import { useCallback, useId, useMemo, useState } from 'react';
import { Link } from '../app/router.js';
import { pathOf } from '../app/routes.js';
import { useFleet } from '../live/FleetProvider.js';
import { formatAgo, formatTime } from '../ui/format.js';
import { useNow } from '../ui/use-now.js';
import { AlertActions } from './AlertActions.js';
import {
  type AlertFilter,
  alertFilterFromQuery,
  alertFilterToQuery,
  matchesAlertFilter,
  noAlertFilter,
  sortAlerts,
} from './alert-filters.js';
import { usePolled } from './use-polled.js';

/** How often the list is read again. */
export const ALERTS_REFRESH_MS = 3_000;
/** Alerts read per refresh: the newest ones, which is what an operator scans. */
const ALERTS_LIMIT = 500;

function FilterBar({ filter, onChange }: { filter: AlertFilter; onChange: (f: AlertFilter) => void }) {
  const id = useId();
  return (
    <search className="filters" aria-label="Filter alerts">
      <div className="field">
        <label htmlFor={`${id}-state`}>State</label>
        <select
          id={`${id}-state`}
          value={filter.state}
          onChange={(e) => onChange({ ...filter, state: e.target.value as AlertState | '' })}
          data-testid="alert-filter-state"
        >
          <option value="">any state</option>
          <option value="firing">firing</option>
          <option value="resolved">resolved</option>
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-node`}>Node</label>
        <input
          id={`${id}-node`}
          type="search"
          placeholder="part of a node name"
          value={filter.node}
          onChange={(e) => onChange({ ...filter, node: e.target.value })}
          data-testid="alert-filter-node"
        />
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-metric`}>Metric</label>
        <input
          id={`${id}-metric`}
          type="search"
          placeholder="e.g. cpu_usage_pct"
          value={filter.metric}
          onChange={(e) => onChange({ ...filter, metric: e.target.value })}
          data-testid="alert-filter-metric"
        />
      </div>
      {(filter.state || filter.node || filter.metric) && (
        <button type="button" className="ghost" onClick={() => onChange(noAlertFilter)}>
          Clear
        </button>
      )}
    </search>
  );
}

/** A firing or resolved alert as a pill; the word is always there, colour is only a second cue. */
export function AlertStateBadge({ alert }: { alert: Pick<Alert, 'state' | 'silenced'> }) {
  return (
    <span className={`badge alert-${alert.state}`} data-testid="alert-state" data-state={alert.state}>
      {alert.state}
      {alert.silenced ? ', silenced' : ''}
    </span>
  );
}

function AlertRow({ alert, now, onChanged }: { alert: Alert; now: number; onChanged: () => void }) {
  const { fleet } = useFleet();
  return (
    <tr
      data-testid="alert-row"
      data-alert={alert.id}
      data-state={alert.state}
      data-node={alert.node ?? ''}
      data-metric={alert.metric}
      data-silenced={alert.silenced}
    >
      <td>
        <AlertStateBadge alert={alert} />
      </td>
      <td>
        {alert.node && fleet.nodes.has(alert.node) ? (
          <Link to={pathOf({ page: 'node', name: alert.node })}>{alert.node}</Link>
        ) : (
          (alert.node ?? '—')
        )}
      </td>
      <td>
        <code>{alert.metric}</code>
      </td>
      <td className="reason" data-testid="alert-summary">
        {alert.summary}
        <div className="muted small">
          score {alert.score.toFixed(2)} · {alert.source === 'anomaly' ? 'anomaly' : alert.source}
        </div>
      </td>
      <td>
        <time dateTime={alert.startsAt} title={formatTime(alert.startsAt)}>
          {formatAgo(alert.startsAt, now)}
        </time>
        {alert.endsAt && (
          <div className="muted small">
            ended <time dateTime={alert.endsAt}>{formatAgo(alert.endsAt, now)}</time>
          </div>
        )}
      </td>
      <td>
        <AlertActions alert={alert} onChanged={onChanged} />
      </td>
    </tr>
  );
}

/** The page at `/alerts`. */
export function AlertsPage() {
  const { client } = useFleet();
  const [filter, setFilter] = useState<AlertFilter>(() => alertFilterFromQuery(window.location.search));
  const now = useNow();
  // The state narrows on the server (so a flood of resolved alerts does not crowd out firing ones); the rest here.
  const load = useCallback(
    () => client.alerts({ limit: ALERTS_LIMIT, ...(filter.state ? { state: filter.state } : {}) }),
    [client, filter.state],
  );
  const { value, error, reload } = usePolled(load, ALERTS_REFRESH_MS);
  const shown = useMemo(
    () => sortAlerts((value?.items ?? []).filter((a) => matchesAlertFilter(a, filter))),
    [value, filter],
  );
  const firing = shown.filter((a) => a.state === 'firing').length;

  const changeFilter = (next: AlertFilter) => {
    setFilter(next);
    // The filter lives in the URL too, so a reload or a shared link shows the same list.
    window.history.replaceState(null, '', `/alerts${alertFilterToQuery(next)}`);
  };

  return (
    <div className="stack" data-testid="alerts-page" data-loaded={value !== undefined}>
      <div className="page-head">
        <h1>Alerts</h1>
        <span className="muted" data-testid="alerts-count">
          {value ? `${shown.length} shown, ${firing} firing` : 'loading…'}
        </span>
      </div>
      <FilterBar filter={filter} onChange={changeFilter} />
      {error && (
        <p className="error" role="alert">
          Could not load alerts: {error}
        </p>
      )}
      {value && shown.length === 0 ? (
        <p className="muted card" data-testid="alerts-empty">
          {value.items.length === 0 ? 'No alert has been raised yet.' : 'No alert matches the filter.'}
        </p>
      ) : (
        <div className="table-wrap">
          <table data-testid="alerts-table">
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Node</th>
                <th scope="col">Metric</th>
                <th scope="col">What happened</th>
                <th scope="col">Started</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <AlertRow key={a.id} alert={a} now={now} onChanged={reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
