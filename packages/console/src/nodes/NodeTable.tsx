/** The live node table: one row per node, updated in place as events arrive; only rows near the viewport are drawn. */
import type { Node, NodeSortKey } from '@aurora/sdk';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
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

/** A row's height before it is measured (one line of chips); rows that wrap are measured as drawn. */
const ROW_ESTIMATE_PX = 45;
/** Rows drawn beyond each edge of the viewport, so a fast scroll does not show blank space. */
const OVERSCAN_ROWS = 12;
/** How close to the last loaded row the table asks for more. */
const NEAR_END_ROWS = 40;

/**
 * Where the table body starts on the page: the virtualizer measures rows from the window's
 * scroll position, so it needs the offset of the first row.
 */
function useOffsetTop(ref: RefObject<HTMLElement | null>): number {
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      const el = ref.current;
      if (el) setOffset(Math.round(el.getBoundingClientRect().top + window.scrollY));
    };
    measure();
    // Filters, error lines and the header wrap differently as the window changes width.
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [ref]);
  return offset;
}

/**
 * Renders the given nodes (already filtered and sorted by the server). Only the rows in and near
 * the viewport are in the document, so a page of thousands stays as quick to scroll and to
 * update live as a page of twenty; `onNearEnd` is called when the user scrolls close to the last
 * loaded row, to fetch the next page.
 */
export function NodeTable(props: {
  nodes: Node[];
  readings: ReadonlyMap<string, LatestReadings>;
  now: number;
  sort: NodeSort;
  onSort: (key: NodeSortKey) => void;
  /** How many nodes match on the server, loaded or not (defaults to the rows given). */
  total?: number;
  onNearEnd?: () => void;
}) {
  const { nodes, readings, now, sort, onSort, onNearEnd } = props;
  const total = Math.max(props.total ?? 0, nodes.length);
  const body = useRef<HTMLTableSectionElement>(null);
  const scrollMargin = useOffsetTop(body);
  const virtualizer = useWindowVirtualizer({
    count: nodes.length,
    estimateSize: () => ROW_ESTIMATE_PX,
    overscan: OVERSCAN_ROWS,
    scrollMargin,
    getItemKey: (index) => nodes[index]?.name ?? index,
  });
  const rows = virtualizer.getVirtualItems();
  const lastDrawn = rows.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onNearEnd && nodes.length > 0 && lastDrawn >= nodes.length - NEAR_END_ROWS) onNearEnd();
  }, [onNearEnd, lastDrawn, nodes.length]);

  const padTop = rows.length > 0 ? rows[0]!.start - scrollMargin : 0;
  const padBottom = rows.length > 0 ? virtualizer.getTotalSize() - (rows.at(-1)!.end - scrollMargin) : 0;
  return (
    <div className="table-wrap">
      <table className="nodes" data-testid="node-table" aria-rowcount={total + 1}>
        <caption className="sr-only">Nodes with their state, labels and latest readings</caption>
        <thead>
          <tr aria-rowindex={1}>
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
        <tbody ref={body}>
          {padTop > 0 && <Spacer height={padTop} />}
          {rows.map((row) => {
            const node = nodes[row.index]!;
            const r = readings.get(node.name);
            return (
              <tr
                key={row.key}
                ref={virtualizer.measureElement}
                data-index={row.index}
                aria-rowindex={row.index + 2}
                data-testid="node-row"
                data-node={node.name}
                data-state={node.state}
              >
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
          {padBottom > 0 && <Spacer height={padBottom} />}
        </tbody>
      </table>
    </div>
  );
}

/** Stands in for the rows not drawn, so the page keeps its full height and scroll bar. */
function Spacer({ height }: { height: number }) {
  return (
    <tr className="spacer">
      <td colSpan={8} style={{ height }} />
    </tr>
  );
}
