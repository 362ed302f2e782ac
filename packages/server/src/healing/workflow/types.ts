/** What a task step receives. */
export interface StepContext<Input = unknown> {
  runId: string;
  input: Input;
  /** Outputs of the steps that already succeeded, by step name. */
  outputs: Readonly<Record<string, unknown>>;
  /**
   * Stable across every attempt of this step in this run, including attempts after a crash or a
   * leader change: an effect outside the store must use it to apply at most once.
   */
  idempotencyKey: string;
  /** 1 for the first start of this step, 2 for the next (a retry or a resume after a crash), ... */
  attempt: number;
  /** Aborted when the step's timeout passes; long steps should stop then. */
  signal: AbortSignal;
  now(): number;
}

/** How a failing task step is retried: `maxAttempts` failures in all, waiting backoff × 2^(n-1), capped. */
export interface RetryPolicy {
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs?: number;
}

/** A step that does work; its result is stored as its output. */
export interface TaskStep<Input = unknown> {
  kind: 'task';
  name: string;
  run(ctx: StepContext<Input>): Promise<unknown>;
  retry?: RetryPolicy;
  /** A start that has not finished after this long counts as a failure (and is retried if allowed). */
  timeoutMs?: number;
}

/** A timer: the run sleeps in the store, not in memory, so it survives restarts. */
export interface WaitStep<Input = unknown> {
  kind: 'wait';
  name: string;
  /** How long to wait, from the moment the step is first reached; may depend on the run's input. */
  ms: number | ((input: Input) => number);
}

export type WorkflowStep<Input = unknown> = TaskStep<Input> | WaitStep<Input>;

/** A named list of steps run in order. Step names must be unique within the workflow. */
export interface WorkflowDefinition<Input = unknown> {
  name: string;
  steps: readonly WorkflowStep<Input>[];
}

/** `denied`: authorisation refused the run; `rejected`: its approvers (or the approval's expiry) refused it. */
export type RunStatus = 'pending' | 'waiting' | 'succeeded' | 'failed' | 'cancelled' | 'denied' | 'rejected';

export const FINISHED_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'denied', 'rejected'];

/**
 * Thrown by a task step that cannot finish yet because it waits on something outside the run (an
 * approval): the step is stored as `waiting` with `output` as its state so far, the run sleeps
 * until `until` (or until something wakes it, see RunRepo.wake), and then the step runs again.
 * Not a failure: no retry is spent.
 */
export class StepNotReady extends Error {
  constructor(
    readonly until: number,
    readonly output?: unknown,
  ) {
    super('step not ready');
    this.name = 'StepNotReady';
  }
}

/**
 * Thrown by a task step to end its run at once as `denied` or `rejected` (a decision, not an error):
 * the step is stored as succeeded with `output`, the run with the status and the message as its error.
 */
export class EndRun extends Error {
  constructor(
    readonly status: 'denied' | 'rejected',
    reason: string,
    readonly output?: unknown,
  ) {
    super(reason);
    this.name = 'EndRun';
  }
}

/**
 * Thrown by a task step whose failure no retry can change (an agent refused or failed the action it
 * was asked for): the step fails at once, without spending its remaining attempts.
 */
export class PermanentStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentStepError';
  }
}

/** A run as stored. */
export interface WorkflowRun {
  id: string;
  workflow: string;
  idempotencyKey: string;
  input: unknown;
  status: RunStatus;
  cursor: number;
  outputs: Record<string, unknown>;
  nextAt: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

export type StepStatus = 'running' | 'retrying' | 'waiting' | 'succeeded' | 'failed';

/** A step of a run as stored. */
export interface WorkflowStepRow {
  position: number;
  name: string;
  status: StepStatus;
  attempts: number;
  failures: number;
  output: unknown;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
  wakeAt: number | null;
}

/** Backoff before retry number `failures` (1-based): backoff × 2^(failures-1), capped. */
export function backoffDelay(policy: RetryPolicy, failures: number): number {
  const delay = policy.backoffMs * 2 ** Math.max(0, failures - 1);
  return Math.min(delay, policy.maxBackoffMs ?? 5 * 60_000);
}
