import path from 'node:path';
import { AuroraApiError, AuroraClient } from '@aurora/sdk';
import { readSavedAdminToken } from './admin-token-file.js';
import type { FlagSpecs, ParsedFlags } from './args.js';
import { stringFlag } from './args.js';
import { CliError } from './cli-error.js';

/** Flags every operator verb takes to reach a control plane. */
export const connectionFlags: FlagSpecs = {
  server: {
    type: 'string',
    placeholder: 'url',
    description: 'control plane URL (AURORA_SERVER; default http://127.0.0.1:7070)',
  },
  token: {
    type: 'string',
    placeholder: 'token',
    description: 'admin token (AURORA_TOKEN; default: the one `aurora up` saved in ./.aurora/data)',
  },
};

/** The control plane URL an operator verb talks to: flag, then environment, then this machine's default port. */
export function serverUrl(flags: ParsedFlags, env: NodeJS.ProcessEnv): string {
  return stringFlag(flags, 'server') ?? env.AURORA_SERVER ?? `http://127.0.0.1:${env.AURORA_PORT ?? 7070}`;
}

/** Builds an SDK client from flags, then environment, then the locally saved admin token. */
export function connect(flags: ParsedFlags, env: NodeJS.ProcessEnv): AuroraClient {
  const baseUrl = serverUrl(flags, env);
  const dataDir = env.AURORA_DATA_DIR ?? path.join('.aurora', 'data');
  const token =
    stringFlag(flags, 'token') ?? env.AURORA_TOKEN ?? readSavedAdminToken(dataDir) ?? env.AURORA_ADMIN_TOKEN;
  if (!token) {
    throw new CliError(
      'no admin token',
      'pass --token, set AURORA_TOKEN, or run this from the folder where `aurora up` saved one',
    );
  }
  return new AuroraClient({ baseUrl, token });
}

/** Turns API and network failures into one-line errors with a hint. */
export async function callApi<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
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
