/** The facts, conditions and state changes of one node. */
import type { Node } from '@aurora/sdk';
import { HISTORY_LIMIT, type StateTransition } from '../live/fleet.js';
import { LabelChips } from '../nodes/NodeTable.js';
import { formatAgo, formatBytes, formatTime } from '../ui/format.js';
import { StateBadge } from '../ui/StateBadge.js';

/** What the agent reports about the machine. */
export function NodeFacts({ node, now }: { node: Node; now: number }) {
  const f = node.facts;
  return (
    <section className="card" aria-labelledby="facts-title">
      <h2 id="facts-title">Facts</h2>
      <dl className="facts" data-testid="node-facts">
        <dt>Hostname</dt>
        <dd>{f?.hostname ?? '—'}</dd>
        <dt>OS</dt>
        <dd>{f ? `${f.os.distro} ${f.os.release} (${f.os.platform})` : '—'}</dd>
        <dt>Kernel</dt>
        <dd>{f?.os.kernel ?? '—'}</dd>
        <dt>CPU</dt>
        <dd>{f ? `${f.cpus.count} × ${f.cpus.model} (${f.arch})` : '—'}</dd>
        <dt>Memory</dt>
        <dd>{f ? formatBytes(f.memoryBytes) : '—'}</dd>
        <dt>Disks</dt>
        <dd>
          {f?.disks.length
            ? f.disks.map((d) => (
                <div key={d.mount}>
                  <code>{d.mount}</code> {d.fs} {formatBytes(d.sizeBytes)}
                </div>
              ))
            : '—'}
        </dd>
        <dt>Addresses</dt>
        <dd>{f?.addresses.length ? f.addresses.join(', ') : '—'}</dd>
        <dt>Zone</dt>
        <dd>{node.zone ?? '—'}</dd>
        <dt>Labels</dt>
        <dd>
          <LabelChips labels={node.labels} />
        </dd>
        <dt>Agent</dt>
        <dd>{f?.agentVersion ?? '—'}</dd>
        <dt>Joined</dt>
        <dd title={formatTime(node.createdAt)}>{formatAgo(node.createdAt, now)}</dd>
        <dt>Last heartbeat</dt>
        <dd title={formatTime(node.lastHeartbeatAt)} data-testid="node-last-heartbeat">
          {formatAgo(node.lastHeartbeatAt, now)}
        </dd>
      </dl>
    </section>
  );
}

/** Conditions the control plane reports (clock skew, dropped metrics, ...). */
export function NodeConditions({ node }: { node: Node }) {
  return (
    <section className="card" aria-labelledby="conditions-title">
      <h2 id="conditions-title">Conditions</h2>
      {node.conditions.length === 0 ? (
        <p className="muted">No conditions reported.</p>
      ) : (
        <table className="compact" data-testid="node-conditions">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {node.conditions.map((c) => (
              <tr key={c.type}>
                <th scope="row">{c.type}</th>
                <td className={c.status === 'true' ? 'warn' : 'muted'}>{c.status}</td>
                <td>
                  {c.reason}
                  {c.message && <div className="muted">{c.message}</div>}
                </td>
                <td>{formatTime(c.since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Stored and live state changes, newest first; without any, how the current state began. */
export function StateHistory({
  node,
  history,
  problem,
}: {
  node: Node;
  history: readonly StateTransition[];
  /** Why the stored history could not be read, when it could not. */
  problem?: string | undefined;
}) {
  const newestFirst = [...history].reverse();
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">State history</h2>
      <ol className="history" data-testid="state-history">
        {newestFirst.map((t) => (
          <li key={`${t.at}-${t.from}-${t.to}`}>
            <time dateTime={t.at}>{formatTime(t.at)}</time>
            <span>
              <StateBadge state={t.from} testId="history-from" /> → <StateBadge state={t.to} testId="history-to" />
            </span>
            <span className="muted">{t.reason}</span>
          </li>
        ))}
        {newestFirst.length === 0 && (
          <li>
            <time dateTime={node.stateSince}>{formatTime(node.stateSince)}</time>
            <span>
              <StateBadge state={node.state} testId="history-to" />
            </span>
            <span className="muted">{node.stateReason}</span>
          </li>
        )}
      </ol>
      {problem && (
        <p className="error small" role="alert" data-testid="history-problem">
          {problem}
        </p>
      )}
      <p className="muted small">The latest {HISTORY_LIMIT} changes the control plane stored; new ones appear live.</p>
    </section>
  );
}
