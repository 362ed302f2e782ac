/**
 * The runs page: playbook runs (and other durable workflow runs) with their state, the ones
 * waiting for an approval first, each showing who must approve and taking a decision with a
 * reason. Read again every few seconds: runs have no event on the stream yet.
 */
import type { WorkflowRun } from '@aurora/sdk';
import { useCallback, useId, useMemo, useState } from 'react';
import { usePolled } from '../alerts/use-polled.js';
import { Link } from '../app/router.js';
import { pathOf } from '../app/routes.js';
import { useFleet } from '../live/FleetProvider.js';
import { formatAgo, formatTime } from '../ui/format.js';
import { useNow } from '../ui/use-now.js';
import { ApprovalPanel } from './ApprovalPanel.js';
import { RunSteps } from './RunSteps.js';
import {
  approvalSummary,
  awaitsApproval,
  describeWorkflow,
  matchesRunFilter,
  nodeOf,
  noRunFilter,
  type RunFilter,
  type RunShow,
  runFilterFromQuery,
  runFilterToQuery,
  sortRuns,
} from './run-view.js';

/** How often the list is read again; the workflow engine moves runs about every second. */
export const RUNS_REFRESH_MS = 3_000;
/** Runs read per refresh: the newest ones. */
const RUNS_LIMIT = 200;

function FilterBar({ filter, onChange }: { filter: RunFilter; onChange: (f: RunFilter) => void }) {
  const id = useId();
  return (
    <search className="filters" aria-label="Filter runs">
      <div className="field">
        <label htmlFor={`${id}-show`}>Show</label>
        <select
          id={`${id}-show`}
          value={filter.show}
          onChange={(e) => onChange({ ...filter, show: e.target.value as RunShow })}
          data-testid="run-filter-show"
        >
          <option value="">every run</option>
          <option value="approval">waiting for approval</option>
          <option value="active">not finished</option>
          <option value="finished">finished</option>
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-q`}>Playbook or node</label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="part of a playbook or node name"
          value={filter.q}
          onChange={(e) => onChange({ ...filter, q: e.target.value })}
          data-testid="run-filter-q"
        />
      </div>
      {(filter.show || filter.q) && (
        <button type="button" className="ghost" onClick={() => onChange(noRunFilter)}>
          Clear
        </button>
      )}
    </search>
  );
}

function RunRow({ run, now, onChanged }: { run: WorkflowRun; now: number; onChanged: () => void }) {
  const { fleet } = useFleet();
  const workflow = describeWorkflow(run.workflow);
  const node = nodeOf(run);
  const waiting = awaitsApproval(run);
  return (
    <tr data-testid="run-row" data-run={run.id} data-status={run.status} data-awaits-approval={waiting}>
      <th scope="row">
        {workflow.name}
        {workflow.version !== undefined && <span className="muted"> v{workflow.version}</span>}
        <div className="muted small">
          <code title="run id">{run.id}</code>
        </div>
      </th>
      <td>
        <span className={`badge run-${run.status}`} data-testid="run-status" data-status={run.status}>
          {run.status}
        </span>
        {run.error && (
          <div className="reason small" data-testid="run-error">
            {run.error}
          </div>
        )}
        <RunSteps runId={run.id} updatedAt={run.updatedAt} />
      </td>
      <td>
        {node && fleet.nodes.has(node) ? <Link to={pathOf({ page: 'node', name: node })}>{node}</Link> : (node ?? '—')}
      </td>
      <td>
        <time dateTime={run.createdAt} title={formatTime(run.createdAt)}>
          {formatAgo(run.createdAt, now)}
        </time>
      </td>
      <td data-testid="run-approval">
        {!run.approval ? (
          <span className="muted">{approvalSummary(null)}</span>
        ) : waiting ? (
          <ApprovalPanel runId={run.id} approval={run.approval} canDecide now={now} onDecided={onChanged} />
        ) : (
          <details>
            <summary>{approvalSummary(run.approval)}</summary>
            <ApprovalPanel runId={run.id} approval={run.approval} canDecide={false} now={now} onDecided={onChanged} />
          </details>
        )}
      </td>
    </tr>
  );
}

/** The page at `/runs`. */
export function RunsPage() {
  const { client } = useFleet();
  const [filter, setFilter] = useState<RunFilter>(() => runFilterFromQuery(window.location.search));
  const now = useNow();
  const load = useCallback(() => client.runs({ limit: RUNS_LIMIT }), [client]);
  const { value, error, reload } = usePolled(load, RUNS_REFRESH_MS);
  const shown = useMemo(
    () => sortRuns((value?.items ?? []).filter((r) => matchesRunFilter(r, filter))),
    [value, filter],
  );
  const waiting = (value?.items ?? []).filter(awaitsApproval).length;

  const changeFilter = (next: RunFilter) => {
    setFilter(next);
    // The filter lives in the URL too, so a reload or a shared link shows the same list.
    window.history.replaceState(null, '', `/runs${runFilterToQuery(next)}`);
  };

  return (
    <div className="stack" data-testid="runs-page" data-loaded={value !== undefined}>
      <div className="page-head">
        <h1>Runs</h1>
        <span className="muted" data-testid="runs-count">
          {value ? `${shown.length} shown, ${waiting} waiting for approval` : 'loading…'}
        </span>
      </div>
      <p className="muted">
        A playbook starts a run for each firing alert it matches. Where a policy asks for an approval (a production
        node, by default), the run waits for the people its playbook names; each decides once, with a reason kept in the
        audit trail. Undecided at its expiry, the run takes the playbook's default decision.
      </p>
      <FilterBar filter={filter} onChange={changeFilter} />
      {error && (
        <p className="error" role="alert" data-testid="runs-error">
          Could not load runs: {error}
        </p>
      )}
      {value && shown.length === 0 ? (
        <p className="muted card" data-testid="runs-empty">
          {value.items.length === 0 ? 'No playbook has started a run yet.' : 'No run matches the filter.'}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="runs" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col">Playbook</th>
                <th scope="col">State</th>
                <th scope="col">Node</th>
                <th scope="col">Started</th>
                <th scope="col">Approval</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <RunRow key={r.id} run={r} now={now} onChanged={reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
