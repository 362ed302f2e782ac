import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { repoRoot } from '../lib/report.js';

export async function waitForHttp(port: number, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 1_000 }, (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) < 500);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer on port ${port} within ${timeoutMs} ms`);
}

export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Starts one benchmark backend and waits until it listens. */
export async function startBackend(port: number, delayMs: number): Promise<ChildProcess> {
  const child = fork(path.join(repoRoot, 'bench', 'lb', 'backend.ts'), [String(port), String(delayMs)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'ignore',
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`backend on ${port} exited with ${code}`)));
  });
  return child;
}

/** Spawns a contender and waits until it proxies. */
export async function startContender(
  command: string,
  args: string[],
  port: number,
  what: string,
): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: repoRoot });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2_000);
  });
  try {
    await waitForHttp(port, child, what);
  } catch (error) {
    await stop(child, 'SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return child;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by a process and all its descendants, from /proc. */
export function cpuSeconds(rootPid: number): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses; fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while we listed /proc.
    }
  }
  let total = 0;
  for (const [pid, t] of ticks) {
    let p: number | undefined = pid;
    while (p !== undefined && p > 1 && p !== rootPid) p = parents.get(p);
    if (p === rootPid) total += t;
  }
  return total / TICKS_PER_SECOND;
}
