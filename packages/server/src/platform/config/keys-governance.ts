import type { ConfigKey } from './keys.js';
import { duration, integer, text } from './parsers.js';

/** Keys of governance: the key file and the audit checkpoints. */
export const governanceKeys = [
  {
    name: 'keyFile',
    env: 'AURORA_KEY_FILE',
    default: undefined,
    description:
      'file holding the key that encrypts the audit signing key, kept outside the database (default: master.key in dataDir; created on first start; every replica needs the same file)',
    parse: text(undefined, 'must be a file path'),
  } satisfies ConfigKey<string>,
  {
    name: 'auditCheckpointEntries',
    env: 'AURORA_AUDIT_CHECKPOINT_ENTRIES',
    default: 1000,
    description: 'the audit chain gets an Ed25519-signed checkpoint after this many entries',
    parse: integer(1, 10_000_000),
  } satisfies ConfigKey<number>,
  {
    name: 'auditCheckpointIntervalMs',
    env: 'AURORA_AUDIT_CHECKPOINT_INTERVAL',
    default: 300_000,
    description: 'and at the latest this long after the previous checkpoint, when entries are waiting',
    parse: duration(1_000),
  } satisfies ConfigKey<number>,
];
