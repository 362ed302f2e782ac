/**
 * "Open alerts" on the overview: what is firing now, newest first, each linked to its node,
 * with a link to the alerts page where it can be silenced or resolved.
 */
import { useCallback } from 'react';
import { AlertStateBadge } from '../alerts/AlertsPage.js';
import { alertFilterToQuery, noAlertFilter, sortAlerts } from '../alerts/alert-filters.js';
import { usePolled } from '../alerts/use-polled.js';
import { Link } from '../app/router.js';
import { pathOf } from '../app/routes.js';
import { useFleet } from '../live/FleetProvider.js';
import { formatAgo } from '../ui/format.js';

/** Firing alerts listed before the rest are left to the alerts page. */
const SHOWN = 10;
const REFRESH_MS = 5_000;

export function OpenAlerts({ now }: { now: number }) {
  const { client, fleet } = useFleet();
  const load = useCallback(() => client.alerts({ state: 'firing', limit: 200 }), [client]);
  const { value, error } = usePolled(load, REFRESH_MS);
  const firing = sortAlerts(value?.items ?? []);
  const toAlerts = `/alerts${alertFilterToQuery({ ...noAlertFilter, state: 'firing' })}`;

  return (
    <section className="card" aria-labelledby="open-alerts-title" data-testid="open-alerts">
      <h2 id="open-alerts-title">Open alerts{value ? ` (${firing.length}${firing.length === 200 ? '+' : ''})` : ''}</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {value && firing.length === 0 && <p className="muted">No alert is firing.</p>}
      {firing.length > 0 && (
        <ul className="attention" data-testid="open-alert-list">
          {firing.slice(0, SHOWN).map((a) => (
            <li key={a.id} data-testid="open-alert" data-alert={a.id} data-node={a.node ?? ''} data-metric={a.metric}>
              <AlertStateBadge alert={a} />
              {a.node && fleet.nodes.has(a.node) ? (
                <Link to={pathOf({ page: 'node', name: a.node })}>{a.node}</Link>
              ) : (
                <span>{a.node ?? '—'}</span>
              )}
              <span>{a.summary}</span>
              <span className="muted">since {formatAgo(a.startsAt, now)}</span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to={toAlerts} data-testid="open-alerts-link">
          {firing.length > SHOWN ? `All ${firing.length} firing alerts` : 'All alerts'} →
        </Link>
      </p>
    </section>
  );
}
