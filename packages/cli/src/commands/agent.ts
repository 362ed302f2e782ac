import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAgent } from '@aurora/agent';
import { pino } from 'pino';
import { type CommandSpec, keyValueFlag, parseDuration, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { waitForSignal } from '../signals.js';
import { readActionsFile } from './actions-file.js';

export const agentCommand: CommandSpec = {
  name: 'agent',
  summary: 'run the node agent: join a control plane, report facts and metrics, keep heartbeating',
  usage:
    'aurora agent --server URL --token TOKEN [--ca-hash sha256:HEX] [--name NAME] [--label key=value ...] [--zone ZONE] [--actions FILE]',
  flags: {
    server: {
      type: 'string',
      placeholder: 'url[,url...]',
      description:
        'control plane URL (AURORA_SERVER); several, comma-separated, are replicas of one control plane, tried in turn when the one in use cannot be reached',
    },
    token: {
      type: 'string',
      placeholder: 'join-token',
      description: 'join token from `aurora token create` (AURORA_JOIN_TOKEN); only needed the first time',
    },
    name: { type: 'string', placeholder: 'name', description: 'node name (default: derived from the hostname)' },
    label: { type: 'string', multiple: true, placeholder: 'key=value', description: 'a label for this node' },
    zone: { type: 'string', placeholder: 'zone', description: 'failure zone of this node, e.g. rack-3' },
    'state-dir': {
      type: 'string',
      placeholder: 'dir',
      description: 'where the node credential is kept (AURORA_AGENT_STATE_DIR; default ./.aurora/agent-<name>)',
    },
    interval: {
      type: 'string',
      placeholder: 'duration',
      description: 'heartbeat and collection interval (default 5s)',
    },
    'ca-hash': {
      type: 'string',
      placeholder: 'sha256:hex',
      description:
        'for an https:// server, the cluster CA fingerprint from the join command of `aurora token create` (AURORA_CA_HASH); only needed the first time',
    },
    'server-ca': {
      type: 'string',
      placeholder: 'file',
      description:
        "PEM CA of the server's certificate when the operator supplied it (--tls-cert on the server), trusted besides the cluster CA (AURORA_SERVER_CA)",
    },
    actions: {
      type: 'string',
      placeholder: 'file',
      description:
        'YAML allow-list of actions the control plane may ask for (AURORA_AGENT_ACTIONS; see the agent README); none by default',
    },
  },
  examples: [
    'aurora agent --server https://aurora.example.com:7070 --token 3q2+7w... --ca-hash sha256:4f0c... --label role=web',
    'aurora agent --server http://127.0.0.1:7070 --token $(aurora token create | head -1) --name second',
  ],
};

export async function runAgent(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags } = parseFlags(agentCommand, argv);
  const serverList = (stringFlag(flags, 'server') ?? env.AURORA_SERVER ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.length > 0);
  const [server, ...replicas] = serverList;
  if (!server) throw new CliError('--server is required', 'for example --server http://127.0.0.1:7070');
  const name = stringFlag(flags, 'name');
  const interval = stringFlag(flags, 'interval');
  const zone = stringFlag(flags, 'zone');
  const token = stringFlag(flags, 'token') ?? env.AURORA_JOIN_TOKEN;
  const stateDir =
    stringFlag(flags, 'state-dir') ?? env.AURORA_AGENT_STATE_DIR ?? path.join('.aurora', `agent-${name ?? 'default'}`);
  const actionsFile = stringFlag(flags, 'actions') ?? env.AURORA_AGENT_ACTIONS;
  const caHash = stringFlag(flags, 'ca-hash') ?? env.AURORA_CA_HASH;
  const serverCaFile = stringFlag(flags, 'server-ca') ?? env.AURORA_SERVER_CA;
  let serverCa: string | undefined;
  if (serverCaFile) {
    try {
      serverCa = readFileSync(serverCaFile, 'utf8');
    } catch (error) {
      throw new CliError(
        `cannot read the server CA file ${serverCaFile}: ${(error as Error).message}`,
        'check --server-ca',
      );
    }
  }
  const actions = actionsFile ? readActionsFile(actionsFile, stateDir) : undefined;
  const agent = await startAgent({
    server,
    ...(replicas.length > 0 ? { servers: replicas } : {}),
    logger: pino({ level: env.AURORA_LOG_LEVEL ?? 'info', base: { service: 'aurora-agent' } }, pino.destination(2)),
    stateDir,
    labels: keyValueFlag(flags, 'label'),
    ...(token ? { token } : {}),
    ...(name ? { name } : {}),
    ...(zone ? { zone } : {}),
    ...(interval ? { intervalMs: parseDuration(interval, 'interval') } : {}),
    ...(caHash ? { caHash } : {}),
    ...(serverCa ? { serverCa } : {}),
    ...(actions ? { actions } : {}),
  });
  const to = replicas.length > 0 ? `${server} (or, when it cannot be reached, ${replicas.join(', ')})` : server;
  process.stdout.write(`Agent for node "${agent.name}" is reporting to ${to}. Stop with Ctrl-C.\n`);
  await waitForSignal();
  await agent.stop();
  return 'agent stopped';
}
