import { stepHealth } from '@aurora/core';
import type { NodeState } from '@aurora/sdk';
import type { Controller } from '../platform/leadership/index.js';
import type { NodeRow } from '../platform/store/index.js';
import type { ClusterContext } from './context.js';
import { fromHealth, toHealth, toNode } from './node-view.js';

/**
 * The health reconciler: on every pass it feeds the clock to each node's
 * state machine, persists the transitions with their reasons, publishes
 * them, and refreshes the nodes-by-state gauge. Runs on the leader only.
 */
export class HealthReconciler implements Controller {
  readonly name = 'health-reconciler';
  constructor(
    private readonly ctx: ClusterContext,
    readonly intervalMs = 1_000,
  ) {}

  async runOnce(): Promise<void> {
    const at = this.ctx.clock.now();
    const changed = new Map<string, NodeRow>();
    const counts: Record<string, number> = {};
    const result = await this.ctx.store.nodes.mutate(undefined, (rows) => {
      const changes = [];
      const transitions = [];
      for (const row of rows) {
        const step = stepHealth(toHealth(row), { kind: 'tick', at }, this.ctx.health);
        counts[step.health.state] = (counts[step.health.state] ?? 0) + 1;
        if (step.transitions.length === 0 && step.health.reason === row.stateReason) continue;
        const next = fromHealth(step.health);
        changes.push({ id: row.id, ...next });
        changed.set(row.id, { ...row, ...next });
        for (const t of step.transitions) {
          transitions.push({ nodeId: row.id, at: t.at, fromState: t.from, toState: t.to, reason: t.reason });
        }
      }
      return { changes, transitions };
    });
    for (const state of ['joining', 'ready', 'suspect', 'down', 'cordoned', 'draining']) {
      this.ctx.metrics.nodesByState.set({ state }, counts[state] ?? 0);
    }
    for (const t of result.transitions) {
      const row = changed.get(t.nodeId);
      if (!row) continue;
      this.ctx.bus.publish({
        type: 'node.state_changed',
        node: toNode(row),
        from: t.fromState as NodeState,
        to: t.toState as NodeState,
        reason: t.reason,
        at: new Date(t.at).toISOString(),
      });
    }
  }
}
