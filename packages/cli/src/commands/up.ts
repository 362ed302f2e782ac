import { startAgent } from '@aurora/agent';
import { AuroraClient } from '@aurora/sdk';
import { pino } from 'pino';
import { type CommandSpec, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { fetchTrusting } from '../connection.js';
import { localAgentStateDir, readSavedAdminToken } from '../saved-credentials.js';
import { waitForSignal } from '../signals.js';
import { readActionsFile } from './actions-file.js';
import { announce } from './announce.js';
import { configFromFlags, serverFlags } from './server-flags.js';
import { startControlPlane } from './start-control-plane.js';

export const upCommand: CommandSpec = {
  name: 'up',
  summary: 'start the control plane, a local agent for this machine and the console',
  usage: 'aurora up [--port 7070] [--data-dir ./.aurora/data] [--no-agent] [--actions FILE]',
  flags: {
    ...serverFlags,
    'no-agent': { type: 'boolean', description: 'do not run a local agent for this machine' },
    actions: {
      type: 'string',
      placeholder: 'file',
      description:
        'YAML allow-list of actions the local agent may run, as `aurora agent --actions` (AURORA_AGENT_ACTIONS; see the agent README); none by default',
    },
  },
  examples: ['aurora up', 'aurora up --port 8080 --data-dir /srv/aurora', 'aurora up --actions actions.yaml'],
};

/**
 * The local agent joins with a single-use token minted through the API with the
 * admin token; on later starts its saved credential is reused and no token is needed.
 */
async function mintLocalJoinToken(
  url: string,
  adminToken: string | undefined,
  ca: string | undefined,
): Promise<string | undefined> {
  if (!adminToken) return undefined;
  const trusted = fetchTrusting(ca);
  const client = new AuroraClient({ baseUrl: url, token: adminToken, ...(trusted ? { fetch: trusted } : {}) });
  const created = await client.createJoinToken({ uses: 1, ttlSeconds: 600, description: 'local agent of aurora up' });
  return created.token;
}

export async function runUp(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags } = parseFlags(upCommand, argv);
  // `up` shares its terminal with a person: request logs only when asked for (--log-level info).
  const config = configFromFlags(flags, env, { logLevel: 'warn' });
  const actionsFile = stringFlag(flags, 'actions') ?? env.AURORA_AGENT_ACTIONS;
  if (actionsFile && flags['no-agent']) {
    throw new CliError('--actions is for the local agent, and --no-agent starts none', 'drop one of the two');
  }
  // Checked before anything starts: a bad allow-list must not leave a control plane half up.
  // The state dir only places default service logs, so any one does for the check.
  const actions = actionsFile ? readActionsFile(actionsFile, '.') : undefined;
  const { server, credentials, tokenFile, savedTokenFile, firstAdmin } = await startControlPlane(config);
  let agent: Awaited<ReturnType<typeof startAgent>> | undefined;
  // The local agent trusts the cluster CA it is handed; an operator's certificate chains to a CA it does not know.
  const operatorCertificate = server.tls?.source === 'operator';
  if (operatorCertificate && !flags['no-agent']) {
    process.stderr.write(
      `No local agent: the server shows your certificate (--tls-cert); start one with \`aurora agent --server-ca FILE${actionsFile ? ` --actions ${actionsFile}` : ''}\`.\n`,
    );
  }
  if (!flags['no-agent'] && !operatorCertificate) {
    const adminToken = server.adminToken ?? env.AURORA_ADMIN_TOKEN ?? readSavedAdminToken(credentials);
    const ca = server.tls ? server.clusterCa.certificate : undefined;
    const joinToken = await mintLocalJoinToken(server.url, adminToken, ca).catch(() => undefined);
    agent = await startAgent({
      server: server.url,
      // The local agent shares the terminal with the banner: only its warnings belong there.
      logger: pino({ level: env.AURORA_AGENT_LOG_LEVEL ?? 'warn', base: { service: 'aurora-agent' } }),
      // Per store: the embedded store's local agent and a PostgreSQL store's are different nodes.
      stateDir: localAgentStateDir(credentials),
      // Same process, same store: the local agent trusts the cluster CA directly, no pin needed.
      ...(server.tls ? { caCertificate: server.clusterCa.certificate } : {}),
      ...(joinToken ? { token: joinToken } : {}),
      ...(actions ? { actions } : {}),
    });
  }
  process.stdout.write(
    announce({
      url: server.url,
      adminToken: server.adminToken,
      tokenFile,
      savedTokenFile,
      agent: agent?.name,
      firstAdmin,
      tls: server.tls ? { source: server.tls.source, caFingerprint: server.clusterCa.fingerprint } : undefined,
    }),
  );
  await waitForSignal();
  await agent?.stop();
  await server.stop();
  return 'Aurora stopped';
}
