/**
 * The compliance report: a framework's controls judged by the server on evidence it collects from
 * the running system when asked (the same report as `aurora compliance report`), each with its
 * verdict, the reason, and the evidence behind it.
 */
import type { ComplianceFramework, ComplianceReport } from '@aurora/sdk';
import { useCallback, useEffect, useId, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { formatTime } from '../ui/format.js';
import { describeError } from '../users/RolePicker.js';

const FRAMEWORKS: { value: ComplianceFramework; label: string }[] = [
  { value: 'soc2', label: 'SOC 2' },
  { value: 'iso27001', label: 'ISO/IEC 27001:2022' },
  { value: 'gdpr', label: 'GDPR' },
];

/** The page at `/compliance`. */
export function CompliancePage() {
  const { client } = useFleet();
  const selectId = useId();
  const [framework, setFramework] = useState<ComplianceFramework>('soc2');
  const [report, setReport] = useState<ComplianceReport | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      setReport(await client.complianceReport(framework));
    } catch (e) {
      setReport(undefined);
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  }, [client, framework]);
  useEffect(() => {
    void load();
  }, [load]);

  const shown = report?.framework === framework ? report : undefined;
  return (
    <div className="stack" data-testid="compliance-page" data-loaded={shown !== undefined} data-framework={framework}>
      <div className="page-head">
        <h1>Compliance</h1>
        <span className="muted" data-testid="compliance-summary">
          {shown
            ? `${shown.summary.pass} pass, ${shown.summary.fail} fail, ${shown.summary.unknown} unknown · collected ${formatTime(shown.generatedAt)}`
            : busy
              ? 'collecting evidence…'
              : ''}
        </span>
      </div>
      <search className="filters" aria-label="Framework">
        <div className="field">
          <label htmlFor={selectId}>Framework</label>
          <select
            id={selectId}
            value={framework}
            onChange={(e) => setFramework(e.target.value as ComplianceFramework)}
            data-testid="compliance-framework"
          >
            {FRAMEWORKS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="ghost" onClick={() => void load()} disabled={busy}>
          Collect again
        </button>
      </search>
      {problem && (
        <p className="error" role="alert" data-testid="compliance-error">
          Could not make the report: {problem}
        </p>
      )}
      {shown && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Control</th>
                <th>Verdict</th>
                <th>Why</th>
                <th>Evidence</th>
              </tr>
            </thead>
            <tbody>
              {shown.controls.map((c) => (
                <tr key={c.id} data-testid="compliance-control" data-control={c.id} data-status={c.status}>
                  <th scope="row">
                    {c.id}
                    <div className="muted small">{c.title}</div>
                  </th>
                  <td className={`verdict-${c.status}`} data-testid="compliance-status">
                    {c.status}
                  </td>
                  <td data-testid="compliance-reason">{c.reason}</td>
                  <td>
                    <details>
                      <summary>{Object.keys(c.evidence).length} items</summary>
                      <pre className="small">{JSON.stringify(c.evidence, null, 2)}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
