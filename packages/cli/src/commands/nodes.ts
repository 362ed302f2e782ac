import type { NodeSortKey, NodeState } from '@aurora/sdk';
import { type CommandSpec, keyValueFlag, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';
import { ago, formatTable } from '../table.js';

const STATES = ['joining', 'ready', 'suspect', 'down', 'cordoned', 'draining'];
const SORTS: NodeSortKey[] = ['name', 'state', 'zone', 'lastHeartbeatAt', 'createdAt'];

export const nodesCommand: CommandSpec = {
  name: 'nodes',
  summary: 'list the nodes of the cluster',
  usage:
    'aurora nodes [--state STATE] [--label key=value ...] [--name PART] [--sort KEY] [--desc] [--limit N] [--json]',
  flags: {
    ...connectionFlags,
    state: { type: 'string', placeholder: 'state', description: `only nodes in this state (${STATES.join(', ')})` },
    label: { type: 'string', multiple: true, placeholder: 'key=value', description: 'only nodes with this label' },
    name: { type: 'string', placeholder: 'part', description: 'only nodes whose name contains this (any case)' },
    sort: { type: 'string', placeholder: 'key', description: `sort by ${SORTS.join(', ')} (default name)` },
    desc: { type: 'boolean', description: 'sort in descending order' },
    limit: { type: 'string', placeholder: 'n', description: 'print at most n nodes (default: every node)' },
    json: { type: 'boolean', description: 'print the nodes as JSON: { items, total }' },
  },
  examples: [
    'aurora nodes',
    'aurora nodes --state down',
    'aurora nodes --label role=db',
    'aurora nodes --sort lastHeartbeatAt --limit 20',
  ],
};

export async function runNodes(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags } = parseFlags(nodesCommand, argv);
  const state = stringFlag(flags, 'state');
  if (state && !STATES.includes(state)) {
    throw new CliError(`--state ${state}: unknown state`, `use one of ${STATES.join(', ')}`);
  }
  const sort = stringFlag(flags, 'sort');
  if (sort && !SORTS.includes(sort as NodeSortKey)) {
    throw new CliError(`--sort ${sort}: unknown sort key`, `use one of ${SORTS.join(', ')}`);
  }
  const limitText = stringFlag(flags, 'limit');
  const max = limitText === undefined ? undefined : Number(limitText);
  if (max !== undefined && !(Number.isSafeInteger(max) && max >= 1)) {
    throw new CliError(
      `--limit ${limitText}: not a whole number of nodes`,
      'use a whole number of at least 1, e.g. --limit 50',
    );
  }
  const client = connect(flags, env);
  const labels = keyValueFlag(flags, 'label');
  const name = stringFlag(flags, 'name');
  const query = {
    ...(state ? { state: state as NodeState } : {}),
    labels,
    ...(name ? { q: name } : {}),
    ...(sort ? { sort: sort as NodeSortKey } : {}),
    ...(flags.desc ? { order: 'desc' as const } : {}),
  };
  // The server answers a page at a time; read pages until done (or --limit), so big fleets are
  // listed whole as before, and the total comes from the first page.
  const first = await callApi('listing nodes', () =>
    client.listNodes({ ...query, limit: Math.min(max ?? 5_000, 5_000) }),
  );
  const items = [...first.items];
  // An older server answers every node at once, without `next` or `total`.
  let next = first.next ?? null;
  while (next !== null && (max === undefined || items.length < max)) {
    const cursor = next;
    const page = await callApi('listing nodes', () => client.listNodes({ ...query, limit: 5_000, cursor }));
    items.push(...page.items);
    next = page.next;
  }
  const list = { items: max === undefined ? items : items.slice(0, max), total: first.total ?? items.length };
  if (flags.json) return JSON.stringify(list, null, 2);
  if (list.items.length === 0) {
    return first.total === 0 && !state && !name && Object.keys(labels).length === 0
      ? 'No nodes. Join one with `aurora token create` and `aurora agent`.'
      : 'No nodes match.';
  }
  const now = Date.now();
  const more = list.total > list.items.length ? `\n${list.items.length} of ${list.total} nodes shown` : '';
  return `${formatTable(
    ['NAME', 'STATE', 'ZONE', 'LAST HEARTBEAT', 'REASON', 'LABELS'],
    list.items.map((n) => [
      n.name,
      n.state,
      n.zone ?? '-',
      ago(n.lastHeartbeatAt, now),
      n.stateReason,
      Object.entries(n.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '-',
    ]),
  )}${more}`;
}
