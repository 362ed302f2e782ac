/** The live node table: one row per node, updated in place as events arrive. */
import type { Node, NodeSortKey } from '@aurora/sdk';
import { Link } from '../app/router.js';
import { pathOf } from '../app/routes.js';
import type { LatestReadings } from '../live/fleet.js';
import { formatAgo, formatPercent, formatTime } from '../ui/format.js';
import { StateBadge } from '../ui/StateBadge.js';
import type { NodeSort } from './filters.js';

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

/** A column header that sorts the table on the server when clicked. */
function SortHeader(props: {
  label: string;
  sortKey: NodeSortKey;
  sort: NodeSort;
  onSort: (key: NodeSortKey) => void;
}) {
  const { label, sortKey, sort, onSort } = props;
  const active = sort.key === sortKey;
  return (
    <th scope="col" aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort" onClick={() => onSort(sortKey)} data-testid={`sort-${sortKey}`}>
        {label}
        <span aria-hidden="true">{active ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
}

/** Renders the given nodes (already filtered and sorted by the server). */
export function NodeTable(props: {
  nodes: Node[];
  readings: ReadonlyMap<string, LatestReadings>;
  now: number;
  sort: NodeSort;
  onSort: (key: NodeSortKey) => void;
}) {
  const { nodes, readings, now, sort, onSort } = props;
  return (
    <div className="table-wrap">
      <table className="nodes" data-testid="node-table">
        <caption className="sr-only">Nodes with their state, labels and latest readings</caption>
        <thead>
          <tr>
            <SortHeader label="Name" sortKey="name" sort={sort} onSort={onSort} />
            <SortHeader label="State" sortKey="state" sort={sort} onSort={onSort} />
            <th scope="col">Reason</th>
            <SortHeader label="Zone" sortKey="zone" sort={sort} onSort={onSort} />
            <th scope="col">Labels</th>
            <th scope="col">CPU</th>
            <th scope="col">Memory</th>
            <SortHeader label="Last heartbeat" sortKey="lastHeartbeatAt" sort={sort} onSort={onSort} />
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
