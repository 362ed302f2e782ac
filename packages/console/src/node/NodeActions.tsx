/**
 * Operator actions on one node. Cordon keeps new work away, drain also moves
 * existing work off, uncordon returns the node to service; the server decides
 * what is allowed in each state and its answer is shown as is.
 */
import type { Node } from '@aurora/sdk';
import { useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';

type Verb = 'cordon' | 'uncordon' | 'drain';

const HELP: Record<Verb, string> = {
  cordon: 'Stop sending new work to this node.',
  uncordon: 'Return the node to service.',
  drain: 'Stop new work and move existing work off this node.',
};

/**
 * What an operator asked for. It holds even while the node is suspect or down and its state does not show it
 * yet; a server that does not send it is read from the state.
 */
function operatorRequest(node: Node): 'cordoned' | 'draining' | null {
  if (node.operatorState !== undefined) return node.operatorState;
  return node.state === 'cordoned' || node.state === 'draining' ? node.state : null;
}

/** The cordon / uncordon / drain buttons with the result of the last action. */
export function NodeActions({ node }: { node: Node }) {
  const { client, apply } = useFleet();
  const [busy, setBusy] = useState<Verb | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  const run = async (verb: Verb) => {
    setBusy(verb);
    setError(undefined);
    try {
      const call = { cordon: client.cordonNode, uncordon: client.uncordonNode, drain: client.drainNode }[verb];
      apply({ type: 'node.updated', node: await call.call(client, node.name) });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };

  const asked = operatorRequest(node);
  const enabled: Record<Verb, boolean> = {
    cordon: asked === null,
    uncordon: asked !== null,
    drain: asked !== 'draining',
  };
  return (
    <div className="actions">
      <fieldset className="button-row" disabled={busy !== undefined}>
        <legend className="sr-only">Node actions</legend>
        {(['cordon', 'drain', 'uncordon'] as const).map((verb) => (
          <button
            key={verb}
            type="button"
            className={verb === 'drain' ? 'danger' : undefined}
            disabled={!enabled[verb]}
            title={HELP[verb]}
            onClick={() => void run(verb)}
            data-testid={`action-${verb}`}
          >
            {busy === verb ? `${verb}ing…` : verb[0]?.toUpperCase() + verb.slice(1)}
          </button>
        ))}
      </fieldset>
      {error && (
        <p className="error" role="alert" data-testid="action-error">
          {error}
        </p>
      )}
    </div>
  );
}
