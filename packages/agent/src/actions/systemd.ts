/**
 * systemd units on the allow-list, driven through `systemctl` with an argument vector (no shell).
 * systemd is used only where it runs: `/run/systemd/system` exists (what sd_booted(3) checks) and
 * `systemctl` is on the PATH. Elsewhere (containers, macOS, Windows) a unit action fails as
 * `unavailable` and nothing else changes.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { describeError, failed, type Outcome, succeeded } from './outcome.js';

const TIMEOUT_MS = 90_000;

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** The systemctl to use, or why there is none. */
export async function findSystemctl(): Promise<{ systemctl: string } | { unavailable: string }> {
  if (process.platform !== 'linux') return { unavailable: 'systemd exists on Linux only' };
  if (!(await exists('/run/systemd/system'))) return { unavailable: 'systemd is not running on this machine' };
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir, 'systemctl');
    if (dir && (await exists(candidate))) return { systemctl: candidate };
  }
  return { unavailable: 'systemctl is not on the PATH' };
}

export async function systemctl(verb: 'restart' | 'start' | 'stop', unit: string): Promise<Outcome> {
  const found = await findSystemctl();
  if ('unavailable' in found) return failed('unavailable', found.unavailable, { unit });
  return new Promise((resolve) => {
    execFile(found.systemctl, [verb, unit], { timeout: TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error)
        resolve(failed('error', `systemctl ${verb} ${unit}: ${stderr.trim() || describeError(error)}`, { unit }));
      else resolve(succeeded({ unit, verb }));
    });
  });
}
