/**
 * A run's approval in the runs table: who must approve at each level (role, team, user, N of M),
 * who already decided and why, when it expires and what happens then; and, while it waits, the
 * form to approve or reject with a reason. Whether this person may decide is the server's call
 * (Cedar on the run's node, the level's roles and teams, once per person), so its refusal is
 * shown as it said it.
 */
import type { ApprovalDecision, RunApproval } from '@aurora/sdk';
import { type FormEvent, useId, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { formatIn, formatTime } from '../ui/format.js';
import { describeApprovers, levelProgress } from './run-view.js';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function Levels({ approval }: { approval: RunApproval }) {
  return (
    <ol className="approval-levels" data-testid="approval-levels">
      {approval.levels.map((l) => (
        <li
          key={l.level}
          data-testid="approval-level"
          data-level={l.level}
          data-satisfied={l.satisfied}
          aria-current={approval.level === l.level ? 'step' : undefined}
        >
          <span data-testid="approval-progress">{levelProgress(l)}</span> by{' '}
          <span data-testid="approval-who">{describeApprovers(l)}</span>
          {l.approvedBy.length > 0 && <span className="muted"> (approved by {l.approvedBy.join(', ')})</span>}
          {l.satisfied && <span className="muted">, done</span>}
        </li>
      ))}
    </ol>
  );
}

function Decisions({ approval }: { approval: RunApproval }) {
  if (approval.decisions.length === 0) return null;
  return (
    <ul className="plain small" data-testid="approval-decisions">
      {approval.decisions.map((d) => (
        <li key={`${d.by}:${d.at}`} data-testid="approval-decision" data-by={d.by} data-decision={d.decision}>
          <time dateTime={d.at} className="muted">
            {formatTime(d.at)}
          </time>{' '}
          <strong>{d.by}</strong> {d.decision === 'approve' ? 'approved' : 'rejected'} at level {d.level}: {d.reason}
        </li>
      ))}
    </ul>
  );
}

function DecideForm({ runId, onDecided }: { runId: string; onDecided: () => void }) {
  const { client } = useFleet();
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const decide = async (decision: ApprovalDecision) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await client.decideRun(runId, { decision, reason: reason.trim() });
      setReason('');
      onDecided();
    } catch (e) {
      setProblem(describe(e));
    } finally {
      setBusy(false);
    }
  };
  // Enter in the reason field approves, as the first button would; rejecting takes a click.
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim()) void decide('approve');
  };

  return (
    <form className="silence-form" onSubmit={submit} data-testid="approval-form">
      <div className="field grow">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <input
          id={`${id}-reason`}
          type="text"
          required
          maxLength={1000}
          placeholder="why; recorded in the audit trail"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-testid="approval-reason"
        />
      </div>
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy || !reason.trim()} data-testid="approval-approve">
          Approve
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy || !reason.trim()}
          onClick={() => void decide('reject')}
          data-testid="approval-reject"
        >
          Reject
        </button>
      </div>
      {problem && (
        <p className="error" role="alert" data-testid="approval-error">
          {problem}
        </p>
      )}
    </form>
  );
}

/** The approval of one run; `canDecide` when the run is active and the approval pending. */
export function ApprovalPanel({
  runId,
  approval,
  canDecide,
  now,
  onDecided,
}: {
  runId: string;
  approval: RunApproval;
  canDecide: boolean;
  now: number;
  onDecided: () => void;
}) {
  // The expiry matters while the approval waits, and explains an expired one; after a decision it is noise.
  const expiry =
    approval.state === 'pending' || approval.state === 'expired' ? (
      <span data-testid="approval-expiry">
        {approval.state === 'pending' ? 'expires' : 'expired'}{' '}
        <time dateTime={approval.expiresAt} title={formatTime(approval.expiresAt)}>
          {formatIn(approval.expiresAt, now)}
        </time>
        , then <strong data-testid="approval-on-expiry">{approval.onExpiry}</strong>
      </span>
    ) : null;
  return (
    <div className="approval" data-testid="approval" data-state={approval.state}>
      <div>
        <span className={`badge approval-${approval.state}`} data-testid="approval-state">
          {approval.state === 'pending' ? `waiting at level ${approval.level}` : approval.state}
        </span>{' '}
        <span className="muted small">
          on {approval.node}, asked by {approval.policies.join(', ') || 'policy'}
          {expiry && '; '}
          {expiry}
        </span>
      </div>
      <Levels approval={approval} />
      <Decisions approval={approval} />
      {canDecide && <DecideForm runId={runId} onDecided={onDecided} />}
    </div>
  );
}
