/** One node: its state and actions, live charts, facts, conditions and state history. */
import { AuroraApiError } from '@aurora/sdk';
import { useEffect, useState } from 'react';
import { Link } from '../app/router.js';
import { NodeCharts } from '../charts/NodeCharts.js';
import { useFleet } from '../live/FleetProvider.js';
import { formatAgo } from '../ui/format.js';
import { StateBadge } from '../ui/StateBadge.js';
import { useNow } from '../ui/use-now.js';
import { NodeActions } from './NodeActions.js';
import { NodeConditions, NodeFacts, StateHistory } from './NodeDetails.js';

/** The page at `/nodes/:name`. */
export function NodePage({ name }: { name: string }) {
  const { client, fleet, apply } = useFleet();
  const [error, setError] = useState<string | undefined>(undefined);
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
        <span className="spacer" />
        <NodeActions node={node} />
      </div>
      <NodeCharts name={node.name} />
      <div className="grid-3">
        <NodeFacts node={node} now={now} />
        <NodeConditions node={node} />
        <StateHistory node={node} history={fleet.history.get(node.name) ?? []} />
      </div>
    </div>
  );
}
