/**
 * `aurora restore FILE`: puts a backup back, with no control plane running on
 * the target. It refuses a target that already holds a store unless --force
 * is given, and never leaves a half-restored one: the embedded store is
 * unpacked and checked beside the current one before two renames swap it in;
 * PostgreSQL is restored by pg_restore in one transaction.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import {
  type DatabaseContents,
  embeddedStoreExists,
  embeddedStoreHolder,
  inspectDatabase,
  isEmbeddedArchive,
  restoreEmbeddedStore,
} from '@aurora/server';
import { type CommandSpec, parseFlags } from '../args.js';
import { CliError } from '../cli-error.js';
import { pgConnection, progressTo } from './backup.js';
import { findPgTool, runPgTool } from './pg-tools.js';
import { configFromFlags, storeFlags } from './server-flags.js';

export const restoreCommand: CommandSpec = {
  name: 'restore',
  summary: 'put a backup back into the store, with no control plane running on it',
  usage: 'aurora restore FILE [--force] [--data-dir DIR | --database-url URL]',
  flags: {
    ...storeFlags,
    force: { type: 'boolean', description: 'replace a store that already holds data' },
  },
  examples: [
    'aurora restore aurora-backup.tar.gz --data-dir /srv/aurora',
    'aurora restore aurora.pgdump --database-url postgres://aurora@db:5432/aurora --force',
  ],
};

function header(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const bytes = Buffer.alloc(5);
    readSync(fd, bytes, 0, 5, 0);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** What the target database holds now; a connection failure names the fix. */
async function inspect(url: string): Promise<DatabaseContents> {
  try {
    return await inspectDatabase(url);
  } catch (error) {
    throw new CliError(
      `cannot read the database (${(error as Error).message})`,
      'check --database-url; the database itself must exist (createdb NAME)',
      1,
    );
  }
}

async function restorePostgres(file: string, url: string, force: boolean, env: NodeJS.ProcessEnv): Promise<string> {
  const say = progressTo(process.stderr);
  const pgRestore = findPgTool('pg_restore', env);
  const now = await inspect(url);
  if (now.leader) {
    throw new CliError(
      `a control plane (${now.leader}) holds the leader lease on this database`,
      'stop every aurora server on it first; a restore under a running control plane would be overwritten or refused',
    );
  }
  if (now.tables > 0 && !force) {
    throw new CliError(
      `the database already holds ${now.tables} tables${now.nodes !== undefined ? ` (a store with ${now.nodes} nodes)` : ''}`,
      'pass --force to replace it (one transaction: a failed restore leaves it as it is), or restore into an empty database',
    );
  }
  const { dbname, env: childEnv } = pgConnection(url, env);
  say(`running ${pgRestore} in one transaction${force && now.tables > 0 ? ', dropping what the backup replaces' : ''}`);
  await runPgTool(
    pgRestore,
    [
      '--single-transaction',
      '--exit-on-error',
      '--no-owner',
      '--no-privileges',
      '--verbose',
      ...(force && now.tables > 0 ? ['--clean', '--if-exists'] : []),
      `--dbname=${dbname}`,
      file,
    ],
    say,
    childEnv,
  );
  const after = await inspect(url);
  return `restored ${file} into the database: ${after.tables} tables, ${after.nodes ?? 0} nodes`;
}

export async function runRestore(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(restoreCommand, argv);
  const [file] = positionals;
  if (!file) throw new CliError('which backup?', 'usage: aurora restore FILE (written by aurora backup)');
  if (!existsSync(file)) throw new CliError(`${file} does not exist`, 'name a file written by aurora backup');
  const config = configFromFlags(flags, env);
  const force = flags.force === true;
  const magic = header(file);
  const embedded = isEmbeddedArchive(magic);
  const pgArchive = magic.toString('latin1') === 'PGDMP';
  if (!embedded && !pgArchive) {
    throw new CliError(`${file} is not a backup written by aurora backup`, 'name the .tar.gz or .pgdump it wrote');
  }
  if (config.databaseUrl) {
    if (!pgArchive) {
      throw new CliError(
        `${file} is a backup of the embedded store, and the target is PostgreSQL`,
        'restore it without --database-url (and AURORA_DATABASE_URL unset), into --data-dir',
      );
    }
    return restorePostgres(file, config.databaseUrl, force, env);
  }
  if (!embedded) {
    throw new CliError(
      `${file} is a pg_dump of a PostgreSQL store, and the target is the embedded store`,
      'pass --database-url with the PostgreSQL database to restore it into',
    );
  }
  const holder = embeddedStoreHolder(config.dataDir);
  if (holder !== undefined) {
    throw new CliError(
      `a control plane (process ${holder}) runs on ${config.dataDir}`,
      'stop it (Ctrl-C, or kill it), then run this again',
    );
  }
  if (embeddedStoreExists(config.dataDir) && !force) {
    throw new CliError(
      `${path.resolve(config.dataDir)} already holds a store`,
      'pass --force to replace it (the old one stays until the backup has been unpacked and opened), or choose another --data-dir',
    );
  }
  const restored = await restoreEmbeddedStore(config.dataDir, readFileSync(file), {
    progress: progressTo(process.stderr),
  });
  const lines = [
    `restored ${file} into ${config.dataDir}: ${restored.nodes} nodes, ${restored.auditEntries} audit entries, ${restored.migrations} migrations`,
  ];
  if (!existsSync(config.keyFile)) {
    lines.push(
      `the key file ${config.keyFile} is missing: put back the copy you kept; the control plane will not start without it`,
    );
  }
  return lines.join('\n');
}
