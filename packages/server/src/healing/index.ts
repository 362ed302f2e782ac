import type { FastifyInstance } from 'fastify';
import type { DecisionLog, Leadership } from '../platform/leadership/index.js';
import type { Store } from '../platform/store/index.js';
import type { QueryEngine } from '../telemetry/index.js';
import { AgentActionQueue } from './actions/queue.js';
import { registerActionRoutes } from './actions/routes.js';
import { DecisionRepo } from './approvals/decision-repo.js';
import type { HealingGovernance } from './approvals/governance.js';
import { approvalsOf, registerApprovalRoutes } from './approvals/routes.js';
import { IncidentController } from './incidents/controller.js';
import { registerIncidentRoutes } from './incidents/routes.js';
import { registerPlaybookRoutes } from './playbooks/routes.js';
import { PlaybookTrigger } from './playbooks/trigger.js';
import { type NodeOperator, playbookResolver, type TrafficSteerer } from './playbooks/workflow.js';
import { WorkflowEngine } from './workflow/engine.js';
import { registerRunRoutes } from './workflow/routes.js';
import type { WorkflowDefinition } from './workflow/types.js';

export { AgentActionQueue } from './actions/queue.js';
export type { Decision, HealingGovernance, NodeFacts } from './approvals/governance.js';
export { IncidentController } from './incidents/controller.js';
export { parsePlaybook } from './playbooks/spec.js';
export { StepTimeoutError, WorkflowEngine } from './workflow/engine.js';
export { RunNotActiveError } from './workflow/run-repo.js';
export type {
  RetryPolicy,
  RunStatus,
  StepContext,
  TaskStep,
  WaitStep,
  WorkflowDefinition,
  WorkflowRun,
  WorkflowStep,
  WorkflowStepRow,
} from './workflow/types.js';
export { EndRun, PermanentStepError, StepNotReady } from './workflow/types.js';

/** Settings of the healing capability. */
export interface HealingOptions {
  store: Store;
  leadership: Leadership;
  query: QueryEngine;
  now: () => number;
  /** Cordons, drains or uncordons a node (the cluster capability's one path for it). */
  operateNode?: NodeOperator;
  /** Sets a node's traffic share (the traffic capability's one path for it). */
  steerTraffic?: TrafficSteerer;
  /** Cedar decisions for playbook runs and approvers, and the audit chain (the governance capability). */
  governance: HealingGovernance;
  /** The audit chain, where the incident controller and the playbook trigger record their decisions. */
  decisions: DecisionLog;
  /** Further workflows an embedder (or a test) runs on the engine. */
  workflows?: readonly WorkflowDefinition<never>[];
  onError?: (runId: string, error: unknown) => void;
}

/** Healing: durable workflows and incidents, advanced by the leader, and their routes. */
export interface Healing {
  workflows: WorkflowEngine;
  /** Actions queued for node agents, exchanged in heartbeats. */
  actions: AgentActionQueue;
  incidents: IncidentController;
  /** Starts playbook runs for firing alerts and cancels queued ones whose alert resolved (leader). */
  playbooks: PlaybookTrigger;
  registerRoutes(app: FastifyInstance): Promise<void>;
}

export function createHealing(o: HealingOptions): Healing {
  let engine: WorkflowEngine | undefined;
  const operate: NodeOperator =
    o.operateNode ??
    (async () => {
      throw new Error('no node operator configured');
    });
  const actions = new AgentActionQueue(o.store.db, o.now);
  const decisions = new DecisionRepo(o.store.db);
  const workflows = new WorkflowEngine({
    resolve: playbookResolver({
      db: o.store.db,
      store: o.store,
      operate,
      steerTraffic:
        o.steerTraffic ??
        (async () => {
          throw new Error('no traffic steering configured');
        }),
      actions,
      governance: o.governance,
      decisions,
      cancel: (runId, reason) => engine?.cancel(runId, reason) ?? Promise.resolve(false),
    }),
    db: o.store.db,
    now: o.now,
    fence: () => o.leadership.fence(),
    epoch: () => o.leadership.epoch,
    ...(o.workflows ? { definitions: o.workflows } : {}),
    ...(o.onError ? { onError: o.onError } : {}),
  });
  engine = workflows;
  const playbooks = new PlaybookTrigger({
    db: o.store.db,
    engine: workflows,
    now: o.now,
    leadership: o.leadership,
    decisions: o.decisions,
  });
  const incidents = new IncidentController({
    db: o.store.db,
    query: o.query,
    leadership: o.leadership,
    decisions: o.decisions,
    now: o.now,
  });
  return {
    workflows,
    actions,
    incidents,
    playbooks,
    async registerRoutes(app) {
      await registerActionRoutes(app, actions, o.now);
      await registerIncidentRoutes(app, o.store.db, o.now);
      await registerPlaybookRoutes(app, o.store.db, o.now);
      await registerRunRoutes(app, workflows.runs, approvalsOf(decisions, o.now));
      await registerApprovalRoutes(app, {
        store: o.store,
        runs: workflows.runs,
        decisions,
        governance: o.governance,
        now: o.now,
      });
    },
  };
}
