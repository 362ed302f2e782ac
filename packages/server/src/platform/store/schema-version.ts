import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';

/** Runs one statement and returns its rows: each engine's own raw query. */
export type RawQuery = (text: string) => Promise<Array<Record<string, unknown>>>;

/**
 * A replica whose schema is not the database's: it refuses to serve, since an
 * older binary would write rows a newer schema does not expect (or miss
 * columns it requires), and a newer one would query tables that are not there.
 */
export class SchemaVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaVersionError';
  }
}

interface KnownMigration {
  hash: string;
  createdAt: number;
  tag: string;
}

/** The migrations this binary ships, in order, named by their journal tags. */
export function knownMigrations(migrationsFolder: string): KnownMigration[] {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ when: number; tag: string }>;
  };
  const tags = new Map(journal.entries.map((e) => [e.when, e.tag]));
  return readMigrationFiles({ migrationsFolder }).map((m) => ({
    hash: m.hash,
    createdAt: m.folderMillis,
    tag: tags.get(m.folderMillis) ?? String(m.folderMillis),
  }));
}

/** Whether pending migrations may be applied: `migrations: auto` (default) or `off`. */
export type MigrationMode = 'auto' | 'off';

/**
 * Compares the migrations recorded in the database with the ones this binary
 * ships, before anything is applied. Throws {@link SchemaVersionError} when
 * the database has one this binary does not know (it was migrated by a newer
 * version), or lacks some and `mode` is `off`. Returns how many are pending.
 */
export async function checkSchemaVersion(
  query: RawQuery,
  migrationsTable: string,
  migrationsFolder: string,
  mode: MigrationMode,
): Promise<number> {
  const known = knownMigrations(migrationsFolder);
  const newestKnown = known[known.length - 1];
  const exists = await query(`select to_regclass('${migrationsTable}') as t`);
  const applied = exists[0]?.t
    ? (await query(`select hash, created_at from ${migrationsTable} order by created_at`)).map((r) => ({
        hash: String(r.hash),
        createdAt: Number(r.created_at),
      }))
    : [];
  const knownHashes = new Set(known.map((m) => m.hash));
  const foreign = applied.filter((m) => !knownHashes.has(m.hash));
  if (foreign.length > 0) {
    throw new SchemaVersionError(
      `the database schema is newer than this Aurora: it has ${foreign.length} migration(s) this version does not ship ` +
        `(the newest applied on ${new Date(Math.max(...foreign.map((m) => m.createdAt))).toISOString()}; ` +
        `this version knows up to ${newestKnown?.tag ?? 'none'}); refusing to serve. ` +
        'Run the Aurora version the other replicas run (or newer); a downgrade needs the backup taken before the upgrade',
    );
  }
  const appliedHashes = new Set(applied.map((m) => m.hash));
  const pending = known.filter((m) => !appliedHashes.has(m.hash));
  if (pending.length > 0 && mode === 'off') {
    const last = known.filter((m) => appliedHashes.has(m.hash)).pop();
    throw new SchemaVersionError(
      `the database schema is older than this Aurora: it is at ${last?.tag ?? 'none'}, this version needs ` +
        `${newestKnown?.tag} (${pending.length} migration(s) pending: ${pending.map((m) => m.tag).join(', ')}), ` +
        'and migrations is off; refusing to serve. Start one replica with migrations: auto (AURORA_MIGRATIONS=auto) ' +
        'to apply them, after a backup (aurora backup)',
    );
  }
  return pending.length;
}
