import type { AuroraEvent, NodeState } from '@aurora/sdk';
import type { NodeTransitionRow } from '../platform/store/index.js';

/** The `node.state_changed` event of one stored transition, for the node as it now is. */
export function stateChangedEvent(
  transition: NodeTransitionRow,
  node: Extract<AuroraEvent, { type: 'node.state_changed' }>['node'],
): AuroraEvent {
  return {
    type: 'node.state_changed',
    node,
    from: transition.fromState as NodeState,
    to: transition.toState as NodeState,
    reason: transition.reason,
    at: new Date(transition.at).toISOString(),
  };
}
