/**
 * The policy editor: the stored Cedar documents in force, one of them in a text area, and Save,
 * which stores a new version. When Cedar refuses it, its own messages are shown inline, under the
 * lines they are about, and nothing is stored.
 */
import type { StoredPolicy, StoredPolicyList } from '@aurora/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { describeError } from '../users/RolePicker.js';
import { PolicyHistory } from './PolicyHistory.js';
import { type EditorProblem, editorProblems, problemsByLine } from './policy-problems.js';

function Problems({ text, problems }: { text: string; problems: EditorProblem[] }) {
  const placed = problemsByLine(text, problems);
  const unplaced = problems.filter((p) => p.line === undefined || p.line < 1 || p.line > placed.length);
  return (
    <div className="error stack" role="alert" data-testid="policy-problems">
      <strong>Cedar refused the policy; nothing was stored.</strong>
      <pre className="small">
        {placed.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are identified by their number.
          <span key={i}>
            {String(i + 1).padStart(3, ' ')} {l.line}
            {'\n'}
            {l.problems.map((p) => (
              <span key={p.message} data-testid="policy-problem" data-line={p.line}>
                {' '.repeat(3 + (p.column ?? 1))}^ {p.message}
                {'\n'}
              </span>
            ))}
          </span>
        ))}
      </pre>
      {unplaced.map((p) => (
        <p key={p.message} data-testid="policy-problem">
          {p.message}
        </p>
      ))}
    </div>
  );
}

/** The page at `/policies`. */
export function PoliciesPage() {
  const { client } = useFleet();
  const [list, setList] = useState<StoredPolicyList | undefined>(undefined);
  const [id, setId] = useState('');
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<EditorProblem[]>([]);
  const [saved, setSaved] = useState<StoredPolicy | undefined>(undefined);
  const [rolledBack, setRolledBack] = useState<StoredPolicy | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setList(await client.policies());
    } catch (e) {
      setError(describeError(e));
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load]);

  const open = (doc: StoredPolicy) => {
    setId(doc.id);
    setText(doc.text);
    setProblems([]);
    setSaved(undefined);
    setRolledBack(undefined);
  };
  const afterRollback = async (stored: StoredPolicy) => {
    open(stored);
    setRolledBack(stored);
    await load();
  };
  // The history shows for a document in force whose id is in the editor.
  const inForce = list?.items.some((d) => d.id === id) ?? false;
  const save = async () => {
    setBusy(true);
    setProblems([]);
    setSaved(undefined);
    setRolledBack(undefined);
    try {
      setSaved(await client.putPolicy(id, text));
      await load();
    } catch (e) {
      setProblems(editorProblems(e, id));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack" data-testid="policies-page" data-loaded={list !== undefined}>
      <div className="page-head">
        <h1>Policies</h1>
        <span className="muted">{list ? `${list.items.length} documents in force` : 'loading…'}</span>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not read the policies: {error}
        </p>
      )}
      {list?.fallback && (
        <p className="error" role="alert">
          The stored set does not compile; only the admin and self policies are in force: {list.fallback.join('; ')}
        </p>
      )}
      {list && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Document</th>
                <th>Version</th>
                <th>Policies</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((d) => (
                <tr key={d.id}>
                  <td>
                    <button type="button" className="ghost" onClick={() => open(d)} data-testid={`policy-${d.id}`}>
                      {d.id}
                    </button>
                  </td>
                  <td>{d.version}</td>
                  <td>{d.policies.map((p) => `${p.effect} ${p.id}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="card stack" aria-labelledby="policy-editor-title">
        <h2 id="policy-editor-title">Edit</h2>
        <label>
          Document id{' '}
          <input value={id} onChange={(e) => setId(e.target.value)} data-testid="policy-id" placeholder="oncall" />
        </label>
        <textarea
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={12}
          spellCheck={false}
          data-testid="policy-text"
          aria-label="Cedar policy text"
        />
        <div>
          <button
            type="button"
            className="primary"
            onClick={() => void save()}
            disabled={busy || !id || !text}
            data-testid="policy-save"
          >
            {busy ? 'Saving…' : 'Save as a new version'}
          </button>
        </div>
        {saved && (
          <p role="status" data-testid="policy-saved">
            Stored {saved.id} version {saved.version}.
          </p>
        )}
        {rolledBack && (
          <p role="status" data-testid="policy-rolled-back">
            Stored {rolledBack.id} version {rolledBack.version}, the text of version {rolledBack.fromVersion}.
          </p>
        )}
        {problems.length > 0 && <Problems text={text} problems={problems} />}
        <p className="muted small">
          The same from a shell: <code>aurora policies history|diff|rollback ID</code>.
        </p>
      </section>
      {list && inForce && <PolicyHistory key={`${id}@${list.generation}`} id={id} onRolledBack={afterRollback} />}
    </div>
  );
}
