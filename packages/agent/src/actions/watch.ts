/**
 * Metrics about what the allow-list lets the control plane act on, so an alert can say which node
 * needs the action: the bytes of regular files under each cleanup root (`clean.bytes`), and the
 * CPU and count of the processes of each name the agent may kill (`process.cpu_pct`,
 * `process.count`). A machine-wide disk or CPU figure cannot tell a filling cache or a runaway job
 * from everything else on the machine; these can.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MetricSample } from '@aurora/sdk';
import type { CompiledActions } from './config.js';
import { pidsNamed } from './kill.js';

/** A root's walk stops after this many entries, so a huge tree costs a bounded time per collection. */
export const MAX_WATCH_ENTRIES = 50_000;
/** Linux's USER_HZ: /proc/PID/stat counts CPU time in hundredths of a second on every architecture it runs on. */
const TICKS_PER_SECOND = 100;

/** Bytes of the regular files in `root` and below (links neither followed nor counted), up to `maxEntries` entries. */
export async function treeBytes(root: string, maxEntries = MAX_WATCH_ENTRIES): Promise<number> {
  let total = 0;
  let seen = 0;
  const dirs = [root];
  while (dirs.length > 0 && seen < maxEntries) {
    const dir = dirs.pop() as string;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    for (const entry of entries) {
      if (++seen > maxEntries) break;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) dirs.push(full);
      else if (entry.isFile())
        total += await lstat(full).then(
          (s) => s.size,
          () => 0,
        );
    }
  }
  return total;
}

/** CPU time (user + system, in ticks) of a process from /proc/PID/stat, or undefined when it is gone. */
export async function cpuTicks(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  } catch {
    return undefined;
  }
}

export class AllowListWatch {
  /** CPU ticks per pid at the previous collection, and when that was. */
  #ticks = new Map<number, number>();
  #at: number | undefined;

  constructor(private readonly actions: Pick<CompiledActions, 'cleanRoots' | 'killNames'>) {}

  async samples(ts: number): Promise<MetricSample[]> {
    const out: MetricSample[] = [];
    for (const root of this.actions.cleanRoots) {
      out.push({ ts, name: 'clean.bytes', value: await treeBytes(root), labels: { root } });
    }
    if (process.platform !== 'linux' || this.actions.killNames.size === 0) return out;
    const ticks = new Map<number, number>();
    const elapsedS = this.#at === undefined ? 0 : (ts - this.#at) / 1000;
    for (const name of this.actions.killNames) {
      const pids = await pidsNamed(name).catch(() => [] as number[]);
      let used = 0;
      for (const pid of pids) {
        const now = await cpuTicks(pid);
        if (now === undefined) continue;
        ticks.set(pid, now);
        // A process first seen now has no rate yet: its time before this collection is not known to be recent.
        const before = this.#ticks.get(pid);
        if (before !== undefined && now >= before) used += now - before;
      }
      out.push({ ts, name: 'process.count', value: pids.length, labels: { name } });
      if (elapsedS > 0) {
        out.push({ ts, name: 'process.cpu_pct', value: (used / TICKS_PER_SECOND / elapsedS) * 100, labels: { name } });
      }
    }
    this.#ticks = ticks;
    this.#at = ts;
    return out;
  }
}
