import { tryParseDuration } from '@aurora/core';
import type { PlaybookSpec } from '@aurora/sdk';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/store/engine.js';
import { alerts, playbooks } from '../../platform/store/schema.js';
import type { AgentActionQueue } from '../actions/queue.js';
import { agentStep } from '../actions/step.js';
import { playbookActor } from '../approvals/governance.js';
import { type ApprovalDeps, approvalStep, authorizeStep } from '../approvals/steps.js';
import type { StepContext, WorkflowDefinition, WorkflowStep } from '../workflow/types.js';

/** What a playbook run acts on: the alert that triggered it and its node. */
export interface PlaybookRunInput {
  playbook: string;
  version: number;
  alertId: string;
  node: string;
}

/** Control-plane actions a playbook step may take on the alert's node; `by` names the playbook in the node's history. */
export type NodeOperator = (
  node: string,
  action: 'cordon' | 'drain' | 'uncordon',
  by: string,
) => Promise<{ state: string }>;

/** Sets the share of their weight a node's service backends keep (the traffic capability's one path for it). */
export type TrafficSteerer = (node: string, share: number) => Promise<{ share: number; services: string[] }>;

/** What playbook runs need besides the store: the node operator, cancellation, and governance's decisions and audit. */
export type PlaybookDeps = Omit<ApprovalDeps, 'stillFiring'> & {
  db: Db;
  operate: NodeOperator;
  steerTraffic: TrafficSteerer;
  /** Where `agent:` steps queue their actions. */
  actions?: AgentActionQueue;
};

/** The Cedar action of each playbook step that acts (waits and verifications take none; agent steps queue `node.action`). */
export function stepActions(spec: PlaybookSpec): string[] {
  return spec.steps.flatMap((s) =>
    'action' in s ? [`node.${s.action}`] : 'agent' in s ? ['node.action'] : 'traffic' in s ? ['node.traffic'] : [],
  );
}

const WORKFLOW_PREFIX = 'playbook:';
/** Steps 0 and 1 are `authorize` and `approval`: a run whose cursor is below this has not acted yet. */
export const FIRST_ACTION_POSITION = 2;
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
 * The steps of one playbook version as a durable workflow. First Cedar decides every action the
 * run will take (`authorize`), then the run waits for its approval if one is needed (`approval`).
 * Before each action up to the first verification the run checks that its alert still fires and,
 * if it resolved, cancels itself instead of acting on a stale signal;
 * a verification polls every 5 s until the alert resolved or its time is up (then the run fails).
 * Each action is recorded in the audit chain and the node's history as the playbook's.
 */
export function playbookWorkflow(
  name: string,
  version: number,
  spec: PlaybookSpec,
  deps: PlaybookDeps,
): WorkflowDefinition<PlaybookRunInput> {
  const gate = { ...deps, stillFiring: (alertId: string) => alertFiring(deps.db, alertId) };
  const by = `playbook ${name}@${version}`;
  const firstVerify = spec.steps.findIndex((s) => 'verify' in s);
  /** Cancels the run instead of acting once its alert resolved: never act on a stale signal. */
  const refuseStale = async (runId: string, alertId: string, what: string): Promise<void> => {
    if (await alertFiring(deps.db, alertId)) return;
    const reason = `alert ${alertId} resolved before ${what}; not acting on a stale signal`;
    await deps.cancel(runId, reason);
    throw new Error(reason);
  };
  /** Appends one of the run's actions to the audit chain as the playbook's, with the run's approvers. */
  const auditAction = async (
    c: Pick<StepContext, 'runId' | 'idempotencyKey' | 'outputs'>,
    fields: Record<string, unknown>,
  ): Promise<void> => {
    const approval = c.outputs.approval as { approvers?: string[] } | undefined;
    await deps.governance.audit({
      kind: 'playbook.action',
      actor: playbookActor(name, version),
      run: c.runId,
      step: c.idempotencyKey,
      ...fields,
      approvers: approval?.approvers ?? [],
    });
  };
  /** A step the control plane itself takes on the alert's node, checked against the signal first when guarded. */
  const controlPlaneStep = (
    stepName: string,
    what: string,
    guarded: boolean,
    act: (c: StepContext<PlaybookRunInput>) => Promise<{ audited: Record<string, unknown>; output: unknown }>,
  ): WorkflowStep<PlaybookRunInput> => ({
    kind: 'task',
    name: stepName,
    retry: { maxAttempts: 3, backoffMs: 1_000 },
    timeoutMs: 30_000,
    async run(c) {
      if (guarded) await refuseStale(c.runId, c.input.alertId, what);
      const { audited, output } = await act(c);
      await auditAction(c, audited);
      return output;
    },
  });
  const steps: WorkflowStep<PlaybookRunInput>[] = spec.steps.map((step, i) => {
    // Actions after a verification restore what the run did once the alert resolved, so only those before act on the signal.
    const guarded = firstVerify === -1 || i < firstVerify;
    if ('action' in step) {
      return controlPlaneStep(`${i}-${step.action}`, step.action, guarded, async (c) => {
        const node = await deps.operate(c.input.node, step.action, by);
        return {
          audited: { action: `node.${step.action}`, node: c.input.node, state: node.state },
          output: { node: c.input.node, action: step.action, state: node.state },
        };
      });
    }
    if ('traffic' in step) {
      return controlPlaneStep(`${i}-traffic`, 'steering traffic', guarded, async (c) => {
        const steered = await deps.steerTraffic(c.input.node, step.traffic);
        return {
          audited: { action: 'node.traffic', node: c.input.node, share: steered.share, services: steered.services },
          output: { node: c.input.node, action: 'traffic', ...steered },
        };
      });
    }
    if ('agent' in step) {
      const actions = deps.actions;
      if (!actions) throw new Error('agent steps need the agent action queue');
      return agentStep<PlaybookRunInput>(`${i}-agent-${step.agent.action}`, step, {
        actions,
        alertOf: async (alertId) => {
          const [row] = await deps.db
            .select({ node: alerts.node, labels: alerts.labels })
            .from(alerts)
            .where(eq(alerts.id, alertId));
          return row;
        },
        by,
        // Every outcome of the agent's action is in the audit chain as the playbook's action, like a
        // cordon or a drain: a failure, a refusal or an expiry as much as a success.
        onOutcome: (c, outcome) =>
          auditAction(c, {
            action: 'node.action',
            agentAction: step.agent.action,
            node: outcome.node,
            outcome: outcome.status,
            result: JSON.parse(JSON.stringify(outcome)),
          }),
        ...(guarded ? { guard: ({ runId, alertId, what }) => refuseStale(runId, alertId, what) } : {}),
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
  return {
    name: playbookWorkflowName(name, version),
    steps: [authorizeStep(stepActions(spec), spec.approval, gate), approvalStep(gate), ...steps],
  };
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
