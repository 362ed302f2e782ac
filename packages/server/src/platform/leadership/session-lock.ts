import pg from 'pg';

/** A lock held by one database session: granted to one waiter at a time, let go when the session ends. */
export interface SessionLock {
  /**
   * Waits until this replica holds the lock; `lost` resolves when it no longer does (released,
   * or the session ended). Rejects when the session cannot be opened or fails while waiting.
   */
  acquire(): Promise<{ lost: Promise<void> }>;
  /** Lets go of the lock (or stops waiting for it) and ends the session. */
  release(): Promise<void>;
  /** Releases, and refuses every later `acquire`. */
  close(): Promise<void>;
}

/**
 * A PostgreSQL session advisory lock on a connection of its own. PostgreSQL releases it the
 * moment the holder's session ends, a killed process's included (its socket closes), and hands
 * it to the next waiter at once: so a follower waiting here learns of a dead or departing leader
 * without waiting for its lease to expire. Needs a real session: not through a pooler in
 * transaction mode.
 */
export class AdvisoryLock implements SessionLock {
  #client: pg.Client | undefined;
  #closed = false;

  constructor(
    private readonly connectionString: string,
    /** Names the lock; hashed to PostgreSQL's 64-bit key, so give each store (schema) and lease its own. */
    private readonly name: string,
  ) {}

  async acquire(): Promise<{ lost: Promise<void> }> {
    await this.release();
    if (this.#closed) throw new Error('the lock is closed');
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'aurora leader lock' });
    this.#client = client;
    let ended!: () => void;
    const lost = new Promise<void>((resolve) => {
      ended = resolve;
    });
    client.on('error', () => ended());
    client.on('end', () => ended());
    try {
      await client.connect();
      await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [this.name]);
    } catch (error) {
      if (this.#client === client) this.#client = undefined;
      await client.end().catch(() => undefined);
      throw error;
    }
    return { lost };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.release();
  }

  async release(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    // Ending the session lets go of the lock, or of a wait for it, on the server side.
    await client?.end().catch(() => undefined);
  }
}
