/** The data directory is held by another live process (PGlite is single-process). */
export class StoreLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `data dir ${dataDir} is in use by process ${pid}; stop that server first, or start this one with another --data-dir (or AURORA_DATABASE_URL to share a PostgreSQL)`,
    );
    this.name = 'StoreLockedError';
  }
}

/** The data directory exists but cannot be opened as a store; it is left untouched. */
export class StoreDamagedError extends Error {
  constructor(
    readonly path: string,
    cause: string,
  ) {
    super(
      `the store at ${path} is damaged and was not modified (${cause}); restore it from a backup, or move it aside to start with an empty store`,
    );
    this.name = 'StoreDamagedError';
  }
}
