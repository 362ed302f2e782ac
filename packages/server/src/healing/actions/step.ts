/**
 * The `agent:` playbook step: queues an action for the alert's node's agent under the step's
 * idempotency key (so a retried or resumed step queues nothing new, and the agent acts once) and
 * waits for the agent's structured result, which becomes the step's output. A `failed` or `refused`
 * result fails the run at once; no result within the step's timeout expires the action (it is no
 * longer delivered) and fails the run.
 */
import { tryParseDuration } from '@aurora/core';
import type { AgentActionKind, AgentStepAction } from '@aurora/sdk';
import { PermanentStepError, type TaskStep } from '../workflow/types.js';
import type { AgentActionQueue } from './queue.js';

/** How often a step looks for its result; a step waits in the store between looks, not in memory. */
export const RESULT_POLL_MS = 1_000;
export const DEFAULT_AGENT_STEP_TIMEOUT_MS = 2 * 60_000;

export interface AgentStepDeps {
  actions: AgentActionQueue;
  /** Who queues, recorded on the action (`playbook NAME@VERSION`). */
  by: string;
  /**
   * Called before the action is queued (not once it is): throws to stop a run whose signal went stale.
   * Absent for steps after a verification, which restore what the run did.
   */
  guard?: (ctx: { runId: string; alertId: string; what: string }) => Promise<void>;
  /**
   * Called with every final outcome (succeeded, failed, refused or expired) before the step returns
   * or fails, so each is recorded (the audit chain), not only successes. A throw is a transient
   * error: the step looks again and calls it again.
   */
  onOutcome?: (
    ctx: { runId: string; idempotencyKey: string; outputs: Readonly<Record<string, unknown>> },
    outcome: AgentStepOutcome,
  ) => Promise<void>;
}

/** What became of an agent step's action: the step's output when it succeeded. */
export interface AgentStepOutcome {
  node: string;
  action: AgentActionKind;
  id: string;
  status: 'succeeded' | 'failed' | 'refused' | 'expired';
  details: Record<string, unknown>;
}

/** The action of an `agent:` step as the agent receives it: kind and params. */
export function agentStepAction(spec: AgentStepAction): { kind: AgentActionKind; params: Record<string, unknown> } {
  const { action, ...params } = spec;
  return { kind: action, params };
}

export function agentStep<Input extends { node: string; alertId: string }>(
  name: string,
  spec: { agent: AgentStepAction; timeout?: string | undefined },
  deps: AgentStepDeps,
): TaskStep<Input> {
  const { kind, params } = agentStepAction(spec.agent);
  const timeoutMs = spec.timeout === undefined ? DEFAULT_AGENT_STEP_TIMEOUT_MS : (tryParseDuration(spec.timeout) ?? 0);
  return {
    kind: 'task',
    name,
    // Each look that finds no result yet counts as an attempt; the deadline, not the count, ends the wait.
    retry: {
      maxAttempts: Math.ceil(timeoutMs / RESULT_POLL_MS) + 10,
      backoffMs: RESULT_POLL_MS,
      maxBackoffMs: RESULT_POLL_MS,
    },
    async run(c) {
      const id = c.idempotencyKey;
      let row = await deps.actions.get(id);
      if (!row) {
        await deps.guard?.({ runId: c.runId, alertId: c.input.alertId, what: kind });
        row = await deps.actions.enqueue({
          id,
          node: c.input.node,
          kind,
          params,
          expiresAt: c.now() + timeoutMs,
          requestedBy: deps.by,
        });
      }
      const settle = (status: AgentStepOutcome['status']) =>
        deps.onOutcome?.(c, { node: row.node, action: kind, id, status, details: row.details ?? {} });
      const result = { node: row.node, action: kind, id, status: row.status, details: row.details ?? {} };
      if (row.status === 'succeeded') {
        await settle('succeeded');
        return result;
      }
      if (row.status === 'failed' || row.status === 'refused') {
        const d = row.details ?? {};
        await settle(row.status);
        throw new PermanentStepError(
          `the agent on ${row.node} ${row.status} ${kind} (${String(d.reason ?? 'no reason')}: ${String(d.message ?? '')})`,
        );
      }
      if (row.status === 'expired' || c.now() >= row.expiresAt) {
        await deps.actions.expire(id);
        await settle('expired');
        throw new PermanentStepError(
          `no result from the agent on ${row.node} for ${kind} within ${spec.timeout ?? '2m'}; the action expired`,
        );
      }
      throw new Error(`waiting for the agent on ${row.node} to ${kind} (${row.status})`);
    },
  };
}
