/** The live node table: one row per node, updated in place as events arrive. */
import type { Node } from '@aurora/sdk';
import { Link } from '../app/router.js';
import { pathOf } from '../app/routes.js';
import type { LatestReadings } from '../live/fleet.js';
import { formatAgo, formatPercent, formatTime } from '../ui/format.js';
import { StateBadge } from '../ui/StateBadge.js';

/** A percentage with a small bar; the bar turns amber and red as it fills. */
export function Meter({ value, label }: { value: number | undefined; label: string }) {
  if (value === undefined) return <span className="muted">—</span>;
  const clamped = Math.max(0, Math.min(100, value));
  const level = clamped >= 90 ? 'high' : clamped >= 70 ? 'mid' : 'low';
  return (
    <span className="meter" title={`${label} ${formatPercent(value)}`}>
      <span className="meter-track" aria-hidden="true">
        <span className={`meter-fill meter-${level}`} style={{ width: `${clamped}%` }} />
      </span>
      <span className="meter-text">{formatPercent(value)}</span>
    </span>
  );
}

/** Labels as small `key=value` chips. */
export function LabelChips({ labels }: { labels: Record<string, string> }) {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="chips">
      {entries.map(([k, v]) => (
        <span key={k} className="chip">
          {k}={v}
        </span>
      ))}
    </span>
  );
}

/** Renders the given nodes (already filtered and sorted). */
export function NodeTable(props: { nodes: Node[]; readings: ReadonlyMap<string, LatestReadings>; now: number }) {
  const { nodes, readings, now } = props;
  return (
    <div className="table-wrap">
      <table className="nodes" data-testid="node-table">
        <caption className="sr-only">Nodes with their state, labels and latest readings</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Reason</th>
            <th scope="col">Zone</th>
            <th scope="col">Labels</th>
            <th scope="col">CPU</th>
            <th scope="col">Memory</th>
            <th scope="col">Last heartbeat</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((node) => {
            const r = readings.get(node.name);
            return (
              <tr key={node.name} data-testid="node-row" data-node={node.name} data-state={node.state}>
                <th scope="row">
                  <Link to={pathOf({ page: 'node', name: node.name })} data-testid="node-link">
                    {node.name}
                  </Link>
                </th>
                <td>
                  <StateBadge state={node.state} />
                </td>
                <td className="reason">{node.stateReason}</td>
                <td>{node.zone ?? <span className="muted">—</span>}</td>
                <td>
                  <LabelChips labels={node.labels} />
                </td>
                <td data-testid="node-cpu">
                  <Meter value={r?.cpuPct} label="CPU" />
                </td>
                <td data-testid="node-mem">
                  <Meter value={r?.memPct} label="Memory" />
                </td>
                <td>
                  <time dateTime={node.lastHeartbeatAt ?? undefined} title={formatTime(node.lastHeartbeatAt)}>
                    {formatAgo(node.lastHeartbeatAt, now)}
                  </time>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
