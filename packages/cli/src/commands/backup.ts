/**
 * `aurora backup`: a consistent copy of the store while the control plane
 * keeps running. PostgreSQL goes through pg_dump (one snapshot, custom
 * format); the embedded store is dumped by the process that owns it
 * (GET /v1/backup), or opened here when no control plane runs on it.
 */
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { dumpEmbeddedStore, embeddedStoreExists, embeddedStoreHolder } from '@aurora/server';
import { type CommandSpec, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { connectionFlags, connectionOf } from '../connection.js';
import { findPgTool, runPgTool } from './pg-tools.js';
import { configFromFlags, storeFlags } from './server-flags.js';

export const backupCommand: CommandSpec = {
  name: 'backup',
  summary: 'write a consistent copy of the store to a file, while the control plane runs',
  usage: 'aurora backup [--out FILE] [--data-dir DIR | --database-url URL]',
  flags: {
    ...storeFlags,
    server: connectionFlags.server as CommandSpec['flags'][string],
    token: connectionFlags.token as CommandSpec['flags'][string],
    'ca-file': connectionFlags['ca-file'] as CommandSpec['flags'][string],
    out: {
      type: 'string',
      placeholder: 'file',
      description: 'where to write it (default aurora-backup-<time>.tar.gz, or .pgdump for PostgreSQL)',
    },
  },
  examples: [
    'aurora backup --out /backups/aurora.tar.gz',
    'aurora backup --database-url postgres://aurora@db:5432/aurora --out /backups/aurora.pgdump',
  ],
};

/** Progress goes to stderr, so stdout stays the one summary line a script may read. */
export function progressTo(stream: NodeJS.WritableStream): (line: string) => void {
  return (line) => stream.write(`  ${line}\n`);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A database URL without its password, which goes to the child in PGPASSWORD instead of its argument list. */
export function pgConnection(url: string, env: NodeJS.ProcessEnv): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), env: password ? { ...env, PGPASSWORD: password } : { ...env } };
}

/** Downloads the running control plane's dump to `file`, saying how much has arrived once a second. */
async function downloadEmbedded(
  flags: Parameters<typeof connectionOf>[0],
  env: NodeJS.ProcessEnv,
  file: string,
  say: (line: string) => void,
): Promise<void> {
  const { baseUrl, token, fetch: trustedFetch } = connectionOf(flags, env);
  say(`asking the control plane at ${baseUrl} for a copy (it keeps serving; statements wait while files are copied)`);
  let response: Response;
  try {
    response = await (trustedFetch ?? fetch)(`${baseUrl}/v1/backup`, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new CliError(
      `cannot reach the control plane at ${baseUrl} (${cause}), yet it holds the store`,
      'pass --server with its URL, or stop it and run this again to read the data dir directly',
      1,
    );
  }
  if (!response.ok || !response.body) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new CliError(
      `the control plane answered ${response.status}: ${problem.detail ?? response.statusText}`,
      response.status === 401 || response.status === 403
        ? 'pass an admin token with --token or AURORA_TOKEN'
        : undefined,
      1,
    );
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  const out = createWriteStream(file);
  let received = 0;
  let shownAt = Date.now();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    received += chunk.byteLength;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    if (Date.now() - shownAt >= 1000) {
      shownAt = Date.now();
      say(`received ${megabytes(received)}${total ? ` of ${megabytes(total)}` : ''}`);
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (total && received !== total)
    throw new CliError(`the copy ended after ${received} of ${total} bytes`, 'run it again', 1);
}

export async function runBackup(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(backupCommand, argv);
  if (positionals.length > 0) throw new CliError(`unexpected "${positionals[0]}"`, 'name the file with --out FILE');
  const config = configFromFlags(flags, env);
  const say = progressTo(process.stderr);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = stringFlag(flags, 'out') ?? `aurora-backup-${stamp}.${config.databaseUrl ? 'pgdump' : 'tar.gz'}`;
  if (existsSync(file)) throw new CliError(`${file} already exists`, 'choose another --out, or remove that file');
  // Written beside the target and renamed at the end, so an interrupted backup never looks like a finished one.
  const partial = `${file}.partial`;
  const started = Date.now();
  try {
    if (config.databaseUrl) {
      const pgDump = findPgTool('pg_dump', env);
      const { dbname, env: childEnv } = pgConnection(config.databaseUrl, env);
      say(`running ${pgDump} (one snapshot of the whole database; the control planes keep serving)`);
      await runPgTool(
        pgDump,
        ['--format=custom', '--verbose', `--file=${partial}`, `--dbname=${dbname}`],
        say,
        childEnv,
      );
    } else {
      const holder = embeddedStoreHolder(config.dataDir);
      if (holder !== undefined) {
        await downloadEmbedded(flags, env, partial, say);
      } else {
        if (!embeddedStoreExists(config.dataDir)) {
          throw new CliError(
            `${path.resolve(config.dataDir)} holds no embedded store`,
            'pass the --data-dir the control plane uses, or --database-url for PostgreSQL',
          );
        }
        say(`no control plane runs on ${config.dataDir}: reading it directly`);
        const archive = await dumpEmbeddedStore(config.dataDir);
        const out = createWriteStream(partial);
        const bytes = Buffer.from(await archive.arrayBuffer());
        await new Promise<void>((resolve, reject) => {
          out.on('error', reject);
          out.end(bytes, () => resolve());
        });
      }
    }
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return [
    `backup written: ${file} (${megabytes(statSync(file).size)}, ${config.databaseUrl ? 'PostgreSQL, pg_dump custom format' : 'embedded store'}, ${seconds} s)`,
    `not in it, by design: the key file ${config.keyFile}; keep one copy of it apart from the backups (aurora restore needs it beside the store)`,
  ].join('\n');
}
