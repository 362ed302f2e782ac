import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { type PickerName, pickerNames } from '@aurora/core';
import { type BackendSpec, parseBackend, parseListen, startProxy, watchService } from '@aurora/proxy';
import { type CommandSpec, type ParsedFlags, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { connectionFlags, fetchTrusting, savedAdminToken, trustedCa } from '../connection.js';
import { waitForSignal } from '../signals.js';

export const proxyCommand: CommandSpec = {
  name: 'proxy',
  summary: 'run the built-in load balancer for one service',
  usage:
    'aurora proxy --listen ADDR --service NAME (--backend HOST:PORT ... | --server URL [--token T] [--ca-file FILE]) [--zone Z] [--picker P] [--workers N]',
  flags: {
    listen: { type: 'string', placeholder: 'host:port', description: 'address to listen on (default 127.0.0.1:8080)' },
    service: { type: 'string', placeholder: 'name', description: 'the service to balance' },
    backend: {
      type: 'string',
      multiple: true,
      placeholder: 'host:port[,zone=Z][,weight=W][,id=ID]',
      description: 'a backend of the service; without any, the service is read from --server and followed',
    },
    zone: { type: 'string', placeholder: 'zone', description: "this proxy's zone: its backends are preferred" },
    picker: { type: 'string', placeholder: 'name', description: `${pickerNames.join(', ')} (default p2c-peak-ewma)` },
    workers: {
      type: 'string',
      placeholder: 'n',
      description: 'processes sharing the port (node:cluster); 0 means one per core (default 1)',
    },
    'health-path': { type: 'string', placeholder: 'path', description: 'active health check path (default /healthz)' },
    'no-health-check': { type: 'boolean', description: 'turn active health checks off' },
    server: {
      type: 'string',
      placeholder: 'url',
      description: 'without --backend: the control plane whose service to follow (AURORA_SERVER)',
    },
    token: {
      type: 'string',
      placeholder: 'token',
      description: 'token for --server (AURORA_TOKEN; default: the one `aurora up` saved in the data dir)',
    },
    'ca-file': connectionFlags['ca-file'] as CommandSpec['flags'][string],
    'data-dir': {
      type: 'string',
      placeholder: 'dir',
      description:
        'the --data-dir `aurora up` ran with, to use the admin token and cluster CA it saved (AURORA_DATA_DIR; default ./.aurora/data)',
    },
    'trust-forwarded': {
      type: 'boolean',
      description: 'append to X-Forwarded-For/Forwarded from clients instead of replacing them',
    },
  },
  examples: [
    'aurora proxy --listen 0.0.0.0:8080 --service web --backend 10.0.0.11:80,zone=a --backend 10.0.0.12:80,zone=b --zone a',
    'aurora proxy --listen :8080 --service web --backend 127.0.0.1:9001 --backend 127.0.0.1:9002 --workers 2',
    'aurora proxy --listen 0.0.0.0:8080 --service web --server https://10.0.0.5:7070 --token $AURORA_TOKEN --ca-file cluster-ca.pem',
  ],
};

function listFlag(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

export async function runProxy(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags } = parseFlags(proxyCommand, argv);
  const service = stringFlag(flags, 'service');
  if (!service) throw new CliError('--service is required', 'for example --service web');
  const listen = parseListen(stringFlag(flags, 'listen') ?? '127.0.0.1:8080');
  if (typeof listen === 'string') throw new CliError(`--listen: ${listen}`, 'for example --listen 0.0.0.0:8080');
  const backends: BackendSpec[] = [];
  for (const text of listFlag(flags.backend)) {
    const b = parseBackend(text);
    if (typeof b === 'string') throw new CliError(`--backend: ${b}`, 'for example --backend 10.0.0.11:80,zone=a');
    backends.push(b);
  }
  const picker = stringFlag(flags, 'picker') ?? 'p2c-peak-ewma';
  if (!pickerNames.includes(picker as PickerName)) {
    throw new CliError(`--picker "${picker}" is not one of ${pickerNames.join(', ')}`);
  }
  const workersText = stringFlag(flags, 'workers') ?? env.AURORA_PROXY_WORKERS ?? '1';
  const workers = workersText === '0' ? availableParallelism() : Number(workersText);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new CliError(`--workers "${workersText}" is not a whole number from 0 to 256`);
  }
  if (workers > 1 && cluster.isPrimary) return runPrimary(workers, service, listen);

  // Without static backends the service comes from the control plane, checked before any worker starts.
  const watched = backends.length === 0 ? watchTarget(flags, env) : undefined;
  const zone = stringFlag(flags, 'zone');
  const healthPath = stringFlag(flags, 'health-path');
  const proxy = await startProxy({
    host: listen.host,
    port: listen.port,
    service: { name: service, backends },
    trustForwarded: flags['trust-forwarded'] === true,
    balancer: {
      picker: picker as PickerName,
      ...(zone ? { localZone: zone } : {}),
      ...(flags['no-health-check'] === true
        ? { health: false }
        : healthPath
          ? { health: { path: healthPath, intervalMs: 2_000, timeoutMs: 1_000, rise: 2, fall: 3 } }
          : {}),
    },
  });
  const watch = watched
    ? watchService({
        ...watched,
        service,
        onView: (view) => proxy.update(view),
        onError: (error) => {
          // fetch says only "fetch failed"; the cause names the refused connection or the untrusted certificate.
          const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
          process.stderr.write(
            `aurora proxy: control plane unreachable (${error.message}${cause}); routing on the last view\n`,
          );
        },
      })
    : undefined;
  if (cluster.isPrimary) {
    process.stdout.write(`Proxy for service "${service}" listening on ${proxy.url}. Stop with Ctrl-C.\n`);
  } else {
    process.send?.({ listening: proxy.url });
  }
  await waitForSignal();
  watch?.stop();
  await proxy.close();
  return cluster.isPrimary ? 'proxy stopped' : '';
}

function watchTarget(
  flags: ParsedFlags,
  env: NodeJS.ProcessEnv,
): { server: string; token: string; fetch?: typeof fetch } {
  const server = stringFlag(flags, 'server') ?? env.AURORA_SERVER;
  if (!server) {
    throw new CliError(
      'give the backends with --backend, or the control plane to follow with --server',
      'for example --backend 127.0.0.1:9001, or --server http://127.0.0.1:7070',
    );
  }
  const token = stringFlag(flags, 'token') ?? env.AURORA_TOKEN ?? savedAdminToken(flags, env) ?? env.AURORA_ADMIN_TOKEN;
  if (!token) throw new CliError('no token for --server', 'pass --token or set AURORA_TOKEN');
  // An https:// control plane is verified against --ca-file, AURORA_CA_FILE or the saved cluster CA, as operator verbs do.
  const trusted = server.startsWith('https:') ? fetchTrusting(trustedCa(flags, env)) : undefined;
  return { server, token, ...(trusted ? { fetch: trusted } : {}) };
}

/**
 * Forks `workers` processes that each run the whole proxy on the shared port. Each keeps its own balancer state
 * (like nginx's workers), so least-request and latency estimates are per process.
 */
async function runPrimary(workers: number, service: string, listen: { host: string; port: number }): Promise<string> {
  let ready = 0;
  let url = '';
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < workers; i++) {
      const w = cluster.fork();
      w.on('message', (m: { listening?: string }) => {
        if (!m.listening) return;
        url = m.listening;
        if (++ready === workers) resolve();
      });
      w.once('exit', (code) => {
        if (ready < workers) reject(new CliError(`a proxy worker exited with code ${code} while starting`));
      });
    }
  });
  process.stdout.write(
    `Proxy for service "${service}" listening on ${url || `${listen.host}:${listen.port}`} with ${workers} workers. Stop with Ctrl-C.\n`,
  );
  await waitForSignal();
  await Promise.all(
    Object.values(cluster.workers ?? {}).map(
      (w) =>
        new Promise<void>((resolve) => {
          if (!w || w.isDead()) return resolve();
          w.once('exit', () => resolve());
          w.kill('SIGTERM');
        }),
    ),
  );
  return 'proxy stopped';
}
