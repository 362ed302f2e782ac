/**
 * The `agent:` playbook step: queues an action for the alert's node's agent under the step's
 * idempotency key (so a retried or resumed step queues nothing new, and the agent acts once) and
 * waits for the agent's structured result, which becomes the step's output. A `failed` or `refused`
 * result fails the run at once; no result within the step's timeout expires the action (it is no
 * longer delivered) and fails the run.
 */
import { tryParseDuration } from '@aurora/core';
import { type AgentActionKind, AgentActionParams, type AgentStepAction, ALERT_REFERENCE } from '@aurora/sdk';
import { Value } from '@sinclair/typebox/value';
import { PermanentStepError, type TaskStep } from '../workflow/types.js';
import type { AgentActionQueue } from './queue.js';

/** How often a step looks for its result; a step waits in the store between looks, not in memory. */
export const RESULT_POLL_MS = 1_000;
export const DEFAULT_AGENT_STEP_TIMEOUT_MS = 2 * 60_000;

/** What a step's parameters may refer to: the alert that started the run. */
export interface AlertFacts {
  node: string | null;
  labels: Record<string, string>;
}

export interface AgentStepDeps {
  actions: AgentActionQueue;
  /** The alert by id, for parameters that refer to it (`{{ alert.labels.service }}`); undefined once it is gone. */
  alertOf: (alertId: string) => Promise<AlertFacts | undefined>;
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

const refersToAlert = (params: Record<string, unknown>) =>
  Object.values(params).some((v) => typeof v === 'string' && ALERT_REFERENCE.test(v));

/**
 * Resolves parameters written as `{{ alert.node }}` or `{{ alert.labels.NAME }}` against the alert and
 * checks the result as the action's parameters. Throws a PermanentStepError naming the parameter when
 * the alert lacks what is referred to or gives a value the parameter does not take (a run retried
 * would meet the same alert).
 */
export function resolveAlertReferences(
  kind: AgentActionKind,
  params: Record<string, unknown>,
  alertId: string,
  alert: AlertFacts | undefined,
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const ref = typeof value === 'string' ? ALERT_REFERENCE.exec(value) : null;
    if (!ref) {
      resolved[key] = value;
      continue;
    }
    if (!alert) throw new PermanentStepError(`${key} refers to alert ${alertId}, which no longer exists`);
    const found = ref[1] === 'node' ? alert.node : alert.labels[ref[2] ?? ''];
    if (found === null || found === undefined) {
      throw new PermanentStepError(`${key} refers to ${ref[1]} of alert ${alertId}, which it does not have`);
    }
    resolved[key] = found;
  }
  const problem = Value.Errors(AgentActionParams[kind], resolved).First();
  if (problem) {
    const key = problem.path.replace(/^\//, '');
    throw new PermanentStepError(
      `${key || kind} is ${JSON.stringify(resolved[key] ?? null)} from alert ${alertId}, which ${kind} does not take: ${problem.message}`,
    );
  }
  return resolved;
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
        const alertId = c.input.alertId;
        row = await deps.actions.enqueue({
          id,
          node: c.input.node,
          kind,
          // Resolved once, when queued: a retried or resumed step finds the row and acts on what was queued.
          params: refersToAlert(params)
            ? resolveAlertReferences(kind, params, alertId, await deps.alertOf(alertId))
            : params,
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
