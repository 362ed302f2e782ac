import { tryParseDuration } from '@aurora/core';
import type { ApprovalSpec, RunApproval } from '@aurora/sdk';

/** One level of an approval as a run keeps it: who may approve and how many must. */
export interface ApprovalLevel {
  roles: string[];
  teams: string[];
  users: string[];
  required: number;
}

/**
 * The approval a run needs, fixed when the run was authorised (kept in the authorise step's
 * output), so a later edit of the playbook does not change who decides a run already waiting.
 */
export interface ApprovalPlan {
  node: string;
  levels: ApprovalLevel[];
  expiresAt: number;
  onExpiry: 'approve' | 'reject';
  /** The policies whose `@approval("required")` forbids asked for it. */
  policies: string[];
}

/** One person's stored decision. */
export interface StoredDecision {
  approver: string;
  name: string;
  level: number;
  decision: 'approve' | 'reject';
  reason: string;
  at: number;
}

/** Who is deciding, as the approval levels match them. */
export interface Decider {
  name: string;
  roles: readonly string[];
  teams: readonly string[];
}

export const DEFAULT_APPROVAL_EXPIRY_MS = 60 * 60_000;
/** Without an `approval` section: one admin or operator (Cedar still confines operators to their teams' nodes). */
export const DEFAULT_LEVELS: ApprovalLevel[] = [{ roles: ['admin', 'operator'], teams: [], users: [], required: 1 }];

/** The plan of a run that needs approval, from its playbook's `approval` section (or the defaults). */
export function approvalPlan(
  spec: ApprovalSpec | undefined,
  o: { node: string; policies: string[]; now: number },
): ApprovalPlan {
  const levels = spec
    ? spec.levels.map((l) => ({
        roles: [...(l.roles ?? [])],
        teams: [...(l.teams ?? [])],
        users: [...(l.users ?? [])],
        required: l.required ?? 1,
      }))
    : DEFAULT_LEVELS;
  const expiresAfter = spec?.expiresAfter === undefined ? undefined : tryParseDuration(spec.expiresAfter);
  return {
    node: o.node,
    levels,
    expiresAt: o.now + (expiresAfter ?? DEFAULT_APPROVAL_EXPIRY_MS),
    onExpiry: spec?.onExpiry ?? 'reject',
    policies: o.policies,
  };
}

/** Whether a person may decide at a level: one of its roles (if any), one of its teams (if any), one of its users (if any). */
export function eligible(level: ApprovalLevel, who: Decider): boolean {
  if (level.roles.length > 0 && !level.roles.some((r) => who.roles.includes(r))) return false;
  if (level.teams.length > 0 && !level.teams.some((t) => who.teams.includes(t))) return false;
  if (level.users.length > 0 && !level.users.includes(who.name)) return false;
  return true;
}

/** Who may decide at a level, in words, for errors and the CLI. */
export function describeLevel(level: ApprovalLevel): string {
  const parts: string[] = [];
  if (level.roles.length > 0) parts.push(`role ${level.roles.join(' or ')}`);
  if (level.teams.length > 0) parts.push(`team ${level.teams.join(' or ')}`);
  if (level.users.length > 0) parts.push(`user ${level.users.join(' or ')}`);
  return `${level.required} approval${level.required === 1 ? '' : 's'} by ${parts.join(', in ')}`;
}

export type ApprovalState =
  | { state: 'pending'; level: number }
  | { state: 'approved' }
  | { state: 'rejected'; by: StoredDecision }
  | { state: 'expired' };

/**
 * Where an approval stands: levels are decided in order (a level counts only once every level
 * before it is satisfied, since decisions are only taken at the current level); one rejection
 * rejects the run; undecided at `expiresAt`, it has expired.
 */
export function approvalState(plan: ApprovalPlan, decisions: readonly StoredDecision[], now: number): ApprovalState {
  const rejection = decisions.find((d) => d.decision === 'reject');
  if (rejection) return { state: 'rejected', by: rejection };
  const level = plan.levels.findIndex(
    (l, i) => decisions.filter((d) => d.level === i + 1 && d.decision === 'approve').length < l.required,
  );
  if (level === -1) return { state: 'approved' };
  if (now >= plan.expiresAt) return { state: 'expired' };
  return { state: 'pending', level: level + 1 };
}

/** The approval of a run as the API shows it: who may approve at each level, and who has. */
export function approvalView(plan: ApprovalPlan, decisions: readonly StoredDecision[], now: number): RunApproval {
  const state = approvalState(plan, decisions, now);
  return {
    state: state.state,
    level: state.state === 'pending' ? state.level : null,
    node: plan.node,
    expiresAt: new Date(plan.expiresAt).toISOString(),
    onExpiry: plan.onExpiry,
    policies: plan.policies,
    levels: plan.levels.map((l, i) => {
      const approvedBy = decisions.filter((d) => d.level === i + 1 && d.decision === 'approve').map((d) => d.name);
      return { level: i + 1, ...l, approvedBy, satisfied: approvedBy.length >= l.required };
    }),
    decisions: decisions.map((d) => ({
      by: d.name,
      decision: d.decision,
      reason: d.reason,
      level: d.level,
      at: new Date(d.at).toISOString(),
    })),
  };
}
