/**
 * The compiled `aurora` command as a real child process, for tests that drive
 * it the way a user or an init system would: spawn, read the banner, signal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI entry point `npm test` builds with `tsc -b` before the tests run. */
export const cliMain = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

/** A running `aurora` process and everything it has printed so far (stdout and stderr). */
export interface AuroraProcess {
  child: ChildProcess;
  output(): string;
}

/** Starts `aurora <args>` with `env` added to this process's environment. */
export function spawnAurora(args: string[], env: Record<string, string>, cwd: string): AuroraProcess {
  if (!existsSync(cliMain)) throw new Error(`${cliMain} is missing: \`npm test\` builds it with \`tsc -b\` first`);
  const child = spawn(process.execPath, [cliMain, ...args], { cwd, env: { ...process.env, ...env } });
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => out };
}

/** Runs `aurora <args>` to completion. */
export async function runAurora(args: string[], env: Record<string, string>, cwd: string) {
  const run = spawnAurora(args, env, cwd);
  const code = await new Promise<number>((resolve) => run.child.on('exit', (c) => resolve(c ?? -1)));
  return { code, output: run.output() };
}

/** Whether the process has ended; one killed by a signal keeps exitCode null and sets signalCode. */
export function hasExited(run: AuroraProcess): boolean {
  return run.child.exitCode !== null || run.child.signalCode !== null;
}

/** The base URL from the banner of `aurora up` / `aurora server`; rejects if the process ends first. */
export function bannerUrl(run: AuroraProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = /Console\s+(https?:\/\/\S+?)\/\s/.exec(run.output());
      if (match?.[1]) resolve(match[1]);
    };
    run.child.stdout?.on('data', check);
    run.child.stderr?.on('data', check);
    run.child.once('exit', (code, signal) => reject(new Error(`aurora exited (${signal ?? code}): ${run.output()}`)));
    check();
  });
}

/** Sends `signal` and waits until the process is gone. */
export async function stopAurora(run: AuroraProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (hasExited(run)) return;
  const exited = new Promise((r) => run.child.once('exit', r));
  run.child.kill(signal);
  await exited;
}
