export { type DatabaseContents, inspectDatabase } from './database-contents.js';
export {
  dumpEmbeddedStore,
  embeddedStoreExists,
  embeddedStoreHolder,
  isEmbeddedArchive,
  type RestoredStore,
  restoreEmbeddedStore,
} from './embedded-backup.js';
export type { Db, EngineKind, Tx } from './engine.js';
export { StoreDamagedError, StoreLockedError } from './errors.js';
export type { HeartbeatNodeUpdate, HeartbeatWrite, IngestResult } from './ingest-repo.js';
export {
  FencedWriteError,
  type NodeChange,
  type NodeFilter,
  type NodePagePosition,
  type NodeRow,
  type NodeSort,
  type NodeTransitionRow,
  sortValueOf,
} from './node-repo.js';
export type { StoredHealth } from './schema.js';
export { type MigrationMode, SchemaVersionError } from './schema-version.js';
export { Store, type StoreOptions } from './store.js';
export type { JoinTokenRow } from './token-repo.js';
