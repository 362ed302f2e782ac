import { isHealthyState, stepHealth } from '@aurora/core';
import type { Node } from '@aurora/sdk';
import { AuroraError } from '../platform/http/errors.js';
import type { NodeRow } from '../platform/store/index.js';
import type { ClusterContext } from './context.js';
import { fromHealth, toHealth, toNode } from './node-view.js';
import { stateChangedEvent } from './state-events.js';

/** What an operator (or a playbook) may ask of a node. */
export type OperatorAction = 'cordon' | 'uncordon' | 'drain';

/** Why the history holds an operator's request that waits for the node to be healthy again. */
function pendingRequestReason(action: 'cordon' | 'uncordon' | 'drain', state: string, by: string): string {
  const verb = action === 'cordon' ? 'cordoned' : action === 'drain' ? 'drained' : 'uncordoned';
  return `${verb} by ${by} while ${state}; takes effect when heartbeats resume`;
}

/**
 * Cordons, drains or uncordons a node through the health state machine, stores the change and
 * its transitions, and publishes them: the one path for the API and for playbooks alike.
 * `by` names who asked in the node's history ("playbook disk-full@2"); "an operator" when not given.
 */
export async function operateNode(
  ctx: ClusterContext,
  name: string,
  action: OperatorAction,
  by?: string,
): Promise<Node> {
  const row = await ctx.store.nodes.byName(name);
  if (!row) throw new AuroraError('AURORA_NODE_NOT_FOUND', `no node named "${name}"; list nodes with GET /v1/nodes`);
  const at = ctx.clock.now();
  const watchedSince = ctx.grace.watchedSince();
  let updated: NodeRow | undefined;
  const result = await ctx.store.nodes.mutate([row.id], (rows) => {
    const current = rows[0];
    if (!current) return { changes: [], transitions: [] };
    const step = stepHealth(
      toHealth(current),
      { kind: action, at, watchedSince, ...(by === undefined ? {} : { by }) },
      ctx.health,
    );
    updated = { ...current, facts: row.facts, ...fromHealth(step.health) };
    const transitions = step.transitions.map((t) => ({
      nodeId: current.id,
      at: t.at,
      fromState: t.from,
      toState: t.to,
      reason: t.reason,
    }));
    // On an unhealthy node the request changes no state yet; the history still records it at once,
    // also when the same step recorded the node going silent.
    if (step.health.operatorState !== current.operatorState && !isHealthyState(step.health.state)) {
      transitions.push({
        nodeId: current.id,
        at,
        fromState: step.health.state,
        toState: step.health.state,
        reason: pendingRequestReason(action, step.health.state, by ?? 'an operator'),
      });
    }
    return { changes: [{ id: current.id, ...fromHealth(step.health) }], transitions };
  });
  if (!updated) throw new AuroraError('AURORA_NODE_NOT_FOUND', `node "${row.name}" was deleted meanwhile`);
  const node = toNode(updated);
  for (const t of result.transitions) {
    ctx.bus.publish(stateChangedEvent(t, node));
  }
  return node;
}
