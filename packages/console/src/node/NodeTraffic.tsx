/**
 * The share of their declared weight a node's service backends keep. An operator lowers it to steer traffic away from
 * a node that is still serving (a playbook's traffic step does the same); draining takes all of it away.
 */
import type { AuroraEvent, Node, Service } from '@aurora/sdk';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { backendsOn, formatWeight } from './node-backends.js';

/** The share as the server keeps it (absent at the full share), in whole percent. */
export function sharePercent(node: Node): number {
  return Math.round((node.trafficShare ?? 1) * 100);
}

/**
 * Whether an event can change what the node's backends keep: any service change, and the node's own
 * state change (a cordoned, draining or down node's backends get nothing) or anomaly alert firing or
 * resolving (it lowers their weights). Other nodes' events cannot, so they cost no re-read.
 */
function concerns(event: AuroraEvent, node: string): boolean {
  switch (event.type) {
    case 'service.changed':
    case 'service.deleted':
      return true;
    case 'node.state_changed':
      return event.node.name === node;
    case 'alert.changed':
      return event.node === node;
    default:
      return false;
  }
}

/** Every service, re-read when an event {@link concerns} the node and after `version` changes. */
function useServices(node: string, version: number): { services: Service[] | undefined; error: string | undefined } {
  const { client, subscribe } = useFleet();
  const [services, setServices] = useState<Service[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [changes, setChanges] = useState(0);
  useEffect(
    () =>
      subscribe((event) => {
        if (concerns(event, node)) setChanges((n) => n + 1);
      }),
    [subscribe, node],
  );
  useEffect(() => {
    void changes;
    void version;
    let live = true;
    client
      .listServices()
      .then((list) => {
        if (!live) return;
        setServices(list.items);
        setError(undefined);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [client, changes, version]);
  return { services, error };
}

/** The node's backends in services: the weight each declared and the weight it keeps now, and why. */
function NodeBackends({ node, share, version }: { node: string; share: number; version: number }) {
  const { services, error } = useServices(node, version);
  if (error) return <p className="error">{`services could not be read: ${error}`}</p>;
  if (!services) return null;
  const rows = backendsOn(services, node, share);
  if (rows.length === 0) return <p className="muted">No service has a backend on this node.</p>;
  return (
    <table className="compact" data-testid="node-backends">
      <caption className="sr-only">Service backends on this node</caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Port</th>
          <th scope="col">Weight kept / declared</th>
          <th scope="col">Why lower</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={`${r.service}:${r.port}`}
            data-testid="node-backend"
            data-service={r.service}
            data-effective={formatWeight(r.effectiveWeight)}
            data-anomalous={r.anomalous}
          >
            <th scope="row">{r.service}</th>
            <td>{r.port}</td>
            <td>
              {formatWeight(r.effectiveWeight)} / {formatWeight(r.weight)}
            </td>
            <td className={r.anomalous ? 'warn' : 'muted'}>{r.why ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The card with the current share, a field to change it, what the last change moved and the node's backends. */
export function NodeTraffic({ node }: { node: Node }) {
  const { client, apply } = useFleet();
  const [version, setVersion] = useState(0);
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
      setVersion((v) => v + 1);
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
      <NodeBackends node={node.name} share={node.trafficShare ?? 1} version={version} />
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
