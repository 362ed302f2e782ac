import type { ApprovalSpec } from '@aurora/sdk';
import type { Store } from '../../platform/store/index.js';
import { EndRun, StepNotReady, type TaskStep } from '../workflow/types.js';
import type { DecisionRepo } from './decision-repo.js';
import { type Decision, type HealingGovernance, type NodeFacts, playbookActor } from './governance.js';
import { type ApprovalPlan, approvalPlan, approvalState } from './plan.js';

/** What a playbook run acts on (the playbooks' PlaybookRunInput). */
export interface RunTarget {
  playbook: string;
  version: number;
  alertId: string;
  node: string;
}

/** The authorise step's output: every action's decision, the run's outcome, and the approval it needs. */
export interface AuthorizeOutput {
  outcome: Decision['outcome'];
  decidedAt: number;
  node: string;
  decisions: ({ action: string } & Decision)[];
  approval: ApprovalPlan | null;
}

export const AUTHORIZE_STEP = 'authorize';
export const APPROVAL_STEP = 'approval';
/**
 * A waiting approval is looked at again at least this often: a decision wakes its run at once, and
 * this bounds the delay when a decision lands between the leader's read and its write.
 */
const APPROVAL_RECHECK_MS = 15_000;

/** Dependencies of the two steps. */
export interface ApprovalDeps {
  store: Store;
  governance: HealingGovernance;
  decisions: DecisionRepo;
  /** The alert still fires; when it resolved the run is cancelled rather than approved on a stale signal. */
  stillFiring(alertId: string): Promise<boolean>;
  cancel(runId: string, reason: string): Promise<boolean>;
}

/** The node's labels and zone as the store has them now; a node not (or no longer) known is decided on its name. */
export async function nodeFacts(store: Store, name: string): Promise<NodeFacts> {
  const row = await store.nodes.byName(name);
  return row ? { name: row.name, labels: row.labels, zone: row.zone } : { name, labels: {}, zone: null };
}

/** The run's outcome from its actions' decisions: any deny denies, else any needs-approval asks, else allow. */
export function combine(decisions: readonly Decision[]): Decision['outcome'] {
  if (decisions.some((d) => d.outcome === 'deny')) return 'deny';
  if (decisions.some((d) => d.outcome === 'needs-approval')) return 'needs-approval';
  return 'allow';
}

/**
 * The first step of every playbook run: Cedar decides each action the run will take (principal
 * the playbook version, resource the node) before any is taken. A deny ends the run as denied with
 * the deciding policies; needs-approval fixes the approval plan the next step waits on.
 */
export function authorizeStep(
  actions: readonly string[],
  approval: ApprovalSpec | undefined,
  deps: ApprovalDeps,
): TaskStep<RunTarget> {
  return {
    kind: 'task',
    name: AUTHORIZE_STEP,
    retry: { maxAttempts: 3, backoffMs: 1_000 },
    async run(c) {
      const node = await nodeFacts(deps.store, c.input.node);
      const playbook = { name: c.input.playbook, version: c.input.version };
      const decisions = [...new Set(actions)].map((action) => ({
        action,
        ...deps.governance.decidePlaybook({ playbook, action, node }),
      }));
      const outcome = combine(decisions);
      const now = c.now();
      const output: AuthorizeOutput = {
        outcome,
        decidedAt: now,
        node: node.name,
        decisions,
        approval:
          outcome === 'needs-approval'
            ? approvalPlan(approval, {
                node: node.name,
                policies: [
                  ...new Set(decisions.filter((d) => d.outcome === 'needs-approval').flatMap((d) => d.policies)),
                ],
                now,
              })
            : null,
      };
      await deps.governance.audit({
        kind: 'playbook.authorization',
        actor: playbookActor(playbook.name, playbook.version),
        run: c.runId,
        step: c.idempotencyKey,
        node: node.name,
        alert: c.input.alertId,
        outcome,
        decisions: decisions.map((d) => ({ action: d.action, outcome: d.outcome, policies: d.policies })),
      });
      if (outcome === 'deny') {
        const by = [...new Set(decisions.filter((d) => d.outcome === 'deny').flatMap((d) => d.policies))];
        const why = by.length > 0 ? `by policy ${by.map((p) => `"${p}"`).join(', ')}` : '(no policy permits it)';
        throw new EndRun(
          'denied',
          `playbook ${playbook.name}@${playbook.version} may not act on ${node.name}: denied ${why}`,
          output,
        );
      }
      return output;
    },
  };
}

/**
 * The approval step: done at once when the run was allowed; otherwise it waits (in the store, as
 * `waiting`) until every level is approved, someone rejects, the approval expires (the playbook's
 * default decision), or the alert resolves (the run is cancelled).
 */
export function approvalStep(deps: ApprovalDeps): TaskStep<RunTarget> {
  return {
    kind: 'task',
    name: APPROVAL_STEP,
    retry: { maxAttempts: 3, backoffMs: 1_000 },
    async run(c) {
      const auth = c.outputs[AUTHORIZE_STEP] as AuthorizeOutput | undefined;
      const plan = auth?.approval;
      if (!plan) return { needed: false };
      if (!(await deps.stillFiring(c.input.alertId))) {
        const reason = `alert ${c.input.alertId} resolved while the run waited for approval; not acting on a stale signal`;
        await deps.cancel(c.runId, reason);
        throw new Error(reason);
      }
      const decisions = await deps.decisions.of(c.runId);
      const now = c.now();
      const state = approvalState(plan, decisions, now);
      const approvedBy = decisions.filter((d) => d.decision === 'approve').map((d) => d.name);
      // The audit chain names people only by id (`user:<id>`, a pseudonym), so erasing a user leaves it verifiable.
      const approvers = decisions.filter((d) => d.decision === 'approve').map((d) => d.approver);
      switch (state.state) {
        case 'approved':
          return { needed: true, state: 'approved', approvedBy, approvers };
        case 'rejected':
          throw new EndRun('rejected', `rejected by ${state.by.name} at level ${state.by.level}: ${state.by.reason}`, {
            needed: true,
            state: 'rejected',
            rejectedBy: state.by.name,
          });
        case 'expired': {
          await deps.governance.audit({
            kind: 'approval.expired',
            actor: playbookActor(c.input.playbook, c.input.version),
            run: c.runId,
            step: c.idempotencyKey,
            node: plan.node,
            decision: plan.onExpiry,
            decidedBy: 'the playbook default on expiry',
            expiresAt: new Date(plan.expiresAt).toISOString(),
            approvers,
          });
          const output = { needed: true, state: 'expired', decision: plan.onExpiry, approvedBy, approvers };
          if (plan.onExpiry === 'approve') return output;
          throw new EndRun(
            'rejected',
            `approval expired at ${new Date(plan.expiresAt).toISOString()} undecided; the playbook's default decision is reject`,
            output,
          );
        }
        case 'pending':
          throw new StepNotReady(Math.min(plan.expiresAt, now + APPROVAL_RECHECK_MS), {
            needed: true,
            state: 'pending',
            level: state.level,
          });
      }
    },
  };
}
