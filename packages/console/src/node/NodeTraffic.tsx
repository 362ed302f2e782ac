/**
 * The share of their declared weight a node's service backends keep. An operator lowers it to steer traffic away from
 * a node that is still serving (a playbook's traffic step does the same); draining takes all of it away.
 */
import type { Node } from '@aurora/sdk';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';

/** The share as the server keeps it (absent at the full share), in whole percent. */
export function sharePercent(node: Node): number {
  return Math.round((node.trafficShare ?? 1) * 100);
}

/** The card with the current share, a field to change it and what the last change moved. */
export function NodeTraffic({ node }: { node: Node }) {
  const { client, apply } = useFleet();
  const id = useId();
  const current = sharePercent(node);
  const [value, setValue] = useState(String(current));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [moved, setMoved] = useState<string[] | undefined>(undefined);
  useEffect(() => setValue(String(current)), [current]);

  const set = async (percent: number) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const answer = await client.setNodeTraffic(node.name, percent / 100);
      const { trafficShare: _, ...rest } = node;
      apply({ type: 'node.updated', node: answer.share >= 1 ? rest : { ...rest, trafficShare: answer.share } });
      setMoved(answer.services);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const percent = Number(value);
    // The server checks the range too; saying it here names the unit the field is in.
    if (!Number.isFinite(percent) || percent < 1 || percent > 100) {
      setProblem('enter a share from 1 to 100 %; to take all traffic away, drain the node');
      return;
    }
    void set(percent);
  };

  return (
    // noValidate: the browser's own range bubble would say nothing about draining; the message below does.
    <form
      className="card stack"
      onSubmit={submit}
      noValidate
      aria-labelledby={`${id}-title`}
      data-testid="node-traffic"
    >
      <h2 id={`${id}-title`}>Traffic</h2>
      <p>
        Its service backends keep{' '}
        <strong data-testid="node-traffic-share" data-share={current}>
          {current} %
        </strong>{' '}
        of their weight{current < 100 ? ' (lowered)' : ''}.
      </p>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-share`}>Share (%)</label>
          <input
            id={`${id}-share`}
            type="number"
            min={1}
            max={100}
            step={1}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            data-testid="node-traffic-input"
          />
        </div>
      </div>
      {problem && (
        <p className="error" role="alert" data-testid="node-traffic-error">
          {problem}
        </p>
      )}
      {moved && !problem && (
        <p className="muted" data-testid="node-traffic-moved">
          {moved.length > 0
            ? `Weights moved in ${moved.join(', ')}.`
            : 'No service has a backend on this node yet; the share applies once one does.'}
        </p>
      )}
      <fieldset className="button-row" disabled={busy}>
        <legend className="sr-only">Traffic actions</legend>
        <button type="submit" data-testid="node-traffic-set">
          {busy ? 'Setting…' : 'Set share'}
        </button>
        <button
          type="button"
          disabled={current >= 100}
          onClick={() => void set(100)}
          title="Give the node's backends their whole declared weight again."
          data-testid="node-traffic-restore"
        >
          Restore full share
        </button>
      </fieldset>
    </form>
  );
}
