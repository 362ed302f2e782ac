import { type CommandSpec, parseFlags } from '../args.js';
import { waitForSignal } from '../signals.js';
import { announce } from './announce.js';
import { configFromFlags, serverFlags } from './server-flags.js';
import { startControlPlane } from './start-control-plane.js';

export const serverCommand: CommandSpec = {
  name: 'server',
  summary: 'run the control plane alone: API, console and controllers',
  usage: 'aurora server [--port 7070] [--host 127.0.0.1] [--data-dir ./.aurora/data | --database-url URL]',
  flags: serverFlags,
  examples: [
    'aurora server',
    'aurora server --host 0.0.0.0 --tls --tls-san aurora.example.com',
    'aurora server --host 0.0.0.0 --tls-cert /etc/aurora/tls.crt --tls-key /etc/aurora/tls.key',
    'AURORA_DATABASE_URL=postgres://aurora@db:5432/aurora aurora server',
  ],
};

export async function runServer(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags } = parseFlags(serverCommand, argv);
  const config = configFromFlags(flags, env);
  const { server, tokenFile, savedTokenFile, firstAdmin } = await startControlPlane(config);
  process.stdout.write(
    announce({
      url: server.url,
      adminToken: server.adminToken,
      tokenFile,
      savedTokenFile,
      agent: undefined,
      firstAdmin,
      tls: server.tls ? { source: server.tls.source, caFingerprint: server.clusterCa.fingerprint } : undefined,
    }),
  );
  await waitForSignal();
  await server.stop();
  return 'control plane stopped';
}
