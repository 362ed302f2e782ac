import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { type Db, migrationsFolder, type StoreEngine } from './engine.js';
import { schema } from './schema.js';
import { checkSchemaVersion } from './schema-version.js';

/** Options of the PostgreSQL engine. */
export interface PostgresEngineOptions {
  /** Schema to create and use instead of `public` (tests use one per file). */
  schemaName?: string;
  poolSize?: number;
}

/** Opens a pool to PostgreSQL; migrations run on one dedicated connection holding the advisory lock. */
export async function openPostgresEngine(url: string, options: PostgresEngineOptions = {}): Promise<StoreEngine> {
  const searchPath = options.schemaName ? { options: `-c search_path=${options.schemaName}` } : {};
  if (options.schemaName && !/^[a-z_][a-z0-9_]*$/.test(options.schemaName)) {
    throw new Error(`schemaName: must match [a-z_][a-z0-9_]* (got "${options.schemaName}")`);
  }
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, ...searchPath });
  pool.on('error', () => {
    // An idle connection dropped by the server; the pool replaces it on next use.
  });
  const probe = await pool.connect().catch((error: Error) => {
    throw new Error(`database at ${new URL(url).host}: cannot connect (${error.message}); check AURORA_DATABASE_URL`);
  });
  probe.release();
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  const leasePool = new pg.Pool({ connectionString: url, max: 1, ...searchPath });
  leasePool.on('error', () => {
    // As above: replaced on next use.
  });
  return {
    kind: 'postgres',
    db,
    leaseDb: drizzle({ client: leasePool, schema }) as unknown as Db,
    async migrate(mode) {
      const migrationLock = `aurora migrations ${options.schemaName ?? 'public'}`;
      const client = new pg.Client({ connectionString: url, ...searchPath });
      await client.connect();
      try {
        // One replica migrates a schema at a time; stores in other schemas of the database do not wait.
        await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [migrationLock]);
        const table = `${options.schemaName ?? 'drizzle'}.__drizzle_migrations`;
        const query = async (text: string) => (await client.query(text)).rows as Array<Record<string, unknown>>;
        const pending = await checkSchemaVersion(query, table, migrationsFolder, mode);
        if (pending === 0) return;
        if (options.schemaName) await client.query(`create schema if not exists ${options.schemaName}`);
        await migrate(drizzle({ client, schema }), {
          migrationsFolder,
          ...(options.schemaName ? { migrationsSchema: options.schemaName } : {}),
        });
      } finally {
        await client
          .query('select pg_advisory_unlock(hashtextextended($1, 0))', [migrationLock])
          .catch(() => undefined);
        await client.end();
      }
    },
    close: async () => {
      await Promise.all([pool.end(), leasePool.end()]);
    },
  };
}
