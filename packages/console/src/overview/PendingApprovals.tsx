/**
 * "Waiting for approval" on the overview: playbook runs held until people decide, soonest expiry
 * first, each with who must approve and when it expires, linked to the runs page where they decide.
 */
import { useCallback } from 'react';
import { usePolled } from '../alerts/use-polled.js';
import { Link } from '../app/router.js';
import { useFleet } from '../live/FleetProvider.js';
import {
  approvalSummary,
  awaitsApproval,
  describeWorkflow,
  nodeOf,
  noRunFilter,
  runFilterToQuery,
  sortRuns,
} from '../runs/run-view.js';
import { formatIn } from '../ui/format.js';

/** Runs listed before the rest are left to the runs page. */
const SHOWN = 10;
const REFRESH_MS = 5_000;

export function PendingApprovals({ now }: { now: number }) {
  const { client } = useFleet();
  const load = useCallback(() => client.runs({ limit: 200 }), [client]);
  const { value, error } = usePolled(load, REFRESH_MS);
  const waiting = sortRuns((value?.items ?? []).filter(awaitsApproval));
  const toRuns = `/runs${runFilterToQuery({ ...noRunFilter, show: 'approval' })}`;

  return (
    <section className="card" aria-labelledby="pending-approvals-title" data-testid="pending-approvals">
      <h2 id="pending-approvals-title">Waiting for approval{value ? ` (${waiting.length})` : ''}</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {value && waiting.length === 0 && <p className="muted">No run waits for an approval.</p>}
      {waiting.length > 0 && (
        <ul className="attention" data-testid="pending-approval-list">
          {waiting.slice(0, SHOWN).map((r) => (
            <li key={r.id} data-testid="pending-approval" data-run={r.id}>
              <strong>{describeWorkflow(r.workflow).name}</strong>
              <span>{nodeOf(r) ?? '—'}</span>
              <span>{approvalSummary(r.approval)}</span>
              <span className="muted">expires {formatIn(r.approval?.expiresAt, now)}</span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to={toRuns} data-testid="pending-approvals-link">
          {waiting.length > SHOWN ? `All ${waiting.length} waiting runs` : 'Decide on the runs page'} →
        </Link>
      </p>
    </section>
  );
}
