import type { WorkflowRunDetail } from '@aurora/sdk';
import { type CommandSpec, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';
import { formatTable } from '../table.js';
import { terminalSafe } from '../terminal-text.js';

export const runsCommand: CommandSpec = {
  name: 'runs',
  summary: 'durable workflow runs, or one run with every step as recorded',
  usage: 'aurora runs [ID] [--workflow NAME] [--limit N] [--json]',
  flags: {
    ...connectionFlags,
    workflow: { type: 'string', placeholder: 'name', description: 'only runs of this workflow' },
    limit: { type: 'string', placeholder: 'n', description: 'at most this many (default 100)' },
    json: { type: 'boolean', description: 'print the API answer as JSON' },
  },
  examples: ['aurora runs', 'aurora runs --workflow playbook', 'aurora runs 3f2c…'],
};

/** A short JSON rendering of a step's output for the table, cut to stay on one line. */
function brief(value: unknown): string {
  if (value === null || value === undefined) return '-';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function showRun(run: WorkflowRunDetail): string {
  const head = [
    `Run ${run.id}: ${run.workflow}, ${run.status}${run.error ? ` (${run.error})` : ''}`,
    `Started ${run.createdAt}; next look ${run.status === 'pending' || run.status === 'waiting' ? run.nextAt : '-'}`,
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
    ['ID', 'WORKFLOW', 'STATUS', 'STEP', 'STARTED', 'ERROR'],
    list.items.map((r) => [r.id, r.workflow, r.status, String(r.step), r.createdAt, r.error ?? '-']),
  );
}
