import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { schema } from './schema.js';

/** The typed query layer, identical on both engines. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Which engine backs the store. */
export type EngineKind = 'pglite' | 'postgres';

/** One opened engine: a Drizzle database plus the engine-specific lifecycle. */
export interface StoreEngine {
  kind: EngineKind;
  db: Db;
  /** Applies pending migrations under a PostgreSQL advisory lock. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Folder of the generated SQL migrations (same relative place from src/ and dist/). */
export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Advisory lock key that serialises migrations across replicas ("aurora" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x6175726f7261;

/** A transaction handle, or the database itself where no transaction is open. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;
