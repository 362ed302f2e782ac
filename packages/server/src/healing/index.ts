import type { Leadership } from '../platform/leadership/index.js';
import type { Store } from '../platform/store/index.js';
import { WorkflowEngine } from './workflow/engine.js';
import type { WorkflowDefinition } from './workflow/types.js';

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
  now: () => number;
  /** Further workflows an embedder (or a test) runs on the engine. */
  workflows?: readonly WorkflowDefinition<never>[];
  onError?: (runId: string, error: unknown) => void;
}

/** Healing: durable workflows on the store, advanced by the leader. */
export interface Healing {
  workflows: WorkflowEngine;
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
  return { workflows };
}
