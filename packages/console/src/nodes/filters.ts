/**
 * The node table's filters: by state, by label selector (`role=db,zone=a`, or
 * just `role` for "has the label"), and by a free-text search on the name.
 */
import type { ListNodesQuery, Node, NodeSortKey, NodeState } from '@aurora/sdk';

/** What the filter bar holds. Empty strings mean "no filter". */
export interface NodeFilter {
  state: NodeState | '';
  labels: string;
  text: string;
}

/** One parsed label requirement: the key must exist and, when `value` is set, equal it. */
export interface LabelRequirement {
  key: string;
  value: string | undefined;
}

/** Filter that lets every node through. */
export const noFilter: NodeFilter = { state: '', labels: '', text: '' };

/** Parses `key=value, key2` into requirements; blank parts are ignored. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return selector
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1
        ? { key: part, value: undefined }
        : { key: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() };
    });
}

/** Whether one node passes the filter. */
export function matchesFilter(node: Node, filter: NodeFilter): boolean {
  if (filter.state && node.state !== filter.state) return false;
  const text = filter.text.trim().toLowerCase();
  if (text && !node.name.toLowerCase().includes(text)) return false;
  for (const { key, value } of parseLabelSelector(filter.labels)) {
    const actual = node.labels[key];
    if (actual === undefined || (value !== undefined && actual !== value)) return false;
  }
  return true;
}

/** The nodes that pass the filter, sorted by name. */
export function filterNodes(nodes: Iterable<Node>, filter: NodeFilter): Node[] {
  return [...nodes].filter((n) => matchesFilter(n, filter)).sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads a filter from a query string (`?state=ready&labels=role%3Ddb&q=web`), so overview tiles can link to it. */
export function filterFromQuery(search: string): NodeFilter {
  const params = new URLSearchParams(search);
  const state = params.get('state') ?? '';
  const known = ['joining', 'ready', 'suspect', 'down', 'cordoned', 'draining'];
  return {
    state: known.includes(state) ? (state as NodeState) : '',
    labels: params.get('labels') ?? '',
    text: params.get('q') ?? '',
  };
}

/** The table's sort: a server sort key and a direction. */
export interface NodeSort {
  key: NodeSortKey;
  order: 'asc' | 'desc';
}

/** Name ascending, as the table opens. */
export const defaultSort: NodeSort = { key: 'name', order: 'asc' };

/**
 * The server query for a filter and sort: `key=value` requirements become `label`, bare keys
 * `hasLabel`, the text the name search, so the server filters and sorts and the console pages.
 */
export function toListQuery(filter: NodeFilter, sort: NodeSort, limit: number): ListNodesQuery {
  const labels: Record<string, string> = {};
  const hasLabels: string[] = [];
  for (const { key, value } of parseLabelSelector(filter.labels)) {
    if (key === '') continue;
    if (value === undefined) hasLabels.push(key);
    else labels[key] = value;
  }
  const text = filter.text.trim();
  return {
    ...(filter.state ? { state: filter.state } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(hasLabels.length > 0 ? { hasLabels } : {}),
    ...(text ? { q: text } : {}),
    sort: sort.key,
    order: sort.order,
    limit,
  };
}

/** The sort after a click on a column: the other direction on the same key, else ascending on the new one. */
export function nextSort(current: NodeSort, key: NodeSortKey): NodeSort {
  return current.key === key ? { key, order: current.order === 'asc' ? 'desc' : 'asc' } : { key, order: 'asc' };
}
