import { type CommandSpec, parseFlags } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';
import { ago } from '../table.js';

const ACTIONS = ['show', 'cordon', 'uncordon', 'drain', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

export const nodeCommand: CommandSpec = {
  name: 'node',
  summary: 'show one node, or cordon, uncordon, drain or delete it',
  usage: `aurora node NAME [${ACTIONS.join('|')}] [--json]`,
  flags: { ...connectionFlags, json: { type: 'boolean', description: 'print the API answer as JSON' } },
  examples: ['aurora node web-1', 'aurora node web-1 drain', 'aurora node web-1 uncordon'],
};

export async function runNode(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(nodeCommand, argv);
  const [name, rawAction = 'show'] = positionals;
  if (!name) throw new CliError('which node?', 'usage: aurora node NAME [show|cordon|uncordon|drain|delete]');
  if (!ACTIONS.includes(rawAction as Action)) {
    throw new CliError(`unknown action "${rawAction}"`, `use one of ${ACTIONS.join(', ')}`);
  }
  const action = rawAction as Action;
  const client = connect(flags, env);
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
  return lines.join('\n');
}
