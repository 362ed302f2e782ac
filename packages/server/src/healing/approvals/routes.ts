import { DecideApproval, Problem, type RunApproval, WorkflowRunDetail } from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../platform/http/auth.js';
import { AuroraError } from '../../platform/http/errors.js';
import type { Store } from '../../platform/store/index.js';
import { type ApprovalsOf, runDetail } from '../workflow/routes.js';
import type { RunRepo } from '../workflow/run-repo.js';
import type { WorkflowRun } from '../workflow/types.js';
import type { DecisionRepo } from './decision-repo.js';
import type { HealingGovernance } from './governance.js';
import { approvalState, approvalView, describeLevel, eligible } from './plan.js';
import { APPROVAL_STEP, AUTHORIZE_STEP, type AuthorizeOutput, nodeFacts } from './steps.js';

const ACTIVE = new Set(['pending', 'waiting']);

/** The approval plan of a run that needed one, from its authorise step's output. */
function planOf(run: WorkflowRun) {
  return (run.outputs[AUTHORIZE_STEP] as AuthorizeOutput | undefined)?.approval ?? undefined;
}

/** The approvals of a page of runs, as GET /v1/runs shows them. */
export function approvalsOf(decisions: DecisionRepo, now: () => number): ApprovalsOf {
  return async (runs) => {
    const out = new Map<string, RunApproval | null>();
    const needing = runs.filter((r) => planOf(r) !== undefined);
    const byRun = await decisions.byRun(needing.map((r) => r.id));
    for (const run of runs) {
      const plan = planOf(run);
      if (!plan) {
        out.set(run.id, null);
        continue;
      }
      const view = approvalView(plan, byRun.get(run.id) ?? [], now());
      // A run cancelled (its alert resolved) before its approval was decided shows that, not a later expiry.
      if (run.status === 'cancelled' && (view.state === 'pending' || view.state === 'expired')) {
        out.set(run.id, { ...view, state: 'cancelled', level: null });
      } else out.set(run.id, view);
    }
    return out;
  };
}

/** Who decides, as approvals record them; only people decide (users, and the bootstrap admin of the admin token). */
function decider(principal: Principal): {
  key: string;
  name: string;
  roles: readonly string[];
  teams: readonly string[];
} {
  if (principal.kind === 'user') {
    return { key: `user:${principal.id}`, name: principal.name, roles: principal.roles, teams: principal.teams };
  }
  if (principal.kind === 'admin') return { key: 'admin', name: 'admin', roles: ['admin'], teams: [] };
  throw new AuroraError(
    'AURORA_NOT_AN_APPROVER',
    'approvals are decided by people: log in as a user (POST /v1/sessions) and decide with its access token (aurora runs approve RUN --reason ... --token ACCESS_TOKEN)',
  );
}

/**
 * POST /v1/runs/:id/approvals: a person approves or rejects a run waiting for approval, at its
 * current level. Cedar decides `run.approve` on the run's node (so team and environment policies
 * apply), the level names who may decide, a person counts once per run, and every decision goes
 * into the audit chain with who made it and why. The run is woken to act on it at once.
 */
export async function registerApprovalRoutes(
  app: FastifyInstance,
  deps: {
    store: Store;
    runs: RunRepo;
    decisions: DecisionRepo;
    governance: HealingGovernance;
    now: () => number;
  },
): Promise<void> {
  const views = approvalsOf(deps.decisions, deps.now);
  app.post(
    '/v1/runs/:id/approvals',
    {
      schema: {
        summary: "Approve or reject a run's pending approval, with a reason",
        description:
          'Only a person allowed `run.approve` on the run node by Cedar and named by the current level may decide; each person counts once per run.',
        tags: ['healing'],
        security: [{ admin: [] }],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: DecideApproval,
        response: { 200: WorkflowRunDetail, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body as DecideApproval;
      const run = await deps.runs.get(id);
      if (!run) throw new AuroraError('AURORA_RUN_NOT_FOUND', `no run with id "${id}"; list them with GET /v1/runs`);
      const plan = planOf(run);
      if (!plan || !ACTIVE.has(run.status) || APPROVAL_STEP in run.outputs) {
        const why = !plan
          ? 'it needed no approval'
          : `it is ${run.status}${APPROVAL_STEP in run.outputs ? ' past its approval' : ''}`;
        throw new AuroraError(
          'AURORA_RUN_NOT_AWAITING_APPROVAL',
          `run "${id}" takes no decision: ${why}; see GET /v1/runs/${id}`,
        );
      }
      const who = decider(request.principal);
      const node = await nodeFacts(deps.store, plan.node);
      const cedar = deps.governance.decideApprover(request.principal, node);
      if (cedar.outcome !== 'allow') {
        const by =
          cedar.policies.length > 0
            ? `denied by policy ${cedar.policies.map((p) => `"${p}"`).join(', ')}`
            : 'no policy permits it';
        throw new AuroraError(
          'AURORA_NOT_AN_APPROVER',
          `${who.name} may not approve runs on node "${node.name}": ${by}`,
        );
      }
      const now = deps.now();
      const decisions = await deps.decisions.of(id);
      const state = approvalState(plan, decisions, now);
      if (state.state !== 'pending') {
        throw new AuroraError(
          'AURORA_RUN_NOT_AWAITING_APPROVAL',
          `run "${id}" takes no decision: its approval is ${state.state}; see GET /v1/runs/${id}`,
        );
      }
      const earlier = decisions.find((d) => d.approver === who.key);
      if (earlier) {
        throw new AuroraError(
          'AURORA_ALREADY_DECIDED',
          `${who.name} already decided on run "${id}" (${earlier.decision} at level ${earlier.level}); a person counts once per run`,
        );
      }
      const level = plan.levels[state.level - 1];
      if (!level || !eligible(level, who)) {
        throw new AuroraError(
          'AURORA_NOT_AN_APPROVER',
          `level ${state.level} of run "${id}" needs ${level ? describeLevel(level) : 'nobody'}; ${who.name} holds roles ${who.roles.join(', ') || 'none'} and teams ${who.teams.join(', ') || 'none'}`,
        );
      }
      const stored = await deps.decisions.add(id, {
        approver: who.key,
        name: who.name,
        level: state.level,
        decision: body.decision,
        reason: body.reason,
        at: now,
      });
      if (!stored) {
        throw new AuroraError(
          'AURORA_ALREADY_DECIDED',
          `${who.name} already decided on run "${id}"; a person counts once per run`,
        );
      }
      await deps.governance.audit({
        kind: 'approval.decision',
        actor: deps.governance.actor(request.principal),
        run: id,
        workflow: run.workflow,
        node: node.name,
        level: state.level,
        decision: body.decision,
        reason: body.reason,
        policies: cedar.policies,
      });
      await deps.runs.wake(id, now);
      return runDetail(deps.runs, id, views);
    },
  );
}
