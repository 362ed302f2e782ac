/**
 * kill-process: signals every process whose name is on the allow-list, or every process of an
 * allow-listed cgroup (v2). Processes are found in /proc, so this is Linux only; elsewhere the
 * action fails as `unavailable`. The agent never signals itself.
 */
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError, failed, type Outcome, succeeded } from './outcome.js';

/** Linux keeps 15 characters of a process name in /proc/PID/comm. */
const COMM_LENGTH = 15;

async function processName(pid: number): Promise<{ comm: string; argv0: string } | undefined> {
  try {
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return { comm, argv0: path.basename(cmdline.split('\0')[0] ?? '') };
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

/** Pids whose name is `name`: /proc/PID/comm (as Linux truncates it), or the file name of argv[0]. */
export async function pidsNamed(name: string): Promise<number[]> {
  const entries = await readdir('/proc');
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const names = await processName(pid);
    if (names && (names.comm === name.slice(0, COMM_LENGTH) || names.argv0 === name)) {
      // A truncated comm alone could be another program that shares the first 15 characters.
      if (name.length > COMM_LENGTH && names.argv0 !== name) continue;
      pids.push(pid);
    }
  }
  return pids;
}

function signalAll(pids: number[], signal: NodeJS.Signals) {
  const signalled: number[] = [];
  const errors: string[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      signalled.push(pid);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') errors.push(`${pid}: ${describeError(error)}`);
    }
  }
  return { signalled, errors };
}

export async function killByName(name: string, signal: NodeJS.Signals): Promise<Outcome> {
  if (process.platform !== 'linux') return failed('unavailable', `finding processes by name needs Linux's /proc`);
  const pids = await pidsNamed(name);
  const { signalled, errors } = signalAll(pids, signal);
  if (errors.length > 0 && signalled.length === 0) return failed('error', errors.join('; '), { name, signal });
  return succeeded({ name, signal, pids: signalled, ...(errors.length > 0 ? { errors } : {}) });
}

/** The directory of a cgroup v2 path: the unified hierarchy, or its hybrid mount. */
async function cgroupDir(cgroup: string): Promise<string | undefined> {
  for (const base of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    const dir = path.posix.join(base, cgroup);
    if (
      await access(path.posix.join(dir, 'cgroup.procs')).then(
        () => true,
        () => false,
      )
    )
      return dir;
  }
  return undefined;
}

export async function killByCgroup(cgroup: string, signal: NodeJS.Signals): Promise<Outcome> {
  if (process.platform !== 'linux') return failed('unavailable', 'cgroups exist on Linux only');
  const dir = await cgroupDir(cgroup);
  if (!dir) return failed('not-found', `no cgroup ${cgroup} under /sys/fs/cgroup`);
  try {
    const pids = (await readFile(path.posix.join(dir, 'cgroup.procs'), 'utf8'))
      .split('\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number)
      .filter((pid) => pid !== process.pid);
    // cgroup.kill (Linux 5.14) kills the whole group at once, including processes forked meanwhile.
    if (
      signal === 'SIGKILL' &&
      (await access(path.posix.join(dir, 'cgroup.kill')).then(
        () => true,
        () => false,
      ))
    ) {
      await writeFile(path.posix.join(dir, 'cgroup.kill'), '1');
      return succeeded({ cgroup, signal, pids, via: 'cgroup.kill' });
    }
    const { signalled, errors } = signalAll(pids, signal);
    return succeeded({ cgroup, signal, pids: signalled, ...(errors.length > 0 ? { errors } : {}) });
  } catch (error) {
    return failed('error', describeError(error), { cgroup });
  }
}
