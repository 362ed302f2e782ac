import type { FastifyInstance } from 'fastify';
import type { Leadership } from '../platform/leadership/index.js';
import type { Store } from '../platform/store/index.js';
import type { QueryEngine } from '../telemetry/index.js';
import { IncidentController } from './incidents/controller.js';
import { registerIncidentRoutes } from './incidents/routes.js';
import { registerPlaybookRoutes } from './playbooks/routes.js';
import { WorkflowEngine } from './workflow/engine.js';
import { registerRunRoutes } from './workflow/routes.js';
import type { WorkflowDefinition } from './workflow/types.js';

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

/** Settings of the healing capability. */
export interface HealingOptions {
  store: Store;
  leadership: Leadership;
  query: QueryEngine;
  now: () => number;
  /** Further workflows an embedder (or a test) runs on the engine. */
  workflows?: readonly WorkflowDefinition<never>[];
  onError?: (runId: string, error: unknown) => void;
}

/** Healing: durable workflows and incidents, advanced by the leader, and their routes. */
export interface Healing {
  workflows: WorkflowEngine;
  incidents: IncidentController;
  registerRoutes(app: FastifyInstance): Promise<void>;
}

export function createHealing(o: HealingOptions): Healing {
  const workflows = new WorkflowEngine({
    db: o.store.db,
    now: o.now,
    fence: () => o.leadership.fence(),
    epoch: () => o.leadership.epoch,
    ...(o.workflows ? { definitions: o.workflows } : {}),
    ...(o.onError ? { onError: o.onError } : {}),
  });
  const incidents = new IncidentController({
    db: o.store.db,
    query: o.query,
    leadership: o.leadership,
    now: o.now,
  });
  return {
    workflows,
    incidents,
    async registerRoutes(app) {
      await registerIncidentRoutes(app, o.store.db, o.now);
      await registerPlaybookRoutes(app, o.store.db, o.now);
      await registerRunRoutes(app, workflows.runs);
    },
  };
}
