/**
 * Every child process of the fault bench, each in its own process group, so one signal reaches what
 * it started too (an agent's supervised services, a workload's children). Stopping is bounded:
 * SIGTERM, then SIGKILL after a grace period; on exit whatever is left gets SIGKILL.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

const children = new Set<ChildProcess>();

export function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Starts a child in a new process group and keeps it until it is stopped. */
export function start(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'], ...options, detached: true });
  children.add(child);
  child.once('exit', () => {
    // The group may outlive its leader (services of a killed agent): it is ended with it.
    signalGroup(child, 'SIGKILL');
    children.delete(child);
  });
  return child;
}

/** SIGTERM to the child's group, SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stop(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (!alive(child)) {
    signalGroup(child, 'SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  // A stopped (SIGSTOP) member would never see the SIGTERM.
  signalGroup(child, 'SIGCONT');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running, agents before the control plane when given in that order. */
export async function stopAll(first: ChildProcess[] = []): Promise<void> {
  for (const child of first) await stop(child);
  await Promise.all([...children].map((c) => stop(c)));
}

/** Last resort on exit (synchronous): SIGKILL to every group left. */
export function killAllNow(): void {
  for (const child of children) signalGroup(child, 'SIGKILL');
}
