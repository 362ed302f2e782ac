/** What the runs page filters on, how it reads the filter from a URL, and how it words a run and its approval. */
import type { ApprovalLevelView, RunApproval, WorkflowRun, WorkflowRunStep } from '@aurora/sdk';

/** Which runs to show: all, those waiting for a decision, those still going, or those that ended. */
export type RunShow = '' | 'approval' | 'active' | 'finished';

/** The runs page's filter; empty strings mean "any". */
export interface RunFilter {
  show: RunShow;
  /** Part of the workflow (playbook) or node name, any case. */
  q: string;
}

export const noRunFilter: RunFilter = { show: '', q: '' };

const SHOWS: readonly RunShow[] = ['approval', 'active', 'finished'];

/** The filter in a query string such as `?show=approval&q=web`. */
export function runFilterFromQuery(search: string): RunFilter {
  const params = new URLSearchParams(search);
  const show = params.get('show') ?? '';
  return { show: SHOWS.find((s) => s === show) ?? '', q: params.get('q') ?? '' };
}

/** The query string of a filter, the inverse of {@link runFilterFromQuery}. */
export function runFilterToQuery(filter: RunFilter): string {
  const params = new URLSearchParams();
  if (filter.show) params.set('show', filter.show);
  if (filter.q) params.set('q', filter.q);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A run not yet at an end: queued, or waiting (for a timer, an agent, or an approval). */
export function isActive(run: Pick<WorkflowRun, 'status'>): boolean {
  return run.status === 'pending' || run.status === 'waiting';
}

/** A run whose approval waits for decisions now (not yet expired, rejected or cancelled). */
export function awaitsApproval(run: Pick<WorkflowRun, 'status' | 'approval'>): boolean {
  return isActive(run) && run.approval?.state === 'pending';
}

/** The node a run acts on: its approval's, or the playbook input's; undefined for other workflows. */
export function nodeOf(run: Pick<WorkflowRun, 'input' | 'approval'>): string | undefined {
  if (run.approval) return run.approval.node;
  const input = run.input;
  if (input && typeof input === 'object' && 'node' in input && typeof input.node === 'string') return input.node;
  return undefined;
}

/** `playbook:disk-full@3` → `disk-full` version 3; other workflows keep their name. */
export function describeWorkflow(workflow: string): { name: string; version: number | undefined } {
  const m = /^playbook:(.+)@(\d+)$/.exec(workflow);
  return m?.[1] && m[2] ? { name: m[1], version: Number(m[2]) } : { name: workflow, version: undefined };
}

export function matchesRunFilter(run: WorkflowRun, filter: RunFilter): boolean {
  if (filter.show === 'approval' && !awaitsApproval(run)) return false;
  if (filter.show === 'active' && !isActive(run)) return false;
  if (filter.show === 'finished' && isActive(run)) return false;
  const q = filter.q.trim().toLowerCase();
  if (q && !`${run.workflow}\n${nodeOf(run) ?? ''}`.toLowerCase().includes(q)) return false;
  return true;
}

/** Runs waiting for a decision first (soonest expiry first), then the rest newest first. */
export function sortRuns(runs: readonly WorkflowRun[]): WorkflowRun[] {
  return [...runs].sort((a, b) => {
    const wa = awaitsApproval(a);
    const wb = awaitsApproval(b);
    if (wa !== wb) return wa ? -1 : 1;
    if (wa && a.approval && b.approval) return Date.parse(a.approval.expiresAt) - Date.parse(b.approval.expiresAt);
    return Date.parse(b.createdAt) - Date.parse(a.createdAt);
  });
}

/** Who may decide at a level, in the server's words: `role operator or admin, in team payments`. */
export function describeApprovers(level: Pick<ApprovalLevelView, 'roles' | 'teams' | 'users'>): string {
  const parts: string[] = [];
  if (level.roles.length > 0) parts.push(`role ${level.roles.join(' or ')}`);
  if (level.teams.length > 0) parts.push(`team ${level.teams.join(' or ')}`);
  if (level.users.length > 0) parts.push(`user ${level.users.join(' or ')}`);
  return parts.length > 0 ? parts.join(', in ') : 'anyone allowed to approve';
}

/** How far a level is: `1 of 2 approvals` (N of M is the level's own count; M is who may, which only the server knows). */
export function levelProgress(level: Pick<ApprovalLevelView, 'approvedBy' | 'required'>): string {
  return `${level.approvedBy.length} of ${level.required} approval${level.required === 1 ? '' : 's'}`;
}

/** An approval on one line for the table: where it stands and, while pending, the level waiting. */
export function approvalSummary(approval: RunApproval | null): string {
  if (!approval) return 'not needed';
  if (approval.state !== 'pending') return approval.state;
  const level = approval.levels.find((l) => l.level === approval.level);
  if (!level) return 'pending';
  const of = approval.levels.length > 1 ? `level ${level.level} of ${approval.levels.length}: ` : '';
  return `pending, ${of}${levelProgress(level)} by ${describeApprovers(level)}`;
}

/** What a step's row says: its error while it failed or retries, else its output as short JSON. */
export function stepResult(step: Pick<WorkflowRunStep, 'status' | 'output' | 'error'>, max = 80): string {
  if (step.error && step.status !== 'succeeded') return step.error;
  const value = step.output;
  if (value === null || value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
