import type { PredictionList } from '@aurora/sdk';
import { type CommandSpec, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';
import { formatTable } from '../table.js';
import { terminalSafe } from '../terminal-text.js';

const STATUSES = ['open', 'closed', 'all'] as const;

export const predictionsCommand: CommandSpec = {
  name: 'predictions',
  summary: 'what the control plane expects to fill up, saturate or leak, and how often it was right',
  usage: 'aurora predictions [--status open|closed|all] [--node NAME] [--limit N] [--json]',
  flags: {
    ...connectionFlags,
    status: { type: 'string', placeholder: 'status', description: 'open (default), closed or all' },
    node: { type: 'string', placeholder: 'name', description: 'only predictions about this node' },
    limit: { type: 'string', placeholder: 'n', description: 'at most this many (default 100)' },
    json: { type: 'boolean', description: 'print the API answer as JSON' },
  },
  examples: ['aurora predictions', 'aurora predictions --status closed', 'aurora predictions --node web-1'],
};

/** "in 6h", "3h ago": a time relative to `now`, for the EXPECTED and CLOSED columns. */
function relative(iso: string | null, now: number): string {
  if (!iso) return '-';
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const text =
    abs < 3_600_000
      ? `${Math.max(1, Math.round(abs / 60_000))}m`
      : abs < 172_800_000
        ? `${Math.round(abs / 3_600_000)}h`
        : `${Math.round(abs / 86_400_000)}d`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** The hit-rate line under the table. */
export function hitRateLine(rate: PredictionList['hitRate']): string {
  const pct = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)} %`);
  const reached = rate.cameTrue + rate.unpredicted;
  const recall =
    reached === 0 ? '' : ` Recall: ${pct(rate.recall)} (${rate.cameTrue} of ${reached} limits reached were predicted).`;
  if (rate.closed === 0) return `Hit rate: no prediction closed yet.${recall}`;
  return `Hit rate: ${pct(rate.hitRate)} (${rate.cameTrue} came true, ${rate.withdrawn} withdrawn of ${rate.closed} closed); ${pct(rate.withinFirstInterval)} of those that came true did so inside the interval first given.${recall}`;
}

export async function runPredictions(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags } = parseFlags(predictionsCommand, argv);
  const status = stringFlag(flags, 'status') ?? 'open';
  if (!STATUSES.includes(status as (typeof STATUSES)[number])) {
    throw new CliError(`--status ${status}: unknown status`, `use one of ${STATUSES.join(', ')}`);
  }
  const limitText = stringFlag(flags, 'limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
    throw new CliError(`--limit ${limitText}: not a whole number from 1 to 1000`, 'for example --limit 20');
  }
  const node = stringFlag(flags, 'node');
  const client = connect(flags, env);
  const list = await callApi('listing predictions', () =>
    client.predictions({
      status: status as (typeof STATUSES)[number],
      ...(node ? { node } : {}),
      ...(limit ? { limit } : {}),
    }),
  );
  if (flags.json) return JSON.stringify(list, null, 2);
  const rate = hitRateLine(list.hitRate);
  if (list.items.length === 0) {
    const none = status === 'open' ? 'Nothing is expected to fill up, saturate or leak.' : 'No predictions.';
    return `${none}\n${rate}`;
  }
  const now = Date.now();
  const table = formatTable(
    ['STATUS', 'RULE', 'EXPECTED', 'CLOSED', 'PREDICTION'],
    list.items.map((p) => [
      p.status,
      p.rule,
      p.status === 'open' ? relative(p.expectedAt, now) : relative(p.firstExpectedAt, now),
      relative(p.closedAt, now),
      p.reason && p.status === 'withdrawn' ? `${p.message} — ${p.reason}` : p.message,
    ]),
  );
  return `${table}\n\n${terminalSafe(rate)}`;
}
