/**
 * The embedded store's own thread: it owns the PGlite instance and runs what the server's thread
 * asks over messages ({@link ./pglite-remote.ts}). PGlite executes every statement synchronously in
 * Wasm and parses every row in JavaScript, so on the server's thread a fleet's heartbeat flushes
 * and page reads took more than half of the core that also serves HTTP; here they take another.
 *
 * Imports nothing of Aurora's, so the thread starts with PGlite alone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';

export type ThreadRequest =
  | {
      id: number;
      op: 'query';
      tx: number | undefined;
      text: string;
      params: unknown[];
      rowMode: 'array' | 'object';
      keepText: number[];
    }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' };

/** An error as it crosses threads: its message and the fields PostgreSQL set (code, detail, constraint, ...). */
export interface ThreadError {
  message: string;
  fields: Record<string, string | number | boolean>;
}

export type ThreadReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ThreadError };

/** The first message: the instance is open (or why it could not be). */
export type ThreadStarted = { ready: true } | { ready: false; error: ThreadError };

export interface ThreadOptions {
  dataDir: string | undefined;
}

function describe(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { message: String(error), fields: {} };
  const fields: ThreadError['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
  }
  if (error.name !== 'Error') fields.name = error.name;
  return { message: error.message, fields };
}

const keep = (value: string) => value;
const ROLLBACK = Symbol('rollback');

async function serve(port: NonNullable<typeof parentPort>, options: ThreadOptions): Promise<void> {
  let pg: PGlite;
  try {
    pg = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir);
    await pg.waitReady;
    await pg.query('select 1');
  } catch (error) {
    port.postMessage({ ready: false, error: describe(error) } satisfies ThreadStarted);
    return;
  }
  const open = new Map<number, { tx: Transaction; finish: (commit: boolean, endId: number) => void }>();
  const reply = (message: ThreadReply) => port.postMessage(message);

  const begin = (id: number) => {
    let endId = id;
    pg.transaction(async (tx) => {
      const commit = await new Promise<boolean>((resolve) => {
        open.set(id, {
          tx,
          finish: (outcome, end) => {
            endId = end;
            resolve(outcome);
          },
        });
        reply({ id, ok: true, value: id });
      });
      open.delete(id);
      if (!commit) throw ROLLBACK;
    }).then(
      () => reply({ id: endId, ok: true, value: null }),
      (error) =>
        reply(
          error === ROLLBACK ? { id: endId, ok: true, value: null } : { id: endId, ok: false, error: describe(error) },
        ),
    );
  };

  port.on('message', async (request: ThreadRequest) => {
    try {
      switch (request.op) {
        case 'query': {
          const target = request.tx === undefined ? pg : open.get(request.tx)?.tx;
          if (!target) throw new Error(`transaction ${request.tx} is not open`);
          const parsers = Object.fromEntries(request.keepText.map((oid) => [oid, keep]));
          const result = await target.query(request.text, request.params, { rowMode: request.rowMode, parsers });
          reply({ id: request.id, ok: true, value: result });
          return;
        }
        case 'begin':
          begin(request.id);
          return;
        case 'end': {
          const entry = open.get(request.tx);
          if (!entry) throw new Error(`transaction ${request.tx} is not open`);
          entry.finish(request.commit, request.id);
          return;
        }
        case 'dump': {
          // PGlite takes it under its query lock, between two statements: a crash-consistent image.
          const archive = await (await pg.dumpDataDir('gzip')).arrayBuffer();
          port.postMessage({ id: request.id, ok: true, value: archive } satisfies ThreadReply, [archive]);
          return;
        }
        case 'close':
          await pg.close();
          reply({ id: request.id, ok: true, value: null });
          port.close();
          return;
      }
    } catch (error) {
      reply({ id: request.id, ok: false, error: describe(error) });
    }
  });
  port.postMessage({ ready: true } satisfies ThreadStarted);
}

if (parentPort) void serve(parentPort, workerData as ThreadOptions);
