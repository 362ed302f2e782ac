import { Problem, type RunApproval, RunsQuery, WorkflowRunDetail, WorkflowRunList } from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../../platform/http/errors.js';
import type { RunRepo } from './run-repo.js';
import type { WorkflowRun, WorkflowStepRow } from './types.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const security = [{ admin: [] }];
const iso = (ms: number) => new Date(ms).toISOString();

/** The approvals of a page of runs (null for a run that needed none), from the capability that keeps them. */
export type ApprovalsOf = (runs: readonly WorkflowRun[]) => Promise<Map<string, RunApproval | null>>;

function runView(r: WorkflowRun, approval: RunApproval | null = null) {
  return {
    id: r.id,
    workflow: r.workflow,
    status: r.status,
    step: r.cursor,
    input: r.input,
    outputs: r.outputs,
    error: r.error,
    nextAt: iso(r.nextAt),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    approval,
  };
}

function stepView(s: WorkflowStepRow) {
  return {
    position: s.position,
    name: s.name,
    status: s.status,
    attempts: s.attempts,
    failures: s.failures,
    output: s.output,
    error: s.error,
    startedAt: iso(s.startedAt),
    finishedAt: s.finishedAt === null ? null : iso(s.finishedAt),
    wakeAt: s.wakeAt === null ? null : iso(s.wakeAt),
  };
}

/** One run with its steps and approval as GET /v1/runs/:id answers it; 404 when there is none. */
export async function runDetail(runs: RunRepo, id: string, approvalsOf?: ApprovalsOf): Promise<WorkflowRunDetail> {
  const run = await runs.get(id);
  if (!run) throw new AuroraError('AURORA_RUN_NOT_FOUND', `no run with id "${id}"; list them with GET /v1/runs`);
  const approval = (await approvalsOf?.([run]))?.get(run.id) ?? null;
  return { ...runView(run, approval), steps: (await runs.steps(id)).map(stepView) } as WorkflowRunDetail;
}

/** Workflow runs and their steps, read-only: runs are started by the control plane itself. */
export async function registerRunRoutes(app: FastifyInstance, runs: RunRepo, approvalsOf?: ApprovalsOf): Promise<void> {
  app.get(
    '/v1/runs',
    {
      schema: {
        summary: 'Workflow runs, newest first',
        tags: ['healing'],
        security,
        querystring: RunsQuery,
        response: { 200: WorkflowRunList, ...errors },
      },
    },
    async (request) => {
      const q = request.query as RunsQuery;
      const list = await runs.list({ limit: q.limit ?? 100, ...(q.workflow ? { workflow: q.workflow } : {}) });
      const approvals = await approvalsOf?.(list);
      return { items: list.map((r) => runView(r, approvals?.get(r.id) ?? null)) };
    },
  );

  app.get(
    '/v1/runs/:id',
    {
      schema: {
        summary: 'One workflow run with every step as recorded before and after it ran',
        tags: ['healing'],
        security,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: WorkflowRunDetail, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return runDetail(runs, id, approvalsOf);
    },
  );
}
