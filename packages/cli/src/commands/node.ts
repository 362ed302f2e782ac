import type { AuroraClient } from '@aurora/sdk';
import { type CommandSpec, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';
import { ago, formatTable } from '../table.js';
import { terminalSafe } from '../terminal-text.js';

const ACTIONS = ['show', 'history', 'actions', 'cordon', 'uncordon', 'drain', 'traffic', 'delete'] as const;
type Action = (typeof ACTIONS)[number];
const HISTORY_DEFAULT = 20;
const HISTORY_MAX = 1_000;

export const nodeCommand: CommandSpec = {
  name: 'node',
  summary:
    "show one node, its state history or its agent's actions; cordon, uncordon, drain or delete it; or set its traffic share",
  usage: `aurora node NAME [${ACTIONS.join('|')}] [SHARE] [--limit N] [--json]`,
  flags: {
    ...connectionFlags,
    limit: {
      type: 'string',
      placeholder: 'n',
      description: `history, actions: how many of the latest entries to print (default ${HISTORY_DEFAULT}, at most ${HISTORY_MAX} changes or 500 actions)`,
    },
    json: { type: 'boolean', description: 'print the API answer as JSON' },
  },
  examples: [
    'aurora node web-1',
    'aurora node web-1 history --limit 50',
    'aurora node web-1 actions',
    'aurora node web-1 drain',
    'aurora node web-1 uncordon',
    'aurora node web-1 traffic 0.25   # its service backends keep a quarter of their weight; 1 restores it',
  ],
};

/** The latest state changes of a node as a table, newest first. */
async function history(client: AuroraClient, name: string, limitText: string | undefined, json: boolean) {
  const limit = limitText === undefined ? HISTORY_DEFAULT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX) {
    throw new CliError(`--limit ${limitText}: must be a whole number from 1 to ${HISTORY_MAX}`);
  }
  const page = await callApi(`reading the history of node ${name}`, () => client.nodeTransitions(name, { limit }));
  if (json) return JSON.stringify(page, null, 2);
  if (page.items.length === 0) return `Node ${name} has not changed state since it joined.`;
  const table = formatTable(
    ['AT', 'FROM', 'TO', 'REASON'],
    page.items.map((t) => [t.at, t.from, t.to, t.reason]),
  );
  const more = `(older changes not shown; raise --limit, up to ${HISTORY_MAX})`;
  return page.next === null ? table : `${table}\n${more}`;
}

/** Actions queued for the node's agent, newest first, with what became of them. */
async function actions(client: AuroraClient, name: string, limitText: string | undefined, json: boolean) {
  const limit = limitText === undefined ? HISTORY_DEFAULT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new CliError(`--limit ${limitText}: must be a whole number from 1 to 500`);
  }
  const list = await callApi(`reading the actions of node ${name}`, () => client.nodeActions(name, { limit }));
  if (json) return JSON.stringify(list, null, 2);
  if (list.items.length === 0) return `No actions were queued for node ${name}.`;
  const outcome = (d: Record<string, unknown> | null) =>
    d === null ? '' : typeof d.reason === 'string' ? `${d.reason}: ${String(d.message ?? '')}` : JSON.stringify(d);
  return formatTable(
    ['CREATED', 'KIND', 'PARAMS', 'STATUS', 'RESULT'],
    list.items.map((a) => [
      a.createdAt,
      a.kind,
      terminalSafe(JSON.stringify(a.params)),
      a.status,
      terminalSafe(outcome(a.details).slice(0, 120)),
    ]),
  );
}

export async function runNode(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(nodeCommand, argv);
  const [name, rawAction = 'show', shareText] = positionals;
  if (!name) throw new CliError('which node?', `usage: aurora node NAME [${ACTIONS.join('|')}]`);
  if (!ACTIONS.includes(rawAction as Action)) {
    throw new CliError(`unknown action "${rawAction}"`, `use one of ${ACTIONS.join(', ')}`);
  }
  const action = rawAction as Action;
  if (action !== 'history' && action !== 'actions' && flags.limit !== undefined) {
    throw new CliError('--limit applies to history and actions only', `aurora node ${name} history --limit N`);
  }
  const client = connect(flags, env);
  if (action === 'history') return history(client, name, stringFlag(flags, 'limit'), flags.json === true);
  if (action === 'actions') return actions(client, name, stringFlag(flags, 'limit'), flags.json === true);
  if (action === 'traffic') {
    const share = Number(shareText);
    if (shareText === undefined || !(share >= 0.01 && share <= 1)) {
      throw new CliError(
        `traffic share ${shareText ?? '(missing)'}: must be a number from 0.01 to 1`,
        `aurora node ${name} traffic 0.25 (1 restores the full share; to take all traffic away, drain it)`,
      );
    }
    const set = await callApi(`setting the traffic share of node ${name}`, () => client.setNodeTraffic(name, share));
    if (flags.json) return JSON.stringify(set, null, 2);
    const where = set.services.length ? `services ${set.services.join(', ')}` : 'no service has a backend on it yet';
    return `node ${name} keeps ${Math.round(set.share * 100)} % of its backends' weight (${where})`;
  }
  if (shareText !== undefined) throw new CliError(`unexpected "${shareText}"`, `usage: ${nodeCommand.usage}`);
  if (action === 'delete') {
    await callApi(`deleting node ${name}`, () => client.deleteNode(name));
    return `node ${name} deleted`;
  }
  const node = await callApi(`${action === 'show' ? 'reading' : action} node ${name}`, () => {
    if (action === 'cordon') return client.cordonNode(name);
    if (action === 'uncordon') return client.uncordonNode(name);
    if (action === 'drain') return client.drainNode(name);
    return client.getNode(name);
  });
  if (flags.json) return JSON.stringify(node, null, 2);
  const facts = node.facts;
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const lines = [
    `Name:            ${node.name}`,
    `State:           ${node.state} (${node.stateReason}, since ${node.stateSince})`,
    ...(node.operatorState && node.operatorState !== node.state
      ? [`Requested:       ${node.operatorState} by an operator, applies when heartbeats resume`]
      : []),
    ...(node.trafficShare === undefined
      ? []
      : [`Traffic share:   ${Math.round(node.trafficShare * 100)} % of its service backends' weight`]),
    `Last heartbeat:  ${ago(node.lastHeartbeatAt, Date.now())}`,
    `Zone:            ${node.zone ?? '-'}`,
    `Labels:          ${
      Object.entries(node.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || '-'
    }`,
  ];
  if (facts) {
    lines.push(
      `Host:            ${facts.hostname} (${facts.os.distro} ${facts.os.release}, ${facts.arch})`,
      `CPU:             ${facts.cpus.count} × ${facts.cpus.model}`,
      `Memory:          ${gib(facts.memoryBytes)}`,
      `Addresses:       ${facts.addresses.join(', ') || '-'}`,
      `Disks:           ${facts.disks.map((d) => `${d.mount} ${gib(d.sizeBytes)}`).join(', ') || '-'}`,
    );
  }
  if (node.conditions.length) {
    lines.push('Conditions:');
    for (const c of node.conditions) lines.push(`  ${c.type}=${c.status}  ${c.reason}: ${c.message}`);
  }
  // Most of these lines hold what the node or its agent reported: control characters are shown escaped.
  return lines.map(terminalSafe).join('\n');
}
