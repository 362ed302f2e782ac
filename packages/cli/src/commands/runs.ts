import type { RunApproval, WorkflowRun, WorkflowRunDetail } from '@aurora/sdk';
import { type CommandSpec, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';
import { formatTable } from '../table.js';
import { terminalSafe } from '../terminal-text.js';

export const runsCommand: CommandSpec = {
  name: 'runs',
  summary: 'durable workflow runs, one run with every step as recorded, or a decision on its approval',
  usage: 'aurora runs [ID] [--workflow NAME] [--limit N] [--json] | aurora runs approve|reject ID --reason TEXT',
  flags: {
    ...connectionFlags,
    workflow: { type: 'string', placeholder: 'name', description: 'only runs of this workflow' },
    limit: { type: 'string', placeholder: 'n', description: 'at most this many (default 100)' },
    reason: {
      type: 'string',
      placeholder: 'text',
      description: 'why you approve or reject (required; recorded in the audit chain)',
    },
    json: { type: 'boolean', description: 'print the API answer as JSON' },
  },
  examples: [
    'aurora runs',
    'aurora runs --workflow playbook',
    'aurora runs 3f2c…',
    'aurora runs approve 3f2c… --reason "disk is failing; drain it" --token ACCESS_TOKEN',
    'aurora runs reject 3f2c… --reason "traffic peak, not now"',
  ],
};

/** A run's approval on one line: where it stands, the level waiting and who may decide there. */
function approvalLine(a: RunApproval | null): string {
  if (!a) return '-';
  if (a.state !== 'pending') return a.state;
  const level = a.levels.find((l) => l.level === a.level);
  if (!level) return 'pending';
  const who = [
    level.roles.length > 0 ? `role ${level.roles.join('|')}` : '',
    level.teams.length > 0 ? `team ${level.teams.join('|')}` : '',
    level.users.length > 0 ? `user ${level.users.join('|')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `pending L${level.level}/${a.levels.length} ${level.approvedBy.length}/${level.required} (${who}) until ${a.expiresAt}`;
}

/** The approval of one run, level by level, and every decision with its reason. */
function approvalLines(a: RunApproval): string[] {
  const lines = [
    `Approval: ${a.state}${a.state === 'pending' ? ` at level ${a.level}` : ''} on node ${a.node} (asked by ${a.policies.join(', ') || 'policy'}); expires ${a.expiresAt}, then ${a.onExpiry}`,
  ];
  for (const l of a.levels) {
    const who = [
      ...l.roles.map((r) => `role ${r}`),
      ...l.teams.map((t) => `team ${t}`),
      ...l.users.map((u) => `user ${u}`),
    ];
    lines.push(
      `  level ${l.level}: ${l.approvedBy.length}/${l.required} of ${who.join(', ')}${l.approvedBy.length > 0 ? ` (approved by ${l.approvedBy.join(', ')})` : ''}${l.satisfied ? ', satisfied' : ''}`,
    );
  }
  for (const d of a.decisions) lines.push(`  ${d.at} ${d.by} ${d.decision}d at level ${d.level}: ${d.reason}`);
  return lines;
}

function isPending(r: WorkflowRun): boolean {
  return r.status === 'pending' || r.status === 'waiting';
}

/** A short JSON rendering of a step's output for the table, cut to stay on one line. */
function brief(value: unknown): string {
  if (value === null || value === undefined) return '-';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function showRun(run: WorkflowRunDetail): string {
  const head = [
    `Run ${run.id}: ${run.workflow}, ${run.status}${run.error ? ` (${run.error})` : ''}`,
    `Started ${run.createdAt}; next look ${isPending(run) ? run.nextAt : '-'}`,
    ...(run.approval ? approvalLines(run.approval) : []),
  ];
  if (run.steps.length === 0) return [...head, 'No step has run yet.'].map(terminalSafe).join('\n');
  const table = formatTable(
    ['#', 'STEP', 'STATUS', 'ATTEMPTS', 'FAILURES', 'OUTPUT / ERROR'],
    run.steps.map((s) => [
      String(s.position),
      s.name,
      s.status === 'waiting' && s.wakeAt ? `waiting until ${s.wakeAt}` : s.status,
      String(s.attempts),
      String(s.failures),
      s.error && s.status !== 'succeeded' ? s.error : brief(s.output),
    ]),
  );
  return `${head.map(terminalSafe).join('\n')}\n\n${table}`;
}

export async function runRuns(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(runsCommand, argv);
  const [verb, runId] = positionals;
  if (verb === 'approve' || verb === 'reject') {
    if (runId === undefined || positionals.length > 2) {
      throw new CliError(
        `aurora runs ${verb} takes one run id`,
        `for example aurora runs ${verb} 3f2c… --reason "..."`,
      );
    }
    const reason = stringFlag(flags, 'reason');
    if (reason === undefined || reason.trim() === '') {
      throw new CliError(
        `--reason is required to ${verb} a run`,
        `for example --reason "checked the node; safe to drain"`,
      );
    }
    const client = connect(flags, env);
    const run = await callApi(`deciding run ${runId}`, () =>
      verb === 'approve' ? client.approveRun(runId, reason) : client.rejectRun(runId, reason),
    );
    return flags.json ? JSON.stringify(run, null, 2) : showRun(run);
  }
  if (positionals.length > 1) throw new CliError('aurora runs takes at most one run id', runsCommand.usage);
  const limitText = stringFlag(flags, 'limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 500)) {
    throw new CliError(`--limit ${limitText}: not a whole number from 1 to 500`, 'for example --limit 20');
  }
  const client = connect(flags, env);
  const [id] = positionals;
  if (id !== undefined) {
    const run = await callApi(`showing run ${id}`, () => client.run(id));
    return flags.json ? JSON.stringify(run, null, 2) : showRun(run);
  }
  const workflow = stringFlag(flags, 'workflow');
  const list = await callApi('listing runs', () =>
    client.runs({ ...(workflow ? { workflow } : {}), ...(limit ? { limit } : {}) }),
  );
  if (flags.json) return JSON.stringify(list, null, 2);
  if (list.items.length === 0) return 'No workflow runs.';
  return formatTable(
    ['ID', 'WORKFLOW', 'STATUS', 'STEP', 'STARTED', 'APPROVAL', 'ERROR'],
    list.items.map((r) => [
      r.id,
      r.workflow,
      r.status,
      String(r.step),
      r.createdAt,
      approvalLine(r.approval),
      r.error ?? '-',
    ]),
  );
}
