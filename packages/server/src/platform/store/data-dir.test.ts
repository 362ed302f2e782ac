import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreDamagedError, StoreLockedError } from './errors.js';
import { Store } from './store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-datadir-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('embedded store data directory', () => {
  it('a second store on a data dir in use refuses with the owning pid, and the first keeps working', async () => {
    const dataDir = tempDir();
    const first = await Store.open({ dataDir });
    try {
      const second = Store.open({ dataDir });
      await expect(second).rejects.toThrow(StoreLockedError);
      await expect(second).rejects.toThrow(`data dir ${dataDir} is in use by process ${process.pid}`);
      expect(await first.ready()).toBe(true);
    } finally {
      await first.close();
    }
    const reopened = await Store.open({ dataDir });
    expect(await reopened.ready()).toBe(true);
    await reopened.close();
  });

  it('a lock left by a process that no longer exists is taken over', async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'aurora.lock'), '2147483646\n');
    const store = await Store.open({ dataDir });
    expect(readFileSync(path.join(dataDir, 'aurora.lock'), 'utf8').trim()).toBe(String(process.pid));
    await store.close();
  });

  it('a damaged data dir is reported with its path and the fix, and is left untouched', async () => {
    const dataDir = tempDir();
    const pgDir = path.join(dataDir, 'pg');
    mkdirSync(pgDir);
    writeFileSync(path.join(pgDir, 'postgresql.conf'), 'half a store\n');
    const before = readdirSync(pgDir);
    const opening = Store.open({ dataDir });
    await expect(opening).rejects.toThrow(StoreDamagedError);
    await expect(Store.open({ dataDir })).rejects.toThrow(
      new RegExp(`the store at ${pgDir} is damaged and was not modified .*restore it from a backup, or move it aside`),
    );
    expect(readdirSync(pgDir)).toEqual(before);
    expect(readFileSync(path.join(pgDir, 'postgresql.conf'), 'utf8')).toBe('half a store\n');
  });

  it('a store whose catalog files were removed is reported as damaged rather than re-initialised', async () => {
    const dataDir = tempDir();
    const store = await Store.open({ dataDir });
    await store.close();
    const pgDir = path.join(dataDir, 'pg');
    rmSync(path.join(pgDir, 'global'), { recursive: true });
    await expect(Store.open({ dataDir })).rejects.toThrow(/global\/ is missing/);
    expect(readdirSync(pgDir)).toContain('PG_VERSION');
  });
});
