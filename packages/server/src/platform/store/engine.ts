import { fileURLToPath } from 'node:url';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { schema } from './schema.js';
import type { MigrationMode } from './schema-version.js';

/** The typed query layer, identical on both engines. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Which engine backs the store. */
export type EngineKind = 'pglite' | 'postgres';

/** One opened engine: a Drizzle database plus the engine-specific lifecycle. */
export interface StoreEngine {
  kind: EngineKind;
  db: Db;
  /** A connection of its own for the leader lease, so renewals never queue behind request traffic (PostgreSQL). */
  leaseDb?: Db;
  /**
   * Under a PostgreSQL advisory lock: refuses a schema this binary does not match
   * (checkSchemaVersion), then applies pending migrations when `mode` is auto.
   */
  migrate(mode: MigrationMode): Promise<void>;
  /**
   * The embedded engine's whole data directory as a gzipped tar (PGlite's dumpDataDir), taken
   * between two statements so it is a crash-consistent image; PostgreSQL has none (pg_dump does that).
   */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}

/** Folder of the generated SQL migrations (same relative place from src/ and dist/). */
export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Advisory lock key that serialises migrations of the embedded store ("aurora" in ASCII); PostgreSQL stores lock per schema. */
export const MIGRATION_LOCK_KEY = 0x6175726f7261;

/**
 * Takes the transaction-scoped advisory lock called `name` in the store's own schema. Advisory locks
 * belong to the whole database, so a fixed key would make every Aurora deployment (or test) sharing a
 * PostgreSQL database wait on each other's appends; the key includes `current_schema()`, as the
 * leader lease does, so only writers of one store queue behind each other.
 */
export function schemaLock(name: string): SQL {
  return sql`select pg_advisory_xact_lock(hashtextextended(${`aurora ${name} `} || current_schema(), 0))`;
}

/** A transaction handle, or the database itself where no transaction is open. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

/** Rows of a raw `execute`, which PGlite and node-postgres both return under `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** One array-valued bind parameter (drizzle would otherwise expand a JS array into a list), for `unnest`. */
export function arrayParam(values: unknown[], type: string): SQL {
  return sql`${sql.param(values)}::${sql.raw(type)}[]`;
}
