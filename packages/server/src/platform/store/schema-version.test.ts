/**
 * A replica whose schema differs from the database's refuses to serve and
 * says why, on both engines. The other version is real: Drizzle's migrator
 * applies a copy of the shipped migrations with one more (a newer release)
 * or one fewer (an older release) to the same database.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { testEngines } from '../../testing/engines.js';
import { migrationsFolder } from './engine.js';
import { SchemaVersionError } from './schema-version.js';
import { Store, type StoreOptions } from './store.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'aurora-schema-version-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Journal {
  entries: Array<{ idx: number; version: string; when: number; tag: string; breakpoints: boolean }>;
}

/** The shipped migrations plus one a newer release would bring. */
function newerRelease(): string {
  const folder = path.join(work, 'newer');
  cpSync(migrationsFolder, folder, { recursive: true });
  const file = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8')) as Journal;
  const last = journal.entries[journal.entries.length - 1];
  if (!last) throw new Error('no migrations shipped');
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 86_400_000, tag: '9999_next_release' });
  writeFileSync(file, JSON.stringify(journal));
  writeFileSync(path.join(folder, '9999_next_release.sql'), 'create table next_release_feature (id integer);');
  return folder;
}

/** The shipped migrations without the newest: what the previous release applied. */
function olderRelease(): { folder: string; missing: string } {
  const folder = path.join(work, 'older');
  cpSync(migrationsFolder, folder, { recursive: true });
  const file = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8')) as Journal;
  const dropped = journal.entries.pop();
  if (!dropped) throw new Error('no migrations shipped');
  writeFileSync(file, JSON.stringify(journal));
  return { folder, missing: dropped.tag };
}

/** Applies `folder` to the store `options` names, as another release's binary would. */
async function migrateWith(options: StoreOptions, folder: string): Promise<void> {
  if (options.databaseUrl) {
    const client = new pg.Client({
      connectionString: options.databaseUrl,
      options: `-c search_path=${options.schemaName}`,
    });
    await client.connect();
    try {
      await client.query(`create schema if not exists ${options.schemaName}`);
      await migratePg(drizzlePg({ client }), {
        migrationsFolder: folder,
        ...(options.schemaName ? { migrationsSchema: options.schemaName } : {}),
      });
    } finally {
      await client.end();
    }
    return;
  }
  const client = new PGlite(path.join(options.dataDir as string, 'pg'));
  try {
    await migratePglite(drizzlePglite({ client }), { migrationsFolder: folder });
  } finally {
    await client.close();
  }
}

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`schema version on ${engine.name}`, () => {
    test('an older binary refuses a database a newer release migrated, and names both versions', async () => {
      const { options, cleanup } = await engine.fresh();
      try {
        await (await Store.open(options)).close();
        await migrateWith(options, newerRelease());
        const opening = Store.open(options);
        await expect(opening).rejects.toBeInstanceOf(SchemaVersionError);
        await expect(opening).rejects.toThrow(
          /newer than this Aurora: it has 1 migration\(s\) this version does not ship/,
        );
        // Not even with migrations allowed: nothing an older binary can apply fixes it.
        await expect(Store.open({ ...options, migrations: 'auto' })).rejects.toThrow(/Run the Aurora version/);
      } finally {
        await cleanup();
      }
    }, 180_000);

    test('a newer binary without permission to migrate refuses an older schema; with it, it migrates', async () => {
      const { options, cleanup } = await engine.fresh();
      try {
        const older = olderRelease();
        await migrateWith(options, older.folder);
        const refused = Store.open({ ...options, migrations: 'off' });
        await expect(refused).rejects.toBeInstanceOf(SchemaVersionError);
        await expect(refused).rejects.toThrow(new RegExp(`older than this Aurora.*pending: ${older.missing}`));
        await expect(refused).rejects.toThrow(/AURORA_MIGRATIONS=auto/);
        await (await Store.open({ ...options, migrations: 'auto' })).close();
        const current = await Store.open({ ...options, migrations: 'off' });
        expect(await current.ready()).toBe(true);
        await current.close();
      } finally {
        await cleanup();
      }
    }, 180_000);
  });
}
