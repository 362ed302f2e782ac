import os from 'node:os';
import { resetAdminToken, Store, StoreLockedError } from '@aurora/server';
import { type CommandSpec, parseFlags } from '../args.js';
import { CliError } from '../cli-error.js';
import { credentialsDir, saveAdminToken } from '../saved-credentials.js';
import { configFromFlags, storeFlags } from './server-flags.js';

export const adminCommand: CommandSpec = {
  name: 'admin',
  summary: 'recover access: give the store a new admin token, with no server running',
  usage: 'aurora admin reset-token [--data-dir ./.aurora/data | --database-url URL]',
  flags: storeFlags,
  examples: [
    'aurora admin reset-token',
    'aurora admin reset-token --data-dir /srv/aurora',
    'aurora admin reset-token --database-url postgres://aurora@db:5432/aurora',
  ],
};

function whoRuns(): { host: string; user?: string } {
  try {
    return { host: os.hostname(), user: os.userInfo().username };
  } catch {
    // No passwd entry for this uid (some containers): the host still says something.
    return { host: os.hostname() };
  }
}

/**
 * Opens the store directly, as only someone with access to the data dir or
 * the database can, and replaces the admin token. The next start records the
 * reset in the audit trail (see resetAdminToken for why not now).
 */
export async function runAdmin(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(adminCommand, argv);
  const [verb] = positionals;
  if (verb !== 'reset-token') {
    throw new CliError(verb ? `unknown verb "${verb}"` : 'what to do?', 'usage: aurora admin reset-token');
  }
  const config = configFromFlags(flags, env);
  let store: Store;
  try {
    store = await Store.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    if (error instanceof StoreLockedError) {
      throw new CliError(
        `the embedded store in ${error.dataDir} is in use by process ${error.pid}`,
        'stop that control plane (Ctrl-C, or kill it), then run this again',
      );
    }
    throw error;
  }
  let token: string;
  try {
    token = await resetAdminToken(store, { now: new Date(), ...whoRuns() });
  } finally {
    await store.close();
  }
  const file = saveAdminToken(credentialsDir(config), token);
  const lines = [
    'New admin token (shown once; the previous one no longer works):',
    '',
    `  ${token}`,
    '',
    `Saved to ${file}. The next start records the reset in the audit trail.`,
  ];
  if (config.databaseUrl) {
    lines.push('Control planes running on this database keep the previous token until restarted: restart each.');
  }
  if (env.AURORA_ADMIN_TOKEN) {
    lines.push('AURORA_ADMIN_TOKEN is set here: a start with it set replaces this token with that one.');
  }
  return lines.join('\n');
}
