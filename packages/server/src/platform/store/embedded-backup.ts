import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock } from './lock-file.js';

const gunzipAsync = promisify(gunzip);

/** Gzip's magic bytes: what `dumpDataDir('gzip')` writes, and how a restore tells it from a pg_dump archive. */
export function isEmbeddedArchive(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The process holding `<dataDir>/aurora.lock`, when that process still runs. */
export function embeddedStoreHolder(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'aurora.lock');
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** Whether `<dataDir>/pg` holds a database (what a restore would replace). */
export function embeddedStoreExists(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'pg', 'PG_VERSION'));
}

/**
 * Dumps the embedded store of a data dir no control plane is using (a running
 * one is asked over HTTP instead, since PGlite is one process's alone).
 */
export async function dumpEmbeddedStore(dataDir: string): Promise<Blob> {
  if (!embeddedStoreExists(dataDir)) throw new Error(`${path.join(dataDir, 'pg')} holds no store to back up`);
  const release = acquireDataDirLock(dataDir);
  try {
    const client = new PGlite(path.join(dataDir, 'pg'));
    try {
      return await client.dumpDataDir('gzip');
    } finally {
      await client.close();
    }
  } finally {
    release();
  }
}

/** What a restore reports as it goes. */
export type RestoreProgress = (step: string) => void;

/** What a restored archive holds, read from it before it replaces anything. */
export interface RestoredStore {
  migrations: number;
  nodes: number;
  auditEntries: number;
}

/**
 * Replaces `<dataDir>/pg` with an archive from {@link Store.dumpEmbedded}.
 * The archive is unpacked and opened in a sibling directory first, so a bad
 * or truncated archive fails there and leaves the current store untouched;
 * only a checked copy is swapped in, by two renames. The data dir's lock is
 * held throughout, so no control plane can start on it meanwhile.
 */
export async function restoreEmbeddedStore(
  dataDir: string,
  archive: Uint8Array,
  options: { progress?: RestoreProgress } = {},
): Promise<RestoredStore> {
  const say = options.progress ?? (() => {});
  mkdirSync(dataDir, { recursive: true });
  const release = acquireDataDirLock(dataDir);
  const staging = path.join(dataDir, 'pg.restoring');
  const target = path.join(dataDir, 'pg');
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    say(`unpacking ${(archive.byteLength / 1e6).toFixed(1)} MB into ${staging}`);
    let restored: RestoredStore;
    try {
      // Unzipped here, where a truncated archive is an error to catch; PGlite's own inflate stream
      // would raise it outside any promise a caller can await. PGlite takes the plain tar as it is.
      const tar = await gunzipAsync(archive);
      const client = new PGlite(staging, { loadDataDir: new Blob([tar]) });
      try {
        await client.waitReady;
        say('opening the unpacked store to check it');
        restored = await readContents(client);
      } finally {
        await client.close().catch(() => undefined);
      }
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`the archive does not open as an Aurora store (${reason}); the current store is unchanged`);
    }
    const replaced = `${target}.replaced-${Date.now()}`;
    if (existsSync(target)) renameSync(target, replaced);
    renameSync(staging, target);
    rmSync(replaced, { recursive: true, force: true });
    say(`swapped in; the previous store is removed`);
    return restored;
  } finally {
    release();
  }
}

async function readContents(client: PGlite): Promise<RestoredStore> {
  const count = async (query: string) => Number((await client.query<{ n: number }>(query)).rows[0]?.n ?? 0);
  return {
    migrations: await count('select count(*)::int as n from drizzle.__drizzle_migrations'),
    nodes: await count('select count(*)::int as n from nodes'),
    auditEntries: await count('select count(*)::int as n from audit_log'),
  };
}
