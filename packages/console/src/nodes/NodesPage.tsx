/** The node list: filters by state, labels and name over the live table. */
import type { NodeState } from '@aurora/sdk';
import { useId, useMemo, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { NODE_STATES } from '../live/fleet.js';
import { useNow } from '../ui/use-now.js';
import { filterFromQuery, filterNodes, type NodeFilter, noFilter } from './filters.js';
import { NodeTable } from './NodeTable.js';

/** Rows rendered at first; big fleets page in on demand rather than flooding the DOM. */
const PAGE_SIZE = 200;

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

/** The live node list page. */
export function NodesPage() {
  const { fleet, problem } = useFleet();
  const [filter, setFilter] = useState<NodeFilter>(() => filterFromQuery(window.location.search));
  const [limit, setLimit] = useState(PAGE_SIZE);
  const now = useNow();
  const matching = useMemo(() => filterNodes(fleet.nodes.values(), filter), [fleet.nodes, filter]);
  const shown = matching.slice(0, limit);

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Nodes</h1>
        <span className="muted" aria-live="polite" data-testid="node-count">
          {matching.length === fleet.nodes.size
            ? `${fleet.nodes.size} nodes`
            : `${matching.length} of ${fleet.nodes.size} nodes`}
        </span>
      </div>
      <FilterBar filter={filter} onChange={setFilter} />
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {!fleet.loaded ? (
        <p className="muted">Loading nodes…</p>
      ) : fleet.nodes.size === 0 ? (
        <div className="card empty-state">
          <h2>No nodes yet</h2>
          <p>
            Create a join token with <code>aurora token create</code> and start an agent with{' '}
            <code>aurora agent --server &lt;url&gt; --token &lt;token&gt;</code>.
          </p>
        </div>
      ) : (
        <>
          <NodeTable nodes={shown} readings={fleet.readings} now={now} />
          {matching.length > shown.length && (
            <button type="button" className="ghost" onClick={() => setLimit(limit + PAGE_SIZE)}>
              Show {Math.min(PAGE_SIZE, matching.length - shown.length)} more
            </button>
          )}
        </>
      )}
    </div>
  );
}
