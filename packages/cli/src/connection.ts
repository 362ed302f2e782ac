import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AuroraApiError, AuroraClient } from '@aurora/sdk';
import { Agent, fetch as undiciFetch } from 'undici';
import type { FlagSpecs, ParsedFlags } from './args.js';
import { stringFlag } from './args.js';
import { CliError } from './cli-error.js';
import { credentialsDir, readSavedAdminToken, readSavedClusterCa, readSavedServerUrl } from './saved-credentials.js';

/** Flags every operator verb takes to reach a control plane. */
export const connectionFlags: FlagSpecs = {
  server: {
    type: 'string',
    placeholder: 'url',
    description:
      'control plane URL (AURORA_SERVER; default: the one saved in the data dir by `aurora up`, else http://127.0.0.1:7070)',
  },
  token: {
    type: 'string',
    placeholder: 'token',
    description: 'admin token (AURORA_TOKEN; default: the one `aurora up` saved in the data dir)',
  },
  'data-dir': {
    type: 'string',
    placeholder: 'dir',
    description:
      'the --data-dir `aurora up` ran with, to use the URL, admin token and cluster CA it saved (AURORA_DATA_DIR; default ./.aurora/data)',
  },
  'ca-file': {
    type: 'string',
    placeholder: 'file',
    description:
      "PEM CA to trust for an https:// server (AURORA_CA_FILE; default: the cluster CA saved in the data dir, else the system's)",
  },
};

/**
 * The CA an https:// control plane is verified with: --ca-file, AURORA_CA_FILE,
 * or the cluster CA the server saved beside its URL; undefined means the system's roots.
 */
export function trustedCa(flags: ParsedFlags, env: NodeJS.ProcessEnv): string | undefined {
  const file = stringFlag(flags, 'ca-file') ?? env.AURORA_CA_FILE;
  if (file) {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(`--ca-file ${file}: cannot be read (${(error as Error).message})`, 'fix the path');
    }
  }
  return readSavedClusterCa(savedCredentials(flags, env));
}

/** A `fetch` that trusts `ca` for HTTPS; the global one when there is none to add. */
export function fetchTrusting(ca: string | undefined): typeof fetch | undefined {
  if (!ca) return undefined;
  const dispatcher = new Agent({ connect: { ca } });
  const bound = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    });
  // undici's Response is the WHATWG Response the global type describes.
  return bound as unknown as typeof fetch;
}

/**
 * The folder where `aurora up` saved the URL and token of the store an
 * operator means: --data-dir, else AURORA_DATA_DIR, else the default; with
 * AURORA_DATABASE_URL set, that database's folder inside it.
 */
function savedCredentials(flags: ParsedFlags, env: NodeJS.ProcessEnv): string {
  const dataDir = stringFlag(flags, 'data-dir') ?? env.AURORA_DATA_DIR ?? path.join('.aurora', 'data');
  return credentialsDir({ dataDir, databaseUrl: env.AURORA_DATABASE_URL });
}

/** The admin token saved for the store an operator means (see {@link savedCredentials}), if any. */
export function savedAdminToken(flags: ParsedFlags, env: NodeJS.ProcessEnv): string | undefined {
  return readSavedAdminToken(savedCredentials(flags, env));
}

/**
 * The control plane URL an operator verb talks to: flag, environment
 * (AURORA_SERVER, then AURORA_PORT on this machine), the URL `aurora up`
 * saved in the data dir, then this machine's default port.
 */
export function serverUrl(flags: ParsedFlags, env: NodeJS.ProcessEnv): string {
  return (
    stringFlag(flags, 'server') ??
    env.AURORA_SERVER ??
    (env.AURORA_PORT ? `http://127.0.0.1:${env.AURORA_PORT}` : undefined) ??
    readSavedServerUrl(savedCredentials(flags, env)) ??
    'http://127.0.0.1:7070'
  );
}

/** Builds an SDK client from flags, then environment, then the locally saved admin token. */
export function connect(flags: ParsedFlags, env: NodeJS.ProcessEnv): AuroraClient {
  return new AuroraClient(connectionOf(flags, env));
}

/** The URL and admin token an operator verb uses (see {@link connect}), for calls outside the SDK. */
export function connectionOf(
  flags: ParsedFlags,
  env: NodeJS.ProcessEnv,
): { baseUrl: string; token: string; fetch?: typeof fetch } {
  const baseUrl = serverUrl(flags, env);
  const token = stringFlag(flags, 'token') ?? env.AURORA_TOKEN ?? savedAdminToken(flags, env) ?? env.AURORA_ADMIN_TOKEN;
  if (!token) {
    throw new CliError(
      'no admin token',
      'pass --token, set AURORA_TOKEN, or give the --data-dir where `aurora up` saved one (default ./.aurora/data)',
    );
  }
  const trusted = baseUrl.startsWith('https:') ? fetchTrusting(trustedCa(flags, env)) : undefined;
  return { baseUrl, token, ...(trusted ? { fetch: trusted } : {}) };
}

/** Turns API and network failures into one-line errors with a hint. */
export async function callApi<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // Already said in the CLI's words (e.g. Cedar's messages placed in a file).
    if (error instanceof CliError) throw error;
    if (error instanceof AuroraApiError) {
      const hint =
        error.status === 401
          ? 'check --token / AURORA_TOKEN: the control plane did not accept it'
          : error.status === 404
            ? 'list what exists with `aurora nodes`'
            : undefined;
      throw new CliError(`${what}: ${error.message}`, hint, 1);
    }
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`${what}: ${message}${cause}`, 'is the control plane running? start it with `npm start`', 1);
  }
}
