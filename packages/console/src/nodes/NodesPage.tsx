/** The node list: filtered, sorted and paged by the server, rows kept live by the event stream. */
import { NODE_PAGE_MAX, type Node, type NodeSortKey, type NodeState } from '@aurora/sdk';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { NODE_STATES } from '../live/fleet.js';
import { useNow } from '../ui/use-now.js';
import {
  defaultSort,
  filterFromQuery,
  matchesFilter,
  type NodeFilter,
  type NodeSort,
  nextSort,
  noFilter,
  toListQuery,
} from './filters.js';
import { NodeTable } from './NodeTable.js';

/** Rows asked of the server at first: enough to fill a tall window, small enough to arrive at once. */
const PAGE_SIZE = 200;
/** Rows asked per further page, as the user scrolls towards the end or presses "Show more". */
const MORE_SIZE = 500;

function FilterBar({ filter, onChange }: { filter: NodeFilter; onChange: (f: NodeFilter) => void }) {
  const id = useId();
  return (
    <search className="filters" aria-label="Filter nodes">
      <div className="field">
        <label htmlFor={`${id}-state`}>State</label>
        <select
          id={`${id}-state`}
          value={filter.state}
          onChange={(e) => onChange({ ...filter, state: e.target.value as NodeState | '' })}
          data-testid="filter-state"
        >
          <option value="">any state</option>
          {NODE_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-labels`}>Labels</label>
        <input
          id={`${id}-labels`}
          type="text"
          placeholder="role=db, zone"
          value={filter.labels}
          onChange={(e) => onChange({ ...filter, labels: e.target.value })}
          data-testid="filter-labels"
        />
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-text`}>Name</label>
        <input
          id={`${id}-text`}
          type="search"
          placeholder="part of a name"
          value={filter.text}
          onChange={(e) => onChange({ ...filter, text: e.target.value })}
          data-testid="filter-text"
        />
      </div>
      {(filter.state || filter.labels || filter.text) && (
        <button type="button" className="ghost" onClick={() => onChange(noFilter)}>
          Clear
        </button>
      )}
    </search>
  );
}

/** How long typing pauses before the server is asked again. */
const QUERY_DELAY_MS = 250;

/** One server-side listing: the rows loaded so far, where the next page starts, and the total. */
interface Listing {
  items: Node[];
  next: string | null;
  total: number;
  loaded: boolean;
}

const emptyListing: Listing = { items: [], next: null, total: 0, loaded: false };

/**
 * The node list page. The server filters, sorts and pages (`GET /v1/nodes`); the console shows
 * the loaded rows with their live state from the event stream, hides a row as soon as it stops
 * matching, and asks again when nodes join, leave or change state.
 */
export function NodesPage() {
  const { client, fleet, problem } = useFleet();
  const [filter, setFilter] = useState<NodeFilter>(() => filterFromQuery(window.location.search));
  const [sort, setSort] = useState<NodeSort>(defaultSort);
  const [listing, setListing] = useState<Listing>(emptyListing);
  const [error, setError] = useState<string | undefined>(undefined);
  const request = useRef(0);
  const loadedCount = useRef(PAGE_SIZE);
  const now = useNow();

  // Changes when a node joins, leaves or changes state, not on every heartbeat.
  const membership = useMemo(() => {
    let signature = `${fleet.nodes.size}`;
    for (const n of fleet.nodes.values()) signature += n.state[0];
    return signature;
  }, [fleet.nodes]);

  // The filter and sort the shown rows answer. A new one makes answers on their way stale; a
  // membership change asks the same question again, so an answer already on its way still counts
  // (on a big fleet the first answer would otherwise be dropped when the fleet picture arrives).
  const question = useRef('');
  const answered = useRef(0);
  useEffect(() => {
    void membership; // re-run when it changes
    const asked = JSON.stringify([filter, sort]);
    question.current = asked;
    const id = ++request.current;
    const ask = () => {
      const limit = Math.min(NODE_PAGE_MAX, Math.max(PAGE_SIZE, loadedCount.current));
      client
        .listNodes(toListQuery(filter, sort, limit))
        .then((page) => {
          if (asked !== question.current || id < answered.current) return; // stale, or overtaken
          answered.current = id;
          setListing({ items: page.items, next: page.next, total: page.total, loaded: true });
          setError(undefined);
        })
        .catch((e: unknown) => {
          if (id === request.current) setError(e instanceof Error ? e.message : String(e));
        });
    };
    // The first question goes at once, ahead of the fleet picture's larger pages (this effect runs
    // before its provider's): the pause is for typing, and nothing was typed yet.
    if (id === 1) {
      ask();
      return;
    }
    const timer = setTimeout(ask, QUERY_DELAY_MS);
    return () => clearTimeout(timer);
  }, [client, filter, sort, membership]);

  const changeFilter = (next: NodeFilter) => {
    loadedCount.current = PAGE_SIZE;
    setFilter(next);
  };
  const changeSort = (key: NodeSortKey) => {
    loadedCount.current = PAGE_SIZE;
    setSort(nextSort(sort, key));
  };
  // One page at a time: scrolling near the end asks on every frame, and two pages fetched from
  // the same cursor would show their rows twice.
  const loading = useRef(false);
  const loadMore = useCallback(async () => {
    if (listing.next === null || loading.current) return;
    loading.current = true;
    const id = request.current;
    try {
      const page = await client.listNodes({ ...toListQuery(filter, sort, MORE_SIZE), cursor: listing.next });
      if (id !== request.current) return;
      const items = [...listing.items, ...page.items];
      loadedCount.current = items.length;
      setListing({ items, next: page.next, total: page.total, loaded: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      loading.current = false;
    }
  }, [client, filter, sort, listing]);
  const loadMoreOnScroll = useCallback(() => void loadMore(), [loadMore]);

  // Live rows: the event stream's copy of each node where it has one, dropped once it no longer matches.
  const shown = useMemo(
    () => listing.items.map((n) => fleet.nodes.get(n.name) ?? n).filter((n) => matchesFilter(n, filter)),
    [listing.items, fleet.nodes, filter],
  );
  const filtered = Boolean(filter.state || filter.labels.trim() || filter.text.trim());

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Nodes</h1>
        <span className="muted" aria-live="polite" data-testid="node-count">
          {filtered ? `${listing.total} of ${fleet.nodes.size} nodes` : `${listing.total} nodes`}
        </span>
      </div>
      <FilterBar filter={filter} onChange={changeFilter} />
      {(problem || error) && (
        <p className="error" role="alert">
          {problem ?? error}
        </p>
      )}
      {!listing.loaded ? (
        <p className="muted">Loading nodes…</p>
      ) : listing.total === 0 && !filtered ? (
        <div className="card empty-state">
          <h2>No nodes yet</h2>
          <p>
            Create a join token with <code>aurora token create</code> and start an agent with{' '}
            <code>aurora agent --server &lt;url&gt; --token &lt;token&gt;</code>.
          </p>
        </div>
      ) : (
        <>
          <NodeTable
            nodes={shown}
            readings={fleet.readings}
            now={now}
            sort={sort}
            onSort={changeSort}
            total={listing.total}
            onNearEnd={listing.next === null ? undefined : loadMoreOnScroll}
          />
          {listing.next !== null && (
            <button type="button" className="ghost" onClick={() => void loadMore()} data-testid="load-more">
              Show {Math.min(MORE_SIZE, listing.total - listing.items.length)} more
            </button>
          )}
        </>
      )}
    </div>
  );
}
