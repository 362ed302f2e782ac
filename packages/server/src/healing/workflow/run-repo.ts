import { and, asc, desc, eq, inArray, lte, type SQL, sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../../platform/store/engine.js';
import { type Db, FencedWriteError } from '../../platform/store/index.js';
import { workflowRuns, workflowSteps } from '../../platform/store/schema.js';
import type { RunStatus, StepStatus, WorkflowRun, WorkflowStepRow } from './types.js';

const ACTIVE: RunStatus[] = ['pending', 'waiting'];

function toRun(r: typeof workflowRuns.$inferSelect): WorkflowRun {
  return {
    id: r.id,
    workflow: r.workflow,
    idempotencyKey: r.idempotencyKey,
    input: r.input ?? null,
    status: r.status as RunStatus,
    cursor: r.cursor,
    outputs: r.outputs,
    nextAt: r.nextAt,
    error: r.error,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function toStep(r: typeof workflowSteps.$inferSelect): WorkflowStepRow {
  return {
    position: r.position,
    name: r.name,
    status: r.status as StepStatus,
    attempts: r.attempts,
    failures: r.failures,
    output: r.output ?? null,
    error: r.error,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    wakeAt: r.wakeAt,
  };
}

/** The run is no longer active (cancelled or finished by someone else): the executor drops it. */
export class RunNotActiveError extends Error {
  constructor(readonly runId: string) {
    super(`workflow run ${runId} is no longer active`);
    this.name = 'RunNotActiveError';
  }
}

/** Storage of workflow runs and their steps; every executor write is fenced by the leader's epoch. */
export class RunRepo {
  constructor(
    private readonly db: Db,
    private readonly fence: () => SQL | undefined,
    private readonly epoch: () => number,
  ) {}

  /** Creates a run, or returns the one already started with this idempotency key. */
  async start(o: {
    id: string;
    workflow: string;
    input: unknown;
    idempotencyKey: string;
    now: number;
    /** Runs in the transaction of the insert when it creates the run (the audit entry of who started it). */
    record?: (tx: Tx, run: WorkflowRun) => Promise<void>;
  }): Promise<{ run: WorkflowRun; created: boolean }> {
    if (o.record) {
      const record = o.record;
      const created = await this.db.transaction(async (tx) => {
        const [row] = await this.#insertRun(tx, o);
        if (row) await record(tx, toRun(row));
        return row;
      });
      if (created) return { run: toRun(created), created: true };
    } else {
      const [row] = await this.#insertRun(this.db, o);
      if (row) return { run: toRun(row), created: true };
    }
    const [existing] = await this.db
      .select()
      .from(workflowRuns)
      .where(eq(workflowRuns.idempotencyKey, o.idempotencyKey));
    if (!existing) throw new Error(`workflow run with idempotency key ${o.idempotencyKey} vanished`);
    return { run: toRun(existing), created: false };
  }

  #insertRun(tx: Tx, o: { id: string; workflow: string; input: unknown; idempotencyKey: string; now: number }) {
    return tx
      .insert(workflowRuns)
      .values({
        id: o.id,
        workflow: o.workflow,
        idempotencyKey: o.idempotencyKey,
        input: o.input ?? null,
        status: 'pending',
        cursor: 0,
        outputs: {},
        nextAt: o.now,
        createdAt: o.now,
        updatedAt: o.now,
        epoch: 0,
      })
      .onConflictDoNothing({ target: workflowRuns.idempotencyKey })
      .returning();
  }

  async get(id: string): Promise<WorkflowRun | undefined> {
    const [row] = await this.db.select().from(workflowRuns).where(eq(workflowRuns.id, id));
    return row ? toRun(row) : undefined;
  }

  async steps(runId: string): Promise<WorkflowStepRow[]> {
    const rows = await this.db
      .select()
      .from(workflowSteps)
      .where(eq(workflowSteps.runId, runId))
      .orderBy(asc(workflowSteps.position));
    return rows.map(toStep);
  }

  async list(o: { limit: number; workflow?: string }): Promise<WorkflowRun[]> {
    const rows = await this.db
      .select()
      .from(workflowRuns)
      .where(o.workflow ? eq(workflowRuns.workflow, o.workflow) : undefined)
      .orderBy(desc(workflowRuns.createdAt), desc(workflowRuns.id))
      .limit(o.limit);
    return rows.map(toRun);
  }

  /** Active runs whose time has come, oldest first. */
  async due(now: number, limit: number): Promise<WorkflowRun[]> {
    const rows = await this.db
      .select()
      .from(workflowRuns)
      .where(and(inArray(workflowRuns.status, ACTIVE), lte(workflowRuns.nextAt, now)))
      .orderBy(asc(workflowRuns.nextAt), asc(workflowRuns.id))
      .limit(limit);
    return rows.map(toRun);
  }

  /** Ends an active run as cancelled; false when it had already finished. Not fenced: any replica may cancel. */
  /** Cancels an active run; `record` runs in the same transaction when it did (the audit entry of who cancelled it). */
  async cancel(id: string, reason: string, now: number, record?: (tx: Tx) => Promise<void>): Promise<boolean> {
    const cancel = (tx: Tx) =>
      tx
        .update(workflowRuns)
        .set({ status: 'cancelled', error: reason, updatedAt: now })
        .where(and(eq(workflowRuns.id, id), inArray(workflowRuns.status, ACTIVE)))
        .returning({ id: workflowRuns.id });
    if (!record) return (await cancel(this.db)).length > 0;
    return this.db.transaction(async (tx) => {
      const rows = await cancel(tx);
      if (rows.length > 0) await record(tx);
      return rows.length > 0;
    });
  }

  /** Runs `write` in a transaction that first checks the leader's fence and locks the run while it is active. */
  async #fenced<T>(runId: string, now: number, write: (tx: Tx) => Promise<T>): Promise<T> {
    const fence = this.fence();
    return this.db.transaction(async (tx) => {
      if (fence && rowsOf(await tx.execute(fence)).length === 0) throw new FencedWriteError();
      const touched = await tx
        .update(workflowRuns)
        .set({ updatedAt: now, epoch: this.epoch() })
        .where(and(eq(workflowRuns.id, runId), inArray(workflowRuns.status, ACTIVE)))
        .returning({ id: workflowRuns.id });
      if (touched.length === 0) throw new RunNotActiveError(runId);
      return write(tx);
    });
  }

  /** Persists that a task step is about to run; returns the attempt number (starts so far, this one included). */
  async beginStep(runId: string, position: number, name: string, now: number): Promise<number> {
    return this.#fenced(runId, now, async (tx) => {
      const [row] = await tx
        .insert(workflowSteps)
        .values({ runId, position, name, status: 'running', attempts: 1, failures: 0, startedAt: now })
        .onConflictDoUpdate({
          target: [workflowSteps.runId, workflowSteps.position],
          set: { status: 'running', attempts: sql`${workflowSteps.attempts} + 1`, startedAt: now },
        })
        .returning({ attempts: workflowSteps.attempts });
      return row?.attempts ?? 1;
    });
  }

  /** Persists a step's success and moves the run's cursor past it, atomically. */
  async completeStep(
    run: WorkflowRun,
    position: number,
    name: string,
    output: unknown,
    now: number,
    last: boolean,
  ): Promise<void> {
    await this.#fenced(run.id, now, async (tx) => {
      await tx
        .update(workflowSteps)
        .set({ status: 'succeeded', output: output ?? null, error: null, finishedAt: now })
        .where(and(eq(workflowSteps.runId, run.id), eq(workflowSteps.position, position)));
      await tx
        .update(workflowRuns)
        .set({
          cursor: position + 1,
          outputs: sql`${workflowRuns.outputs} || ${JSON.stringify({ [name]: output ?? null })}::jsonb`,
          status: last ? 'succeeded' : 'pending',
          nextAt: now,
        })
        .where(eq(workflowRuns.id, run.id));
    });
  }

  /** Persists a failed attempt: the run retries at `retryAt`, or fails when there is none. Returns the failure count. */
  async failStep(runId: string, position: number, error: string, now: number, retryAt: number | undefined) {
    await this.#fenced(runId, now, async (tx) => {
      await tx
        .update(workflowSteps)
        .set({
          status: retryAt === undefined ? 'failed' : 'retrying',
          failures: sql`${workflowSteps.failures} + 1`,
          error,
          finishedAt: now,
        })
        .where(and(eq(workflowSteps.runId, runId), eq(workflowSteps.position, position)));
      await tx
        .update(workflowRuns)
        .set(retryAt === undefined ? { status: 'failed', error } : { status: 'waiting', nextAt: retryAt })
        .where(eq(workflowRuns.id, runId));
    });
  }

  /** Persists the start of a timer (once: a resumed run keeps the first wake time) and returns its wake time. */
  async beginWait(runId: string, position: number, name: string, wakeAt: number, now: number): Promise<number> {
    return this.#fenced(runId, now, async (tx) => {
      await tx
        .insert(workflowSteps)
        .values({ runId, position, name, status: 'waiting', attempts: 1, failures: 0, startedAt: now, wakeAt })
        .onConflictDoNothing();
      const [row] = await tx
        .select({ wakeAt: workflowSteps.wakeAt })
        .from(workflowSteps)
        .where(and(eq(workflowSteps.runId, runId), eq(workflowSteps.position, position)));
      const at = row?.wakeAt ?? wakeAt;
      await tx.update(workflowRuns).set({ status: 'waiting', nextAt: at }).where(eq(workflowRuns.id, runId));
      return at;
    });
  }

  /**
   * Persists that a task step is not ready (StepNotReady): it waits with its state so far as output,
   * the run sleeps until `until`. The check does not count as an attempt, so a step polled for an
   * hour does not show hundreds of starts.
   */
  async suspendStep(runId: string, position: number, until: number, output: unknown, now: number): Promise<void> {
    await this.#fenced(runId, now, async (tx) => {
      await tx
        .update(workflowSteps)
        .set({
          status: 'waiting',
          attempts: sql`greatest(${workflowSteps.attempts} - 1, 1)`,
          output: output ?? null,
          wakeAt: until,
        })
        .where(and(eq(workflowSteps.runId, runId), eq(workflowSteps.position, position)));
      await tx.update(workflowRuns).set({ status: 'waiting', nextAt: until }).where(eq(workflowRuns.id, runId));
    });
  }

  /** Persists a step's decision that ends its run (EndRun): the step succeeded, the run is denied or rejected. */
  async endRun(
    runId: string,
    position: number,
    status: 'denied' | 'rejected',
    reason: string,
    output: unknown,
    now: number,
  ): Promise<void> {
    await this.#fenced(runId, now, async (tx) => {
      await tx
        .update(workflowSteps)
        .set({ status: 'succeeded', output: output ?? null, error: null, finishedAt: now, wakeAt: null })
        .where(and(eq(workflowSteps.runId, runId), eq(workflowSteps.position, position)));
      await tx.update(workflowRuns).set({ status, error: reason }).where(eq(workflowRuns.id, runId));
    });
  }

  /**
   * Makes an active run due now, so the leader looks at it on its next pass (a decision arrived for a
   * step that waits on one). Not fenced: any replica may wake a run; false when it is not active.
   */
  async wake(runId: string, now: number): Promise<boolean> {
    const rows = await this.db
      .update(workflowRuns)
      .set({ nextAt: now })
      .where(and(eq(workflowRuns.id, runId), inArray(workflowRuns.status, ACTIVE)))
      .returning({ id: workflowRuns.id });
    return rows.length > 0;
  }

  /** The failures recorded so far for a step (0 when it never ran). */
  async failuresOf(runId: string, position: number): Promise<number> {
    const [row] = await this.db
      .select({ failures: workflowSteps.failures })
      .from(workflowSteps)
      .where(and(eq(workflowSteps.runId, runId), eq(workflowSteps.position, position)));
    return row?.failures ?? 0;
  }
}
