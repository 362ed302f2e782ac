import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteRemote } from './pglite-remote.js';

describe('the embedded store on its own thread', () => {
  let store: PgliteRemote;
  beforeAll(async () => {
    store = await PgliteRemote.start(undefined);
    await store.query('create table kv (k text primary key, v int not null)');
  });
  afterAll(() => store.close());

  it('answers in object and array row modes, keeping text where a parser asks for it', async () => {
    await store.query('insert into kv values ($1, $2)', ['a', 1]);
    const objects = await store.query<{ k: string; v: number }>('select k, v from kv where k = $1', ['a']);
    expect(objects.rows).toEqual([{ k: 'a', v: 1 }]);
    const arrays = await store.query<unknown[]>(
      "select k, v, timestamptz '2026-01-02 03:04:05+00' as at from kv where k = 'a'",
      [],
      { rowMode: 'array', parsers: { 1184: (text: string) => text } },
    );
    expect(arrays.rows).toEqual([['a', 1, '2026-01-02 03:04:05+00']]);
  });

  it('refuses a parser that would change values instead of dropping it', async () => {
    await expect(store.query('select 1', [], { parsers: { 23: (text: string) => Number(text) * 2 } })).rejects.toThrow(
      /changes values/,
    );
  });

  it("keeps PostgreSQL's error fields, so a unique violation is still recognised", async () => {
    await store.query("insert into kv values ('dup', 1)");
    const error = await store.query("insert into kv values ('dup', 2)").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 'kv_pkey' });
  });

  it('commits a transaction that resolves, rolls back one that throws, and makes others wait for it', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inside = store.transaction(async (tx) => {
      await tx.query("insert into kv values ('t1', 1)");
      await gate;
      await tx.query("insert into kv values ('t2', 2)");
      return 'done';
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A statement outside the transaction waits for it, as on PGlite's one connection.
    const outside = store.query<{ n: number }>("select count(*)::int as n from kv where k like 't%'");
    let outsideDone = false;
    void outside.then(() => {
      outsideDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outsideDone).toBe(false);
    release();
    expect(await inside).toBe('done');
    expect((await outside).rows).toEqual([{ n: 2 }]);

    const failed = store.transaction(async (tx) => {
      await tx.query("insert into kv values ('r1', 1)");
      throw new Error('changed my mind');
    });
    await expect(failed).rejects.toThrow('changed my mind');
    expect((await store.query("select * from kv where k = 'r1'")).rows).toEqual([]);
  });

  it('dumps the data directory as a gzipped archive', async () => {
    const archive = await store.dumpDataDir();
    const head = new Uint8Array(await archive.slice(0, 2).arrayBuffer());
    expect([...head]).toEqual([0x1f, 0x8b]);
    expect(archive.size).toBeGreaterThan(1000);
  });

  it('fails statements after it stopped with an error that says what to do', async () => {
    const other = await PgliteRemote.start(undefined);
    await other.close();
    await expect(other.query('select 1')).rejects.toThrow(/thread has stopped.*restart the server/);
  });
});

describe('the store thread and the process lifetime', () => {
  it('keeps a process alive while a statement is in flight, and lets it exit when idle', async () => {
    // Built code, as the server runs it: the child has nothing else that keeps it alive.
    const remote = fileURLToPath(new URL('../../../dist/platform/store/pglite-remote.js', import.meta.url));
    const dir = await mkdtemp(path.join(tmpdir(), 'aurora-thread-'));
    const script = path.join(dir, 'query.mjs');
    await writeFile(
      script,
      `const { PgliteRemote } = await import(${JSON.stringify(remote)});
      const store = await PgliteRemote.start(undefined);
      const { rows } = await store.query('select 41 + 1 as answer');
      console.log(rows[0].answer);`,
    );
    try {
      // Resolves only if the child exits by itself: the idle thread must not hold it open.
      const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 60_000 });
      expect(stdout.trim()).toBe('42');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
