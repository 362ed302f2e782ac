/**
 * One policy document's history under the editor: every version with who made it and how, the line
 * diff of each against the one before, and a rollback that stores an earlier text as the newest
 * version (the server refuses it with Cedar's message if that text no longer compiles).
 */
import type { PolicyDiff, PolicyVersion, StoredPolicy } from '@aurora/sdk';
import { useCallback, useEffect, useState } from 'react';
import { actorName, type UserNames } from '../audit/audit-entries.js';
import { useFleet } from '../live/FleetProvider.js';
import { formatTime } from '../ui/format.js';
import { describeError } from '../users/RolePicker.js';

function describeChange(v: PolicyVersion): string {
  switch (v.change) {
    case 'seed':
      return 'shipped';
    case 'put':
      return 'saved';
    case 'rollback':
      return `rolled back to v${v.fromVersion}`;
    case 'delete':
      return 'deleted';
  }
}

/** A line diff as the server words it ("  " kept, "- " removed, "+ " added), each line marked for its colour. */
function DiffView({ diff }: { diff: PolicyDiff }) {
  return (
    <pre className="small diff" data-testid="policy-diff" data-from={diff.from} data-to={diff.to}>
      {diff.diff.split('\n').map((line, i) => {
        const kind = line.startsWith('+ ') ? 'added' : line.startsWith('- ') ? 'removed' : 'kept';
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are identified by their position in the diff.
          <span key={i} className={`diff-${kind}`} data-kind={kind}>
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}

/** Mounted with a key that changes with the policy set's generation, so it is read again after every change. */
export function PolicyHistory({ id, onRolledBack }: { id: string; onRolledBack: (stored: StoredPolicy) => void }) {
  const { client } = useFleet();
  const [versions, setVersions] = useState<PolicyVersion[] | undefined>(undefined);
  const [names, setNames] = useState<UserNames>(new Map());
  const [diff, setDiff] = useState<PolicyDiff | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setVersions((await client.policyVersions(id)).items);
      const users = await client.listUsers().catch(() => undefined);
      if (users) setNames(new Map(users.items.map((u) => [u.id, u.name])));
    } catch (e) {
      setProblem(describeError(e));
    }
  }, [client, id]);
  useEffect(() => {
    void load();
  }, [load]);

  const showDiff = async (to: number) => {
    setProblem(undefined);
    try {
      setDiff(await client.policyDiff(id, { from: to - 1, to }));
    } catch (e) {
      setProblem(describeError(e));
    }
  };
  const rollBack = async (version: number) => {
    setBusy(true);
    setProblem(undefined);
    try {
      onRolledBack(await client.rollbackPolicy(id, version));
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const latest = versions?.[versions.length - 1]?.version;
  return (
    <section className="card stack" aria-labelledby="policy-history-title" data-testid="policy-history">
      <h2 id="policy-history-title">History of {id}</h2>
      {problem && (
        <p className="error" role="alert" data-testid="policy-history-error">
          {problem}
        </p>
      )}
      {versions && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Version</th>
                <th>Change</th>
                <th>By</th>
                <th>When</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...versions].reverse().map((v) => (
                <tr key={v.version} data-testid="policy-version" data-version={v.version} data-change={v.change}>
                  <td>v{v.version}</td>
                  <td>{describeChange(v)}</td>
                  <td data-testid="policy-version-author">{actorName(v.author, names)}</td>
                  <td>
                    <time dateTime={v.createdAt}>{formatTime(v.createdAt)}</time>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="ghost"
                      onClick={() => void showDiff(v.version)}
                      data-testid="policy-version-diff"
                    >
                      {v.version === 1 ? 'Show as added' : `Diff with v${v.version - 1}`}
                    </button>
                    {v.version !== latest && v.text !== null && (
                      <button
                        type="button"
                        className="ghost"
                        disabled={busy}
                        onClick={() => void rollBack(v.version)}
                        data-testid="policy-version-rollback"
                      >
                        Roll back to v{v.version}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {diff && <DiffView diff={diff} />}
    </section>
  );
}
