/**
 * The audit page: the newest entries of the tamper-evident audit trail, older
 * ones on request, and a Verify button that has the server recompute every
 * hash and checkpoint signature and shows "intact" or the first broken entry.
 */
import type { AuditEntry, AuditVerification } from '@aurora/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { formatTime } from '../ui/format.js';
import { describeError } from '../users/RolePicker.js';
import { describeEntry, entriesBefore, newestEntries, type UserNames } from './audit-entries.js';

const PAGE = 100;

function VerifyResult({ result }: { result: AuditVerification }) {
  if (result.intact) {
    return (
      <p className="verify-ok" role="status" data-testid="audit-verify-result" data-intact="true">
        <strong>Intact.</strong> {result.entries} entries and {result.checkpoints} signed checkpoints check out
        {result.unsignedTail > 0 ? `; the newest ${result.unsignedTail} are chained but not yet signed` : ''} (key{' '}
        <code>{result.keyId}</code>).
      </p>
    );
  }
  return (
    <p className="error" role="alert" data-testid="audit-verify-result" data-intact="false">
      <strong>Broken</strong>
      {result.firstBroken ? (
        <>
          {' '}
          at entry <strong data-testid="audit-first-broken">#{result.firstBroken.seq}</strong>:{' '}
          {result.firstBroken.reason}
        </>
      ) : null}
      . Entries from there on cannot be trusted; compare with a backup and the pinned public key.
    </p>
  );
}

function Verify() {
  const { client } = useFleet();
  const [result, setResult] = useState<AuditVerification | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const verify = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      setResult(await client.verifyAudit());
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card stack" aria-labelledby="audit-verify-title">
      <div className="page-head">
        <h2 id="audit-verify-title">Verification</h2>
        <button
          type="button"
          className="primary"
          onClick={() => void verify()}
          disabled={busy}
          data-testid="audit-verify"
        >
          {busy ? 'Verifying…' : 'Verify'}
        </button>
      </div>
      <p className="muted small">
        Recomputes the SHA-256 chain and every Ed25519-signed checkpoint on the server;{' '}
        <code>aurora audit verify --public-key</code> does the same against a key pinned elsewhere.
      </p>
      {result && <VerifyResult result={result} />}
      {problem && (
        <p className="error" role="alert">
          Could not verify: {problem}
        </p>
      )}
    </section>
  );
}

/** The page at `/audit`. */
export function AuditPage() {
  const { client } = useFleet();
  const [entries, setEntries] = useState<AuditEntry[] | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<number | undefined>(undefined);
  const [names, setNames] = useState<UserNames>(new Map());

  const loadNewest = useCallback(async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      setEntries(await newestEntries(client, PAGE));
      // Users that still exist are shown by name; an erased one stays its id (its pseudonym).
      const users = await client.listUsers().catch(() => undefined);
      if (users) setNames(new Map(users.items.map((u) => [u.id, u.name])));
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  }, [client]);
  useEffect(() => {
    void loadNewest();
  }, [loadNewest]);

  const oldest = entries?.[0]?.seq;
  const loadOlder = async () => {
    if (oldest === undefined) return;
    setBusy(true);
    try {
      const older = await entriesBefore(client, oldest, PAGE);
      setEntries((current) => [...older, ...(current ?? [])]);
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const rows = (entries ?? []).map((e) => describeEntry(e, names)).reverse();

  return (
    <div className="stack" data-testid="audit-page" data-loaded={entries !== undefined}>
      <div className="page-head">
        <h1>Audit trail</h1>
        <span className="muted">{entries ? `newest ${rows.length} entries` : 'loading…'}</span>
        <span className="spacer" />
        <button type="button" onClick={() => void loadNewest()} disabled={busy} data-testid="audit-reload">
          Reload
        </button>
      </div>
      <Verify />
      {problem && (
        <p className="error" role="alert" data-testid="audit-error">
          Could not read the audit trail: {problem}
        </p>
      )}
      {entries && (
        <div className="table-wrap">
          <table className="compact" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.seq} data-testid="audit-row" data-kind={row.kind}>
                  <td>
                    <button
                      type="button"
                      className="ghost small"
                      aria-expanded={open === row.seq}
                      title="show the entry as stored"
                      onClick={() => setOpen(open === row.seq ? undefined : row.seq)}
                    >
                      {row.seq}
                    </button>
                  </td>
                  <td className="small">{formatTime(row.at)}</td>
                  <td data-testid="audit-who">{row.who}</td>
                  <td>
                    <code data-testid="audit-what">{row.what}</code>
                    {open === row.seq && <pre className="audit-json small">{row.text}</pre>}
                  </td>
                  <td data-testid="audit-outcome">{row.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {oldest !== undefined && oldest > 1 && (
        <div className="button-row">
          <button type="button" onClick={() => void loadOlder()} disabled={busy} data-testid="audit-older">
            Show older
          </button>
        </div>
      )}
    </div>
  );
}
