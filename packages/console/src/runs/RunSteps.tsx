/**
 * A run's steps as recorded before and after each ran (`GET /v1/runs/{id}`), read when the
 * person opens them and again whenever the run moves, so a run that proceeds shows its new steps.
 */
import type { WorkflowRunDetail } from '@aurora/sdk';
import { useEffect, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { formatTime } from '../ui/format.js';
import { stepResult } from './run-view.js';

function StepsTable({ runId, updatedAt }: { runId: string; updatedAt: string }) {
  const { client } = useFleet();
  const [detail, setDetail] = useState<WorkflowRunDetail | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `updatedAt` is how a moved run asks for a fresh read
  useEffect(() => {
    let live = true;
    client.run(runId).then(
      (d) => {
        if (!live) return;
        setDetail(d);
        setProblem(undefined);
      },
      (e: unknown) => {
        if (live) setProblem(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [client, runId, updatedAt]);

  if (problem) {
    return (
      <p className="error small" role="alert">
        Could not load the steps: {problem}
      </p>
    );
  }
  if (!detail) return <p className="muted small">loading…</p>;
  if (detail.steps.length === 0) return <p className="muted small">No step has run yet.</p>;
  return (
    <table className="compact steps" data-testid="run-steps">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Step</th>
          <th scope="col">State</th>
          <th scope="col">Tries</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {detail.steps.map((s) => (
          <tr key={s.position} data-testid="run-step" data-step={s.name} data-status={s.status}>
            <td>{s.position}</td>
            <td>
              <code>{s.name}</code>
            </td>
            <td title={formatTime(s.finishedAt ?? s.startedAt)}>
              {s.status === 'waiting' && s.wakeAt ? `waiting until ${formatTime(s.wakeAt)}` : s.status}
            </td>
            <td>{s.attempts}</td>
            <td className="reason">{stepResult(s)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The "Steps" disclosure of one run; nothing is read until it is opened. */
export function RunSteps({ runId, updatedAt }: { runId: string; updatedAt: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="small" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="run-steps-toggle">
      <summary>Steps</summary>
      {open && <StepsTable runId={runId} updatedAt={updatedAt} />}
    </details>
  );
}
