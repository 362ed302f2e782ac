import { sql } from 'drizzle-orm';
import type { Db, EngineKind, StoreEngine } from './engine.js';
import { IngestRepo } from './ingest-repo.js';
import { NodeRepo } from './node-repo.js';
import { openPgliteEngine } from './pglite-engine.js';
import { openPostgresEngine } from './postgres-engine.js';
import type { MigrationMode } from './schema-version.js';
import { SettingsRepo } from './settings-repo.js';
import { TokenRepo } from './token-repo.js';

/** Where the store lives: PostgreSQL when `databaseUrl` is set, otherwise PGlite in `dataDir` (in memory if neither). */
export interface StoreOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** PostgreSQL schema to use instead of `public`. */
  schemaName?: string;
  /** `auto` (default) applies pending migrations; `off` refuses to open a database they would change. */
  migrations?: MigrationMode;
}

/** The control plane's store: one typed query layer over either engine. */
export class Store {
  readonly settings: SettingsRepo;
  readonly tokens: TokenRepo;
  readonly nodes: NodeRepo;
  readonly ingest: IngestRepo;
  #migrated = false;

  private constructor(private readonly engine: StoreEngine) {
    this.settings = new SettingsRepo(engine.db);
    this.tokens = new TokenRepo(engine.db);
    this.nodes = new NodeRepo(engine.db);
    this.ingest = new IngestRepo(engine.db);
  }

  /** Opens the engine and applies pending migrations. */
  static async open(options: StoreOptions): Promise<Store> {
    const engine = options.databaseUrl
      ? await openPostgresEngine(options.databaseUrl, options.schemaName ? { schemaName: options.schemaName } : {})
      : await openPgliteEngine(options.dataDir);
    const store = new Store(engine);
    try {
      await engine.migrate(options.migrations ?? 'auto');
    } catch (error) {
      await engine.close();
      throw error;
    }
    store.#migrated = true;
    return store;
  }

  get kind(): EngineKind {
    return this.engine.kind;
  }

  /** The Drizzle database, for capabilities that own further tables. */
  get db(): Db {
    return this.engine.db;
  }

  /**
   * Where the leader lease is renewed: on PostgreSQL a pool of one connection apart from the
   * one requests use, since a renewal that waits behind a burst of them past its deadline would
   * depose a healthy leader; the embedded store has one connection anyway.
   */
  get leaseDb(): Db {
    return this.engine.leaseDb ?? this.engine.db;
  }

  /** Whether the store answers and its migrations are applied. */
  async ready(): Promise<boolean> {
    if (!this.#migrated) return false;
    try {
      await this.engine.db.execute(sql`select 1`);
      return true;
    } catch {
      return false;
    }
  }

  /** The embedded store as a gzipped tar of its data directory, consistent while it serves; see StoreEngine.dump. */
  async dumpEmbedded(): Promise<Blob> {
    if (!this.engine.dump)
      throw new Error('only the embedded store is dumped in process; back PostgreSQL up with pg_dump');
    return this.engine.dump();
  }

  close(): Promise<void> {
    this.#migrated = false;
    return this.engine.close();
  }
}
