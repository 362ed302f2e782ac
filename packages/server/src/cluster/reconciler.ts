import { stepHealth } from '@aurora/core';
import type { NodeState } from '@aurora/sdk';
import { sql } from 'drizzle-orm';
import type { Controller, ControllerDecision } from '../platform/leadership/index.js';
import type { NodeChange, NodeTransitionRow } from '../platform/store/index.js';
import type { ClusterContext } from './context.js';
import { fromHealth, toHealth, toNode } from './node-view.js';
import { stateChangedEvent } from './state-events.js';

const STATES: NodeState[] = ['joining', 'ready', 'suspect', 'down', 'cordoned', 'draining'];

/**
 * The health reconciler: on every pass it feeds the clock to the state
 * machine of each node whose state time can change, persists the
 * transitions with their reasons, publishes them, and refreshes the
 * nodes-by-state gauge. Runs on the leader only.
 */
export class HealthReconciler implements Controller {
  readonly name = 'health-reconciler';
  constructor(
    private readonly ctx: ClusterContext,
    readonly intervalMs = 1_000,
  ) {}

  async runOnce(): Promise<void> {
    const at = this.ctx.clock.now();
    const watchedSince = this.ctx.grace.watchedSince();
    // Healthy nodes heard from within suspectAfter, and down nodes, cannot change on a tick
    // (a returning node recovers through its heartbeat), so a steady fleet costs no row locks.
    // Within the grace after this process began judging, no healthy node can.
    const judgedFrom = at - this.ctx.health.suspectAfterMs;
    const freshSince = watchedSince > judgedFrom ? Number.MIN_SAFE_INTEGER : judgedFrom;
    const candidates = sql`not ((state in ('ready', 'cordoned', 'draining') and last_heartbeat_at > ${freshSince}) or state = 'down')`;
    // A transition is a decision and goes to the audit chain with it; a reason that changed without
    // one (the seconds of silence counting up) is not, so a silent fleet does not grow the chain.
    const decisions: ControllerDecision[] = [];
    const epoch = this.ctx.leadership.epoch;
    const result = await this.ctx.store.nodes.mutate(
      undefined,
      (rows) => {
        const changes: NodeChange[] = [];
        const transitions: NodeTransitionRow[] = [];
        decisions.length = 0;
        for (const row of rows) {
          const step = stepHealth(toHealth(row), { kind: 'tick', at, watchedSince }, this.ctx.health);
          if (step.transitions.length === 0 && step.health.reason === row.stateReason) continue;
          changes.push({ id: row.id, ...fromHealth(step.health) });
          for (const t of step.transitions) {
            transitions.push({ nodeId: row.id, at: t.at, fromState: t.from, toState: t.to, reason: t.reason });
            decisions.push({
              decision: 'node.state',
              subject: { node: row.name, nodeId: row.id },
              detail: { from: t.from, to: t.to, reason: t.reason, at: t.at },
            });
          }
        }
        return { changes, transitions };
      },
      candidates,
      this.ctx.leadership.fence(),
      (tx) => this.ctx.decisions.record(tx, this.name, epoch, decisions),
    );
    const counts = await this.ctx.store.nodes.countByState();
    for (const state of STATES) this.ctx.metrics.nodesByState.set({ state }, counts[state] ?? 0);
    if (result.transitions.length === 0 || this.ctx.bus.listenerCount === 0) return;
    const rows = new Map(
      (await this.ctx.store.nodes.byIds([...new Set(result.transitions.map((t) => t.nodeId))])).map((r) => [r.id, r]),
    );
    for (const t of result.transitions) {
      const row = rows.get(t.nodeId);
      if (!row) continue;
      this.ctx.bus.publish(stateChangedEvent(t, toNode(row)));
    }
  }
}
