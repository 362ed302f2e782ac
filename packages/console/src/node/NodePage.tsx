/** One node: its state and actions, live charts, facts, conditions, state history and traffic share. */
import { AuroraApiError } from '@aurora/sdk';
import { useEffect, useRef, useState } from 'react';
import { Link } from '../app/router.js';
import { NodeCharts } from '../charts/NodeCharts.js';
import { useFleet } from '../live/FleetProvider.js';
import { HISTORY_LIMIT } from '../live/fleet.js';
import { formatAgo } from '../ui/format.js';
import { StateBadge } from '../ui/StateBadge.js';
import { useNow } from '../ui/use-now.js';
import { NodeActions } from './NodeActions.js';
import { NodeConditions, NodeFacts, StateHistory } from './NodeDetails.js';
import { NodeTraffic, sharePercent } from './NodeTraffic.js';

/** The page at `/nodes/:name`. */
export function NodePage({ name }: { name: string }) {
  const { client, fleet, apply, status } = useFleet();
  const [error, setError] = useState<string | undefined>(undefined);
  const [historyProblem, setHistoryProblem] = useState<string | undefined>(undefined);
  const streamOpen = status === 'open';
  const historyLoadedFor = useRef<string | undefined>(undefined);
  const now = useNow();
  const node = fleet.nodes.get(name);

  useEffect(() => {
    let live = true;
    client.getNode(name).then(
      (fresh) => live && apply({ type: 'node.updated', node: fresh }),
      (e: unknown) => {
        if (!live) return;
        if (e instanceof AuroraApiError && e.status === 404) setError(`There is no node named "${name}".`);
        else setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [client, apply, name]);

  // Stored history on open, and again whenever the stream reopens: changes made while it was
  // down arrived as no event. Live ones are appended by the fleet reducer meanwhile.
  useEffect(() => {
    if (!streamOpen && historyLoadedFor.current === name) return;
    historyLoadedFor.current = name;
    let live = true;
    client.nodeTransitions(name, { limit: HISTORY_LIMIT }).then(
      (page) => {
        if (!live) return;
        setHistoryProblem(undefined);
        apply({ type: 'history.loaded', name, transitions: [...page.items].reverse() });
      },
      (e: unknown) => {
        // A missing node is reported by the page itself.
        if (!live || (e instanceof AuroraApiError && e.status === 404)) return;
        setHistoryProblem(`stored history not loaded: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    return () => {
      live = false;
    };
  }, [client, apply, name, streamOpen]);

  if (!node) {
    return (
      <div className="stack">
        <p>
          <Link to="/nodes">← Nodes</Link>
        </p>
        {error ? (
          <p className="error" role="alert" data-testid="node-error">
            {error}
          </p>
        ) : (
          <p className="muted">Loading {name}…</p>
        )}
      </div>
    );
  }

  return (
    <div className="stack" data-testid="node-page" data-node={node.name}>
      <p className="crumbs">
        <Link to="/nodes">← Nodes</Link>
      </p>
      <div className="page-head">
        <h1>{node.name}</h1>
        <StateBadge state={node.state} testId="node-page-state" />
        <span className="muted">
          {node.stateReason} · since {formatAgo(node.stateSince, now)}
        </span>
        {node.operatorState && node.operatorState !== node.state && (
          <span className="muted" data-testid="node-page-requested">
            {node.operatorState === 'cordoned' ? 'cordon' : 'drain'} requested: applies when heartbeats resume
          </span>
        )}
        {sharePercent(node) < 100 && (
          <span className="muted" data-testid="node-page-traffic">
            traffic at {sharePercent(node)} %
          </span>
        )}
        <span className="spacer" />
        <NodeActions node={node} />
      </div>
      <NodeCharts name={node.name} />
      <div className="grid-3">
        <NodeFacts node={node} now={now} />
        <NodeConditions node={node} />
        <StateHistory node={node} history={fleet.history.get(node.name) ?? []} problem={historyProblem} />
        <NodeTraffic node={node} />
      </div>
    </div>
  );
}
