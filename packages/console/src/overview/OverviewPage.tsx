/**
 * Cluster overview: how many nodes are in each state (live, from the fleet
 * picture), what needs attention, which alerts are firing, which playbook runs wait for an
 * approval, what is predicted to go wrong, and which control plane answered.
 */
import type { ClusterSummary, Node } from '@aurora/sdk';
import { useEffect, useMemo, useState } from 'react';
import { Link } from '../app/router.js';
import { pathOf } from '../app/routes.js';
import { useFleet } from '../live/FleetProvider.js';
import { countByState, NODE_STATES } from '../live/fleet.js';
import { formatAgo } from '../ui/format.js';
import { StateBadge } from '../ui/StateBadge.js';
import { useNow } from '../ui/use-now.js';
import { OpenAlerts } from './OpenAlerts.js';
import { PendingApprovals } from './PendingApprovals.js';
import { PredictedProblems } from './PredictedProblems.js';

/** How often the control-plane facts (leader, store, version) are re-read. */
const SUMMARY_REFRESH_MS = 15_000;

function useSummary(): { summary: ClusterSummary | undefined; error: string | undefined } {
  const { client } = useFleet();
  const [summary, setSummary] = useState<ClusterSummary | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = async () => {
      try {
        const next = await client.clusterSummary();
        if (!live) return;
        setSummary(next);
        setError(undefined);
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void load();
    const timer = setInterval(load, SUMMARY_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client]);
  return { summary, error };
}

function StateBar({ counts, total }: { counts: Record<string, number>; total: number }) {
  if (total === 0) return <div className="state-bar empty" aria-hidden="true" />;
  const label = NODE_STATES.filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
  return (
    <div className="state-bar" role="img" aria-label={`Nodes by state: ${label}`}>
      {NODE_STATES.map((s) =>
        counts[s] ? (
          <span key={s} className={`bar-${s}`} style={{ flexGrow: counts[s] }} title={`${counts[s]} ${s}`} />
        ) : null,
      )}
    </div>
  );
}

function Attention({ nodes, now }: { nodes: Node[]; now: number }) {
  if (nodes.length === 0) return <p className="muted">Every node is ready or set aside by an operator.</p>;
  return (
    <ul className="attention" data-testid="attention-list">
      {nodes.map((n) => (
        <li key={n.name}>
          <StateBadge state={n.state} />
          <Link to={pathOf({ page: 'node', name: n.name })}>{n.name}</Link>
          <span className="muted">{n.stateReason}</span>
          <span className="muted">since {formatAgo(n.stateSince, now)}</span>
        </li>
      ))}
    </ul>
  );
}

/** The landing page after login. */
export function OverviewPage() {
  const { fleet } = useFleet();
  const { summary, error } = useSummary();
  const now = useNow(5_000);
  const nodes = useMemo(() => [...fleet.nodes.values()], [fleet.nodes]);
  const counts = countByState(nodes);
  const attention = nodes
    .filter((n) => n.state === 'suspect' || n.state === 'down' || n.state === 'joining')
    .sort((a, b) => a.name.localeCompare(b.name));
  const zones = new Map<string, number>();
  for (const n of nodes) zones.set(n.zone ?? '(no zone)', (zones.get(n.zone ?? '(no zone)') ?? 0) + 1);

  return (
    <div className="stack">
      <h1>Cluster overview</h1>
      <section aria-label="Nodes by state" className="tiles">
        <div className="tile" data-testid="summary-total">
          <span className="tile-label">Nodes</span>
          <span className="tile-value">{nodes.length}</span>
        </div>
        {NODE_STATES.map((s) => (
          <Link key={s} to={`/nodes?state=${s}`} className={`tile tile-${s}`} data-testid={`count-${s}`}>
            <span className="tile-label">{s}</span>
            <span className="tile-value">{counts[s]}</span>
          </Link>
        ))}
      </section>
      <StateBar counts={counts} total={nodes.length} />
      <div className="grid-2">
        <section className="card" aria-labelledby="attention-title">
          <h2 id="attention-title">Needs attention</h2>
          <Attention nodes={attention} now={now} />
        </section>
        <OpenAlerts now={now} />
        <PendingApprovals now={now} />
        <PredictedProblems />
        <section className="card" aria-labelledby="plane-title">
          <h2 id="plane-title">Control plane</h2>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <dl className="facts" data-testid="cluster-summary">
            <dt>Version</dt>
            <dd>{summary?.version ?? '—'}</dd>
            <dt>Store</dt>
            <dd>{summary ? (summary.store === 'pglite' ? 'embedded (PGlite)' : 'PostgreSQL') : '—'}</dd>
            <dt>This replica</dt>
            <dd>{summary ? (summary.leader ? 'leader (runs the controllers)' : 'follower') : '—'}</dd>
            <dt>Nodes known to the server</dt>
            <dd>{summary?.nodes.total ?? '—'}</dd>
          </dl>
          <h3>By zone</h3>
          <ul className="plain">
            {[...zones]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([zone, count]) => (
                <li key={zone}>
                  {zone}: <strong>{count}</strong>
                </li>
              ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
