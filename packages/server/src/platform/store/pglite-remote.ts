import { Worker } from 'node:worker_threads';
import type { QueryOptions, Results } from '@electric-sql/pglite';
import type { ThreadError, ThreadOptions, ThreadReply, ThreadRequest, ThreadStarted } from './pglite-thread.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Outgoing = ThreadRequest extends infer R ? (R extends ThreadRequest ? Omit<R, 'id'> : never) : never;

/** What Drizzle's PGlite driver calls on a client and on a transaction handle. */
export interface QueryClient {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
}

function rebuild(error: ThreadError): Error {
  // A new Error here, so the stack shows which of the server's statements failed.
  return Object.assign(new Error(error.message), error.fields);
}

// Drizzle's driver passes parsers that keep timestamps, intervals and dates as PostgreSQL's text.
// Functions cannot cross to another thread, so the store's thread applies the same "keep the text"
// parser to those type ids; a parser that would change a value is refused, not silently dropped.
const keptTypes = new WeakMap<object, number[]>();
function keepTextTypes(parsers: QueryOptions['parsers']): number[] {
  if (!parsers) return [];
  const known = keptTypes.get(parsers);
  if (known) return known;
  const oids = Object.entries(parsers).map(([oid, parse]) => {
    const probe = '2026-01-01 00:00:00+00';
    if (parse(probe, Number(oid)) !== probe) {
      throw new Error(
        `type ${oid}'s parser changes values; only parsers that keep PostgreSQL's text cross to the store thread`,
      );
    }
    return Number(oid);
  });
  keptTypes.set(parsers, oids);
  return oids;
}

function threadEntry(): { entry: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./pglite-thread.js', import.meta.url), eval: false };
  // Run from the TypeScript sources (tests, `--import tsx`): the thread registers tsx before its entry.
  const source = JSON.stringify(new URL('./pglite-thread.ts', import.meta.url).href);
  return {
    entry: `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); });`,
    eval: true,
  };
}

/**
 * PGlite on a thread of its own, with the query and transaction calls Drizzle's PGlite driver
 * makes. Statements still run one at a time, as on the single embedded connection; a transaction
 * holds the instance from `begin` to `end`, and other statements wait for it, as in PGlite itself.
 */
export class PgliteRemote implements QueryClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stopped: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: ThreadReply) => this.#settle(reply));
    worker.on('error', (error) => this.#stop(error));
    worker.on('exit', (code) => this.#stop(new Error(`exited with code ${code}`)));
  }

  /** Starts the thread and opens PGlite in `dataDir` (in memory when undefined). */
  static async start(dataDir: string | undefined): Promise<PgliteRemote> {
    const { entry, eval: isEval } = threadEntry();
    const worker = new Worker(entry, { eval: isEval, workerData: { dataDir } satisfies ThreadOptions });
    let onExit = (_code: number) => {};
    let onError = (_error: Error) => {};
    const started = await new Promise<ThreadStarted>((resolve, reject) => {
      onError = reject;
      onExit = (code) => reject(new Error(`the store's thread exited with code ${code} while opening`));
      worker.once('message', resolve);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    worker.off('error', onError);
    worker.off('exit', onExit);
    if (!started.ready) {
      await worker.terminate();
      throw rebuild(started.error);
    }
    // The thread keeps the process alive only while a statement is in flight, as a socket would.
    worker.unref();
    return new PgliteRemote(worker);
  }

  async query<T>(text: string, params: unknown[] = [], options?: QueryOptions, tx?: number): Promise<Results<T>> {
    return (await this.#ask({
      op: 'query',
      tx,
      text,
      params,
      rowMode: options?.rowMode ?? 'object',
      keepText: keepTextTypes(options?.parsers),
    })) as Results<T>;
  }

  /** Runs `fn` inside one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(fn: (tx: QueryClient) => Promise<T>): Promise<T> {
    const id = (await this.#ask({ op: 'begin' })) as number;
    const handle: QueryClient = {
      query: <R>(text: string, params?: unknown[], options?: QueryOptions) => this.query<R>(text, params, options, id),
    };
    let result: T;
    try {
      result = await fn(handle);
    } catch (error) {
      await this.#ask({ op: 'end', tx: id, commit: false });
      throw error;
    }
    await this.#ask({ op: 'end', tx: id, commit: true });
    return result;
  }

  /** The data directory as a gzipped tar, taken between two statements. */
  async dumpDataDir(): Promise<Blob> {
    return new Blob([(await this.#ask({ op: 'dump' })) as ArrayBuffer], { type: 'application/x-gzip' });
  }

  async close(): Promise<void> {
    if (this.#stopped) return;
    await this.#ask({ op: 'close' });
    await this.#worker.terminate();
  }

  #ask(request: Outgoing): Promise<unknown> {
    if (this.#stopped) {
      return Promise.reject(
        new Error(`the embedded store's thread has stopped (${this.#stopped.message}); restart the server`),
      );
    }
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id } as ThreadRequest);
    });
  }

  #settle(reply: ThreadReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(rebuild(reply.error));
  }

  #stop(cause: Error): void {
    this.#stopped ??= cause;
    for (const pending of this.#pending.values()) {
      pending.reject(new Error(`the embedded store's thread has stopped (${cause.message}); restart the server`));
    }
    this.#pending.clear();
  }
}
