import { randomUUID } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { Controller } from '../../platform/leadership/index.js';
import { type Db, FencedWriteError, type Tx } from '../../platform/store/index.js';
import { RunNotActiveError, RunRepo } from './run-repo.js';
import {
  backoffDelay,
  EndRun,
  PermanentStepError,
  type StepContext,
  StepNotReady,
  type TaskStep,
  type WorkflowDefinition,
  type WorkflowRun,
  type WorkflowStep,
} from './types.js';

/** Settings of the workflow engine. */
export interface WorkflowEngineOptions {
  db: Db;
  now: () => number;
  /** The leader's fence and epoch: executor writes of a deposed leader are refused. */
  fence: () => SQL | undefined;
  epoch: () => number;
  definitions?: readonly WorkflowDefinition<never>[];
  /**
   * Builds definitions not registered up front, from their name (a playbook version); any replica
   * that leads resolves the same name to the same steps.
   */
  resolve?: (workflow: string) => Promise<WorkflowDefinition<never> | undefined>;
  /** How often the leader looks for due runs. */
  intervalMs?: number;
  /** Runs advanced at once in one pass. */
  concurrency?: number;
  onError?: (runId: string, error: unknown) => void;
}

/** The step timed out: its start counts as a failure. */
export class StepTimeoutError extends Error {
  constructor(step: string, ms: number) {
    super(`step ${step} did not finish within ${ms} ms`);
    this.name = 'StepTimeoutError';
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Durable workflows on the control plane's own store. Runs live in `workflow_runs`, steps in
 * `workflow_steps`; the leader's controller advances due runs. A step is recorded as `running`
 * before it runs and as `succeeded` (with its output, moving the run's cursor in the same
 * transaction) after, both fenced by the leader's epoch, so after a crash or a leader change the
 * next leader re-runs exactly the step that had not been recorded as done, with the same
 * idempotency key, and never one that had.
 */
export class WorkflowEngine implements Controller {
  readonly name = 'workflows';
  readonly intervalMs: number;
  readonly runs: RunRepo;
  #definitions = new Map<string, WorkflowDefinition<unknown>>();
  readonly #concurrency: number;

  constructor(private readonly o: WorkflowEngineOptions) {
    this.intervalMs = o.intervalMs ?? 250;
    this.#concurrency = o.concurrency ?? 8;
    this.runs = new RunRepo(o.db, o.fence, o.epoch);
    for (const d of o.definitions ?? []) this.define(d);
  }

  /** Registers a workflow; throws when its name is taken or its step names repeat. */
  define<Input>(definition: WorkflowDefinition<Input>): void {
    if (this.#definitions.has(definition.name)) throw new Error(`workflow ${definition.name} is defined twice`);
    const names = new Set(definition.steps.map((s) => s.name));
    if (names.size !== definition.steps.length) throw new Error(`workflow ${definition.name} repeats a step name`);
    this.#definitions.set(definition.name, definition as WorkflowDefinition<unknown>);
  }

  has(workflow: string): boolean {
    return this.#definitions.has(workflow);
  }

  async #definition(workflow: string): Promise<WorkflowDefinition<unknown> | undefined> {
    return this.#definitions.get(workflow) ?? ((await this.o.resolve?.(workflow)) as WorkflowDefinition<unknown>);
  }

  /** Starts a run, or returns the run already started with `idempotencyKey`. Any replica may start runs. */
  /** Starts a run (or returns the one `idempotencyKey` started); `record` runs in the transaction that creates it. */
  async start(
    workflow: string,
    input: unknown,
    idempotencyKey: string = randomUUID(),
    record?: (tx: Tx, run: WorkflowRun) => Promise<void>,
  ) {
    if (!(await this.#definition(workflow))) throw new Error(`unknown workflow ${workflow}`);
    return this.runs.start({
      id: randomUUID(),
      workflow,
      input,
      idempotencyKey,
      now: this.o.now(),
      ...(record ? { record } : {}),
    });
  }

  cancel(runId: string, reason: string, record?: (tx: Tx) => Promise<void>): Promise<boolean> {
    return this.runs.cancel(runId, reason, this.o.now(), record);
  }

  /** One pass of the leader: advances every due run as far as it goes now. */
  async runOnce(): Promise<void> {
    const due = await this.runs.due(this.o.now(), this.#concurrency);
    await Promise.all(due.map((run) => this.#advance(run)));
  }

  /** Passes until nothing is due at the current time (tests with a manual clock). */
  async drain(maxPasses = 1000): Promise<void> {
    for (let i = 0; i < maxPasses; i++) {
      if ((await this.runs.due(this.o.now(), 1)).length === 0) return;
      await this.runOnce();
    }
  }

  async #advance(initial: WorkflowRun): Promise<void> {
    const definition = await this.#definition(initial.workflow);
    if (!definition) return; // defined by another version of the server; left for a replica that knows it
    let run: WorkflowRun | undefined = initial;
    try {
      while (run && (run.status === 'pending' || run.status === 'waiting') && run.nextAt <= this.o.now()) {
        const step = definition.steps[run.cursor];
        if (!step) {
          await this.runs.completeStep(run, run.cursor, '', null, this.o.now(), true);
          return;
        }
        const last = run.cursor === definition.steps.length - 1;
        const moved = await this.#runStep(run, step, last);
        if (!moved) return;
        run = await this.runs.get(run.id);
      }
    } catch (error) {
      // A deposed leader or a cancelled run: the write was refused, nothing to undo.
      if (error instanceof FencedWriteError || error instanceof RunNotActiveError) return;
      this.o.onError?.(initial.id, error);
    }
  }

  /** Runs one step; true when the run moved past it. */
  async #runStep(run: WorkflowRun, step: WorkflowStep<unknown>, last: boolean): Promise<boolean> {
    const now = this.o.now();
    if (step.kind === 'wait') {
      const ms = typeof step.ms === 'function' ? step.ms(run.input) : step.ms;
      const wakeAt = await this.runs.beginWait(run.id, run.cursor, step.name, now + ms, now);
      if (wakeAt > this.o.now()) return false;
      await this.runs.completeStep(run, run.cursor, step.name, { wokeAt: this.o.now() }, this.o.now(), last);
      return true;
    }
    const attempt = await this.runs.beginStep(run.id, run.cursor, step.name, now);
    try {
      const output = await this.#execute(step, {
        runId: run.id,
        input: run.input,
        outputs: run.outputs,
        idempotencyKey: `${run.id}/${step.name}`,
        attempt,
        signal: new AbortController().signal,
        now: this.o.now,
      });
      await this.runs.completeStep(run, run.cursor, step.name, output, this.o.now(), last);
      return true;
    } catch (error) {
      if (error instanceof FencedWriteError || error instanceof RunNotActiveError) throw error;
      if (error instanceof StepNotReady) {
        await this.runs.suspendStep(
          run.id,
          run.cursor,
          Math.max(error.until, this.o.now()),
          error.output,
          this.o.now(),
        );
        return false;
      }
      if (error instanceof EndRun) {
        await this.runs.endRun(run.id, run.cursor, error.status, error.message, error.output, this.o.now());
        return false;
      }
      const failures = (await this.runs.failuresOf(run.id, run.cursor)) + 1;
      const policy = step.retry;
      const retryAt =
        policy && failures < policy.maxAttempts && !(error instanceof PermanentStepError)
          ? this.o.now() + backoffDelay(policy, failures)
          : undefined;
      await this.runs.failStep(run.id, run.cursor, message(error), this.o.now(), retryAt);
      return false;
    }
  }

  /** Runs a task, failing it with StepTimeoutError (and aborting its signal) when it takes too long. */
  async #execute(step: TaskStep<unknown>, ctx: StepContext<unknown>): Promise<unknown> {
    if (step.timeoutMs === undefined) return step.run(ctx);
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new StepTimeoutError(step.name, step.timeoutMs ?? 0);
        // Settled before aborting, so a step that returns as soon as it is aborted still counts as timed out.
        reject(error);
        abort.abort(error);
      }, step.timeoutMs);
    });
    try {
      return await Promise.race([step.run({ ...ctx, signal: abort.signal }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
