import { tryParseDuration } from '@aurora/core';
import type { PlaybookSpec } from '@aurora/sdk';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/store/engine.js';
import { alerts, playbooks } from '../../platform/store/schema.js';
import type { AgentActionQueue } from '../actions/queue.js';
import { agentStep } from '../actions/step.js';
import type { WorkflowDefinition, WorkflowStep } from '../workflow/types.js';

/** What a playbook run acts on: the alert that triggered it and its node. */
export interface PlaybookRunInput {
  playbook: string;
  version: number;
  alertId: string;
  node: string;
}

/** Control-plane actions a playbook step may take on the alert's node. */
export type NodeOperator = (node: string, action: 'cordon' | 'drain' | 'uncordon') => Promise<{ state: string }>;

const WORKFLOW_PREFIX = 'playbook:';
const VERIFY_EVERY_MS = 5_000;

/** The workflow name of a playbook version: runs keep the version they started with. */
export function playbookWorkflowName(name: string, version: number): string {
  return `${WORKFLOW_PREFIX}${name}@${version}`;
}

/** The alert still fires: a playbook acts only on a live signal. */
async function alertFiring(db: Db, alertId: string): Promise<boolean> {
  const [row] = await db
    .select({ state: alerts.state })
    .from(alerts)
    .where(and(eq(alerts.id, alertId)));
  return row?.state === 'firing';
}

/**
 * The steps of one playbook version as a durable workflow. Before each action up to the first
 * verification the run checks that its alert still fires and, if it resolved, cancels itself
 * instead of acting on a stale signal;
 * a verification polls every 5 s until the alert resolved or its time is up (then the run fails).
 */
export function playbookWorkflow(
  name: string,
  version: number,
  spec: PlaybookSpec,
  deps: {
    db: Db;
    operate: NodeOperator;
    cancel: (runId: string, reason: string) => Promise<boolean>;
    /** Where `agent:` steps queue their actions. */
    actions?: AgentActionQueue;
  },
): WorkflowDefinition<PlaybookRunInput> {
  const firstVerify = spec.steps.findIndex((s) => 'verify' in s);
  const steps: WorkflowStep<PlaybookRunInput>[] = spec.steps.map((step, i) => {
    // Actions after a verification restore what the run did once the alert resolved, so only those before act on the signal.
    const guarded = firstVerify === -1 || i < firstVerify;
    if ('action' in step) {
      return {
        kind: 'task',
        name: `${i}-${step.action}`,
        retry: { maxAttempts: 3, backoffMs: 1_000 },
        timeoutMs: 30_000,
        async run(c) {
          if (guarded && !(await alertFiring(deps.db, c.input.alertId))) {
            const reason = `alert ${c.input.alertId} resolved before ${step.action}; not acting on a stale signal`;
            await deps.cancel(c.runId, reason);
            throw new Error(reason);
          }
          const node = await deps.operate(c.input.node, step.action);
          return { node: c.input.node, action: step.action, state: node.state };
        },
      };
    }
    if ('agent' in step) {
      const actions = deps.actions;
      if (!actions) throw new Error('agent steps need the agent action queue');
      return agentStep<PlaybookRunInput>(`${i}-agent-${step.agent.action}`, step, {
        actions,
        by: `playbook ${name}@${version}`,
        ...(guarded
          ? {
              guard: async ({ runId, alertId, what }) => {
                if (await alertFiring(deps.db, alertId)) return;
                const reason = `alert ${alertId} resolved before ${what}; not acting on a stale signal`;
                await deps.cancel(runId, reason);
                throw new Error(reason);
              },
            }
          : {}),
      });
    }
    if ('wait' in step) return { kind: 'wait', name: `${i}-wait`, ms: tryParseDuration(step.wait) ?? 0 };
    const withinMs = tryParseDuration(step.within) ?? 0;
    return {
      kind: 'task',
      name: `${i}-verify`,
      retry: {
        maxAttempts: Math.max(1, Math.ceil(withinMs / VERIFY_EVERY_MS)) + 1,
        backoffMs: VERIFY_EVERY_MS,
        maxBackoffMs: VERIFY_EVERY_MS,
      },
      async run(c) {
        if (await alertFiring(deps.db, c.input.alertId)) {
          throw new Error(`alert ${c.input.alertId} still firing (verification allows ${step.within})`);
        }
        return { resolved: true };
      },
    };
  });
  return { name: playbookWorkflowName(name, version), steps };
}

/** Resolves `playbook:<name>@<version>` to its workflow from the stored version, or undefined. */
export function playbookResolver(deps: Parameters<typeof playbookWorkflow>[3]) {
  return async (workflow: string): Promise<WorkflowDefinition<never> | undefined> => {
    const match = /^playbook:([a-z0-9][a-z0-9-]*)@(\d+)$/.exec(workflow);
    if (!match) return undefined;
    const [, name = '', v = '0'] = match;
    const [row] = await deps.db
      .select()
      .from(playbooks)
      .where(and(eq(playbooks.name, name), eq(playbooks.version, Number(v))));
    if (!row) return undefined;
    return playbookWorkflow(name, row.version, row.spec as PlaybookSpec, deps) as unknown as WorkflowDefinition<never>;
  };
}
