import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { type Db, MIGRATION_LOCK_KEY, migrationsFolder, type StoreEngine } from './engine.js';
import { StoreDamagedError } from './errors.js';
import { acquireDataDirLock } from './lock-file.js';
import { PgliteRemote } from './pglite-remote.js';
import { schema } from './schema.js';
import { checkSchemaVersion } from './schema-version.js';

/** Refuses a non-empty database directory that PGlite would otherwise initialise over. */
function checkExisting(pgDir: string): void {
  if (!existsSync(pgDir)) return;
  const entries = readdirSync(pgDir);
  if (entries.length === 0) return;
  if (!entries.includes('PG_VERSION')) throw new StoreDamagedError(pgDir, 'PG_VERSION is missing');
  for (const required of ['global', 'base', 'pg_wal']) {
    if (!entries.includes(required)) throw new StoreDamagedError(pgDir, `${required}/ is missing`);
  }
}

/**
 * Opens the embedded store in `<dataDir>/pg`, or an in-memory one when `dataDir` is undefined, on a
 * thread of its own ({@link PgliteRemote}). Holds `<dataDir>/aurora.lock` while open.
 */
export async function openPgliteEngine(dataDir: string | undefined): Promise<StoreEngine> {
  let release = () => {};
  let client: PgliteRemote;
  if (dataDir === undefined) {
    client = await PgliteRemote.start(undefined);
  } else {
    mkdirSync(dataDir, { recursive: true });
    release = acquireDataDirLock(dataDir);
    const pgDir = path.join(dataDir, 'pg');
    try {
      checkExisting(pgDir);
      client = await PgliteRemote.start(pgDir);
    } catch (error) {
      release();
      if (error instanceof StoreDamagedError) throw error;
      throw new StoreDamagedError(pgDir, error instanceof Error ? error.message : String(error));
    }
  }
  // Drizzle's PGlite driver makes only the query and transaction calls the remote client has.
  const driverClient = client as unknown as PGlite;
  const db = drizzle({ client: driverClient, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    async migrate(mode) {
      await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
      try {
        const query = async (text: string) => (await client.query<Record<string, unknown>>(text)).rows;
        const pending = await checkSchemaVersion(query, 'drizzle.__drizzle_migrations', migrationsFolder, mode);
        if (pending > 0) await migrate(drizzle({ client: driverClient, schema }), { migrationsFolder });
      } finally {
        await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
      }
    },
    // PGlite runs it under its query lock: no statement runs while the files are copied, and a
    // transaction still open then is rolled back when the copy is opened, as after a crash.
    dump: () => client.dumpDataDir(),
    async close() {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}
