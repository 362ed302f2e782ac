import type { RunApproval, WorkflowRun } from '@aurora/sdk';
import { describe, expect, it } from 'vitest';
import {
  approvalSummary,
  awaitsApproval,
  describeApprovers,
  describeWorkflow,
  matchesRunFilter,
  nodeOf,
  noRunFilter,
  runFilterFromQuery,
  runFilterToQuery,
  sortRuns,
  stepResult,
} from './run-view.js';

function approval(over: Partial<RunApproval> = {}): RunApproval {
  return {
    state: 'pending',
    level: 1,
    node: 'prod-1',
    expiresAt: '2026-01-01T01:00:00.000Z',
    onExpiry: 'reject',
    policies: ['production-needs-approval'],
    levels: [
      {
        level: 1,
        roles: ['operator'],
        teams: ['payments'],
        users: [],
        required: 2,
        approvedBy: ['op1'],
        satisfied: false,
      },
      { level: 2, roles: ['admin'], teams: [], users: [], required: 1, approvedBy: [], satisfied: false },
    ],
    decisions: [],
    ...over,
  };
}

function run(id: string, over: Partial<WorkflowRun> = {}): WorkflowRun {
  return {
    id,
    workflow: 'playbook:cpu-hot@2',
    status: 'succeeded',
    step: 3,
    input: { playbook: 'cpu-hot', version: 2, alertId: 'a1', node: 'web-1' },
    outputs: {},
    error: null,
    nextAt: '2026-01-01T00:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    approval: null,
    ...over,
  };
}

describe('runs page helpers', () => {
  it('reads a filter from a query string and writes it back; unknown values mean any', () => {
    expect(runFilterFromQuery('?show=approval&q=web')).toEqual({ show: 'approval', q: 'web' });
    expect(runFilterFromQuery('?show=everything')).toEqual(noRunFilter);
    expect(runFilterToQuery({ show: 'finished', q: 'db 1' })).toBe('?show=finished&q=db+1');
    expect(runFilterToQuery(noRunFilter)).toBe('');
    const filter = { show: 'active' as const, q: 'prod' };
    expect(runFilterFromQuery(runFilterToQuery(filter))).toEqual(filter);
  });

  it('a run awaits approval only while it is active and its approval is pending', () => {
    expect(awaitsApproval(run('r', { status: 'waiting', approval: approval() }))).toBe(true);
    expect(awaitsApproval(run('r', { status: 'waiting', approval: approval({ state: 'expired' }) }))).toBe(false);
    expect(awaitsApproval(run('r', { status: 'rejected', approval: approval() }))).toBe(false);
    expect(awaitsApproval(run('r', { status: 'waiting' }))).toBe(false);
  });

  it('filters by what to show and by part of the playbook or node name, any case', () => {
    const waiting = run('w', { status: 'waiting', approval: approval() });
    const queued = run('q', { status: 'pending', input: { node: 'db-1' } });
    const done = run('d');
    const all = [waiting, queued, done];
    const ids = (show: '' | 'approval' | 'active' | 'finished', q = '') =>
      all.filter((r) => matchesRunFilter(r, { show, q })).map((r) => r.id);
    expect(ids('')).toEqual(['w', 'q', 'd']);
    expect(ids('approval')).toEqual(['w']);
    expect(ids('active')).toEqual(['w', 'q']);
    expect(ids('finished')).toEqual(['d']);
    expect(ids('', 'PROD')).toEqual(['w']);
    expect(ids('', 'db-')).toEqual(['q']);
    expect(ids('', 'cpu-hot')).toEqual(['w', 'q', 'd']);
  });

  it('puts runs waiting for a decision first, soonest expiry first, then the rest newest first', () => {
    const later = run('later', { status: 'waiting', approval: approval({ expiresAt: '2026-01-01T02:00:00.000Z' }) });
    const sooner = run('sooner', { status: 'waiting', approval: approval({ expiresAt: '2026-01-01T00:30:00.000Z' }) });
    const old = run('old', { createdAt: '2026-01-01T00:00:00.000Z' });
    const recent = run('recent', { createdAt: '2026-01-01T03:00:00.000Z' });
    expect(sortRuns([old, later, recent, sooner]).map((r) => r.id)).toEqual(['sooner', 'later', 'recent', 'old']);
  });

  it('names the node from the approval, else the playbook input, and splits the playbook name and version', () => {
    expect(nodeOf(run('r', { approval: approval({ node: 'prod-9' }) }))).toBe('prod-9');
    expect(nodeOf(run('r'))).toBe('web-1');
    expect(nodeOf(run('r', { input: { other: 1 } }))).toBeUndefined();
    expect(nodeOf(run('r', { input: null }))).toBeUndefined();
    expect(describeWorkflow('playbook:cpu-hot@2')).toEqual({ name: 'cpu-hot', version: 2 });
    expect(describeWorkflow('playbook:a@b@12')).toEqual({ name: 'a@b', version: 12 });
    expect(describeWorkflow('backup')).toEqual({ name: 'backup', version: undefined });
  });

  it('words who may approve and where an approval stands', () => {
    expect(describeApprovers({ roles: ['operator', 'admin'], teams: ['payments'], users: [] })).toBe(
      'role operator or admin, in team payments',
    );
    expect(describeApprovers({ roles: [], teams: [], users: ['kim'] })).toBe('user kim');
    expect(approvalSummary(null)).toBe('not needed');
    expect(approvalSummary(approval())).toBe(
      'pending, level 1 of 2: 1 of 2 approvals by role operator, in team payments',
    );
    expect(
      approvalSummary(
        approval({
          levels: [{ level: 1, roles: ['admin'], teams: [], users: [], required: 1, approvedBy: [], satisfied: false }],
        }),
      ),
    ).toBe('pending, 0 of 1 approval by role admin');
    expect(approvalSummary(approval({ state: 'expired', level: null }))).toBe('expired');
  });

  it("words a step's result: the error of a failing step, else its output cut short", () => {
    expect(stepResult({ status: 'failed', output: null, error: 'node is gone' })).toBe('node is gone');
    expect(stepResult({ status: 'succeeded', output: { needed: false }, error: 'an earlier try failed' })).toBe(
      '{"needed":false}',
    );
    expect(stepResult({ status: 'running', output: null, error: null })).toBe('—');
    expect(stepResult({ status: 'succeeded', output: 'cordoned', error: null })).toBe('cordoned');
    const long = stepResult({ status: 'succeeded', output: { text: 'x'.repeat(200) }, error: null }, 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith('…')).toBe(true);
  });
});
