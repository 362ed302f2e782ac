/**
 * pg_dump and pg_restore, from the PostgreSQL client tools: found on PATH or
 * where Debian installs them, run as child processes whose `--verbose` lines
 * become progress, and whose failures become one error that names the fix.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli-error.js';

const INSTALL =
  'install the PostgreSQL client tools of your server major version or newer (Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install libpq), or put their bin directory on PATH';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of `name` (pg_dump, pg_restore): PATH first, then Debian's /usr/lib/postgresql/N/bin, newest first. */
export function findPgTool(name: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    if (executable(file)) return file;
  }
  let versions: string[] = [];
  try {
    versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  } catch {
    // Not Debian's layout.
  }
  for (const version of versions) {
    const file = path.join('/usr/lib/postgresql', version, 'bin', name);
    if (executable(file)) return file;
  }
  throw new CliError(`${name} not found: backing up and restoring PostgreSQL uses it`, INSTALL);
}

/** Turns a `--verbose` line into a short progress line, or undefined for chatter. */
function progressLine(tool: string, line: string): string | undefined {
  const text = line.replace(/^pg_(dump|restore): /, '');
  const table = /(?:dumping contents of table|processing data for table) "?([^"\s]+)"?/.exec(text);
  if (table?.[1]) return `${tool}: table ${table[1]}`;
  if (/^(error|warning|fatal):/i.test(text)) return `${tool}: ${text}`;
  return undefined;
}

/**
 * Runs a pg tool; each table it reaches is reported through `progress` with a
 * running count and the time so far. Rejects with the tool's own error lines.
 */
export function runPgTool(
  file: string,
  args: string[],
  progress: (line: string) => void,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const tool = path.basename(file);
  const started = Date.now();
  let tables = 0;
  const errors: string[] = [];
  return new Promise((resolve, reject) => {
    // The password, if any, stays in the URL argument's place of PGPASSWORD/.pgpass; nothing is logged.
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let rest = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (/error|fatal/i.test(line)) errors.push(line.trim());
        const shown = progressLine(tool, line);
        if (!shown) continue;
        if (shown.includes(': table ')) tables++;
        progress(`${shown} (${tables} tables, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    });
    child.on('error', (error) => reject(new CliError(`${tool}: ${error.message}`, INSTALL)));
    child.on('close', (code) => {
      if (rest) errors.push(rest.trim());
      if (code === 0) resolve();
      else reject(new CliError(`${tool} failed (exit ${code}): ${errors.slice(-3).join(' | ') || 'no message'}`));
    });
  });
}
