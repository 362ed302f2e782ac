import type { ConfigKey } from './keys.js';
import { duration, integer, text } from './parsers.js';

/** Keys of governance: the key file and the audit checkpoints. */
export const governanceKeys = [
  {
    name: 'keyFile',
    env: 'AURORA_KEY_FILE',
    default: undefined,
    description:
      'file holding the key that encrypts the audit signing key, the cluster CA key and the session signing key, kept outside the database (default: master.key in dataDir; created on first start; every replica needs the same file)',
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
  {
    name: 'loginMaxFailures',
    env: 'AURORA_LOGIN_MAX_FAILURES',
    default: 5,
    description: 'consecutive failed logins that lock a user for loginLockoutMs',
    parse: integer(1, 1000),
  } satisfies ConfigKey<number>,
  {
    name: 'loginLockoutMs',
    env: 'AURORA_LOGIN_LOCKOUT',
    default: 900_000,
    description: 'how long a locked user cannot log in (an admin setting its password unlocks it)',
    parse: duration(1_000),
  } satisfies ConfigKey<number>,
  {
    name: 'authFailuresPerIp',
    env: 'AURORA_AUTH_FAILURES_PER_IP',
    default: 20,
    description:
      'failed logins and wrong bearer tokens one source address may send within authFailureWindowMs; then it gets 429 with Retry-After',
    parse: integer(1, 10_000_000),
  } satisfies ConfigKey<number>,
  {
    name: 'authFailureWindowMs',
    env: 'AURORA_AUTH_FAILURE_WINDOW',
    default: 900_000,
    description: 'the sliding window of authFailuresPerIp',
    parse: duration(1_000),
  } satisfies ConfigKey<number>,
  {
    name: 'accessTokenTtlMs',
    env: 'AURORA_ACCESS_TOKEN_TTL',
    default: 900_000,
    description: 'lifetime of the access token (JWT) a login or refresh hands out',
    parse: duration(10_000),
  } satisfies ConfigKey<number>,
  {
    name: 'sessionTtlMs',
    env: 'AURORA_SESSION_TTL',
    default: 43_200_000,
    description: 'lifetime of a login session: its refresh token works until then, then the user logs in again',
    parse: duration(60_000),
  } satisfies ConfigKey<number>,
  {
    name: 'rateLimitMax',
    env: 'AURORA_RATE_LIMIT_MAX',
    default: 1200,
    description:
      'requests one credential (each agent, session and token has its own), or one address without a credential, may send per rateLimitWindowMs; then 429 with Retry-After',
    parse: integer(1, 100_000_000),
  } satisfies ConfigKey<number>,
  {
    name: 'rateLimitWindowMs',
    env: 'AURORA_RATE_LIMIT_WINDOW',
    default: 60_000,
    description: 'the window of rateLimitMax',
    parse: duration(1_000),
  } satisfies ConfigKey<number>,
];
