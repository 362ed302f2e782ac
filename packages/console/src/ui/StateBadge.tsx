/** A node state as a coloured pill; colour is never the only cue, the word is always there. */
import type { NodeState } from '@aurora/sdk';

/** Shows one node state. */
export function StateBadge({ state, testId = 'node-state' }: { state: NodeState; testId?: string }) {
  return (
    <span className={`state state-${state}`} data-testid={testId} data-state={state}>
      <span className="state-dot" aria-hidden="true" />
      {state}
    </span>
  );
}
