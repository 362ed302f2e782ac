import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Store, type StoreOptions } from '../platform/store/index.js';

/** One engine a contract suite runs against. */
export interface TestEngine {
  name: 'pglite' | 'postgres';
  /** Why it is skipped, when it is. */
  skip?: string;
  /** Store options for a fresh, empty store; `cleanup` removes it. */
  fresh(): Promise<{ options: StoreOptions; cleanup(): Promise<void> }>;
}

const POSTGRES_HINT =
  'PostgreSQL tests skipped: set AURORA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them (AURORA_REQUIRE_POSTGRES=1 makes this a failure)';

/** PGlite always; PostgreSQL when AURORA_TEST_DATABASE_URL is set (each store in its own schema). */
export function testEngines(env: NodeJS.ProcessEnv = process.env): TestEngine[] {
  const url = env.AURORA_TEST_DATABASE_URL;
  if (!url && env.AURORA_REQUIRE_POSTGRES === '1') {
    throw new Error('AURORA_REQUIRE_POSTGRES=1 but AURORA_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL');
  }
  return [
    {
      name: 'pglite',
      async fresh() {
        const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-store-'));
        return { options: { dataDir }, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
      },
    },
    {
      name: 'postgres',
      ...(url ? {} : { skip: POSTGRES_HINT }),
      async fresh() {
        const schemaName = `aurora_test_${randomBytes(6).toString('hex')}`;
        return {
          options: { databaseUrl: url, schemaName },
          async cleanup() {
            const client = new pg.Client({ connectionString: url });
            await client.connect();
            await client.query(`drop schema if exists ${schemaName} cascade`);
            await client.end();
          },
        };
      },
    },
  ];
}

/** Opens a fresh store on `engine`; `close` also removes its data. */
export async function openFreshStore(engine: TestEngine): Promise<{ store: Store; close(): Promise<void> }> {
  const { options, cleanup } = await engine.fresh();
  const store = await Store.open(options);
  return {
    store,
    async close() {
      await store.close();
      await cleanup();
    },
  };
}
