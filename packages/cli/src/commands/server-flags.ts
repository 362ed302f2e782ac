import { existsSync } from 'node:fs';
import { compileConfig, configKeys } from '@aurora/server';
import type { FlagSpecs, ParsedFlags } from '../args.js';
import { stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';

/** Where the store is: what `aurora up`, `aurora server` and `aurora admin` are told alike. */
export const storeFlags: FlagSpecs = {
  config: {
    type: 'string',
    placeholder: 'file',
    description: 'configuration file (AURORA_CONFIG; default ./aurora.yaml if present)',
  },
  'data-dir': {
    type: 'string',
    placeholder: 'dir',
    description:
      'embedded store location; saved admin token, local agent and server URL live here for either store (AURORA_DATA_DIR; default ./.aurora/data)',
  },
  'database-url': {
    type: 'string',
    placeholder: 'url',
    description:
      'use PostgreSQL instead of the embedded store; its saved credentials go to <data-dir>/postgres/<hash of the URL> (AURORA_DATABASE_URL)',
  },
};

/** Flags shared by `aurora up` and `aurora server`; each overrides aurora.yaml and AURORA_* variables. */
export const serverFlags: FlagSpecs = {
  ...storeFlags,
  host: {
    type: 'string',
    placeholder: 'address',
    description: 'address to listen on (AURORA_HOST; default 127.0.0.1)',
  },
  port: {
    type: 'string',
    short: 'p',
    placeholder: 'port',
    description: 'port to listen on (AURORA_PORT; default 7070)',
  },
  'log-level': {
    type: 'string',
    placeholder: 'level',
    description: 'trace, debug, info, warn, error (AURORA_LOG_LEVEL)',
  },
  tls: {
    type: 'boolean',
    description:
      'serve HTTPS with a certificate from the cluster CA and require client certificates of agents; needed with a --host other than loopback (AURORA_TLS)',
  },
  'tls-san': {
    type: 'string',
    placeholder: 'names',
    multiple: true,
    description:
      "DNS name or IP address agents use to reach the server, put in its certificate besides localhost, the loopback addresses, this machine's hostname and a --host that names one address (repeatable or comma-separated; AURORA_TLS_SANS)",
  },
  'tls-cert': {
    type: 'string',
    placeholder: 'file',
    description: 'serve this PEM certificate instead of one from the cluster CA; turns TLS on (AURORA_TLS_CERT)',
  },
  'tls-key': { type: 'string', placeholder: 'file', description: 'PEM private key of --tls-cert (AURORA_TLS_KEY)' },
};

export type ServerConfig = ReturnType<typeof compileConfig>;

/**
 * Compiles the server's configuration from file, environment and flags, in rising precedence.
 * `defaults` are a command's own defaults, applied unless the matching AURORA_* variable or flag is set.
 */
export function configFromFlags(
  flags: ParsedFlags,
  env: NodeJS.ProcessEnv,
  defaults: Record<string, unknown> = {},
): ServerConfig {
  const overrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) {
    const envName = configKeys.find((k) => k.name === key)?.env;
    if (!envName || env[envName] === undefined) overrides[key] = value;
  }
  const port = stringFlag(flags, 'port');
  if (port !== undefined) overrides.port = port;
  const host = stringFlag(flags, 'host');
  if (host !== undefined) overrides.host = host;
  const dataDir = stringFlag(flags, 'data-dir');
  if (dataDir !== undefined) overrides.dataDir = dataDir;
  const databaseUrl = stringFlag(flags, 'database-url');
  if (databaseUrl !== undefined) overrides.databaseUrl = databaseUrl;
  if (flags.tls === true) overrides.tls = true;
  const sans = flags['tls-san'];
  if (Array.isArray(sans) && sans.length > 0) overrides.tlsSans = sans.join(',');
  const tlsCert = stringFlag(flags, 'tls-cert');
  if (tlsCert !== undefined) overrides.tlsCertFile = tlsCert;
  const tlsKey = stringFlag(flags, 'tls-key');
  if (tlsKey !== undefined) overrides.tlsKeyFile = tlsKey;
  const logLevel = stringFlag(flags, 'log-level');
  if (logLevel !== undefined) overrides.logLevel = logLevel;
  const file =
    stringFlag(flags, 'config') ?? env.AURORA_CONFIG ?? (existsSync('aurora.yaml') ? 'aurora.yaml' : undefined);
  try {
    return compileConfig({ env, overrides, ...(file ? { file } : {}) });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 'see `aurora up --help` and the README');
  }
}
