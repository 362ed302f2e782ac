import type { NodeState } from '@aurora/sdk';
import { type CommandSpec, keyValueFlag, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';
import { ago, formatTable } from '../table.js';

const STATES = ['joining', 'ready', 'suspect', 'down', 'cordoned', 'draining'];

export const nodesCommand: CommandSpec = {
  name: 'nodes',
  summary: 'list the nodes of the cluster',
  usage: 'aurora nodes [--state STATE] [--label key=value ...] [--json]',
  flags: {
    ...connectionFlags,
    state: { type: 'string', placeholder: 'state', description: `only nodes in this state (${STATES.join(', ')})` },
    label: { type: 'string', multiple: true, placeholder: 'key=value', description: 'only nodes with this label' },
    json: { type: 'boolean', description: 'print the API answer as JSON' },
  },
  examples: ['aurora nodes', 'aurora nodes --state down', 'aurora nodes --label role=db'],
};

export async function runNodes(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags } = parseFlags(nodesCommand, argv);
  const state = stringFlag(flags, 'state');
  if (state && !STATES.includes(state)) {
    throw new CliError(`--state ${state}: unknown state`, `use one of ${STATES.join(', ')}`);
  }
  const client = connect(flags, env);
  const labels = keyValueFlag(flags, 'label');
  const list = await callApi('listing nodes', () =>
    client.listNodes({ ...(state ? { state: state as NodeState } : {}), labels }),
  );
  if (flags.json) return JSON.stringify(list, null, 2);
  if (list.items.length === 0) return 'No nodes. Join one with `aurora token create` and `aurora agent`.';
  const now = Date.now();
  return formatTable(
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
  );
}
