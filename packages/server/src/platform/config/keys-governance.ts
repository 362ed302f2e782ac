import { DURATION_FORMS, tryParseDuration } from '@aurora/core';
import type { ConfigKey, Parser } from './keys.js';

// keys.ts imports this file, so its generic parsers are not importable here (a cycle); the two used are written out.

const count =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    return Number.isInteger(n) && n >= min && n <= max
      ? { ok: true, value: n }
      : { ok: false, expected: `must be an integer ${min}-${max}` };
  };

const span =
  (min: number): Parser<number> =>
  (raw) => {
    const ms = tryParseDuration(raw);
    return ms !== undefined && ms >= min
      ? { ok: true, value: ms }
      : { ok: false, expected: `must be a duration of at least ${min} ms: ${DURATION_FORMS}` };
  };

const path: Parser<string> = (raw) =>
  typeof raw === 'string' && raw.length > 0 ? { ok: true, value: raw } : { ok: false, expected: 'must be a file path' };

/** Keys of governance: the key file and the audit checkpoints. */
export const governanceKeys = [
  {
    name: 'keyFile',
    env: 'AURORA_KEY_FILE',
    default: undefined,
    description:
      'file holding the key that encrypts the audit signing key, kept outside the database (default: master.key in dataDir; created on first start; every replica needs the same file)',
    parse: path,
  } satisfies ConfigKey<string>,
  {
    name: 'auditCheckpointEntries',
    env: 'AURORA_AUDIT_CHECKPOINT_ENTRIES',
    default: 1000,
    description: 'the audit chain gets an Ed25519-signed checkpoint after this many entries',
    parse: count(1, 10_000_000),
  } satisfies ConfigKey<number>,
  {
    name: 'auditCheckpointIntervalMs',
    env: 'AURORA_AUDIT_CHECKPOINT_INTERVAL',
    default: 300_000,
    description: 'and at the latest this long after the previous checkpoint, when entries are waiting',
    parse: span(1_000),
  } satisfies ConfigKey<number>,
];
