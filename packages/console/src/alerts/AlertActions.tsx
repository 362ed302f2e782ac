/**
 * What an operator does with one alert: silence its series for a while, with a reason, or
 * resolve it by hand. Both go through the API; the list shows the result on its next read.
 */
import type { Alert } from '@aurora/sdk';
import { type FormEvent, useId, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { silenceMatchersOf } from './alert-filters.js';

/** Silence lengths offered; the server allows up to 30 days. */
const DURATIONS = [
  { value: '1h', label: '1 hour' },
  { value: '4h', label: '4 hours' },
  { value: '24h', label: '1 day' },
  { value: '168h', label: '1 week' },
];

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The buttons of one alert row, and the silence form when it is open. */
export function AlertActions({ alert, onChanged }: { alert: Alert; onChanged: () => void }) {
  const { client } = useFleet();
  const id = useId();
  const [silencing, setSilencing] = useState(false);
  const [duration, setDuration] = useState('1h');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const matchers = silenceMatchersOf(alert);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
      setSilencing(false);
      setReason('');
      onChanged();
    } catch (e) {
      setProblem(describe(e));
    } finally {
      setBusy(false);
    }
  };

  const silence = (event: FormEvent) => {
    event.preventDefault();
    void run(() => client.createSilence({ matchers, duration, comment: reason.trim() }));
  };

  return (
    <div className="alert-actions">
      <div className="button-row">
        {!alert.silenced && (
          <button
            type="button"
            onClick={() => setSilencing((open) => !open)}
            aria-expanded={silencing}
            disabled={busy}
            data-testid="alert-silence"
          >
            Silence…
          </button>
        )}
        {alert.state === 'firing' && (
          <button
            type="button"
            className="danger"
            onClick={() => void run(() => client.resolveAlert(alert.id))}
            disabled={busy}
            data-testid="alert-resolve"
          >
            Resolve
          </button>
        )}
      </div>
      {silencing && (
        <form className="silence-form" onSubmit={silence} data-testid="silence-form">
          <p className="muted small">
            Mutes alerts matching{' '}
            {Object.entries(matchers)
              .map(([k, v]) => `${k}="${v}"`)
              .join(', ')}
            .
          </p>
          <div className="field">
            <label htmlFor={`${id}-for`}>For</label>
            <select
              id={`${id}-for`}
              value={duration}
              onChange={(e) => setDuration(e.target.value)}
              data-testid="silence-duration"
            >
              {DURATIONS.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor={`${id}-reason`}>Reason</label>
            <input
              id={`${id}-reason`}
              type="text"
              required
              maxLength={1024}
              placeholder="e.g. load test until noon"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="silence-reason"
            />
          </div>
          <button type="submit" className="primary" disabled={busy || !reason.trim()} data-testid="silence-submit">
            Silence
          </button>
        </form>
      )}
      {problem && (
        <p className="error" role="alert" data-testid="alert-action-error">
          {problem}
        </p>
      )}
    </div>
  );
}
