/**
 * Aurora's control plane: the HTTP API, store, controllers and console.
 *
 * @example
 * import { compileConfig, startServer } from '@aurora/server';
 * const server = await startServer(compileConfig({ env: process.env }));
 */

export { type AdminTokenReset, resetAdminToken } from './admin-token.js';
export { decodeState, encodeState, resume, type StoredSnapshot } from './detection/index.js';
export {
  type AuditCheckpoint,
  AuditLog,
  type AuditRow,
  AuditSigner,
  type AuditVerification,
  Authorizer,
  type AuthzDecision,
  type AuthzOutcome,
  PolicyEngine,
  readPublicKey,
  SHIPPED_POLICIES,
  verifyChain,
} from './governance/index.js';
export { type Clock, ManualClock } from './platform/clock.js';
export {
  type AuroraConfig,
  ConfigError,
  type ConfigKey,
  type ConfigSources,
  compileConfig,
  configKeys,
} from './platform/config/index.js';
export { type ErrorCode, errorCatalogue } from './platform/http/errors.js';
export {
  type DatabaseContents,
  dumpEmbeddedStore,
  embeddedStoreExists,
  embeddedStoreHolder,
  inspectDatabase,
  isEmbeddedArchive,
  type RestoredStore,
  restoreEmbeddedStore,
  SchemaVersionError,
  Store,
  StoreDamagedError,
  StoreLockedError,
} from './platform/store/index.js';
export { type RunningServer, type StartOptions, startServer } from './server.js';
export { type ExposedSample, formatExposition, parseExposition, type SamplesIngested } from './telemetry/index.js';
export { encodeWriteRequest, type WireTimeSeries, type WireWriteRequest } from './telemetry/remote-write/proto.js';
