/**
 * `npm start` (scripts/start.mjs) run as a real process: when the control plane it
 * started is killed, it must not report success.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-start-'));
let start: ChildProcess | undefined;

afterAll(() => {
  start?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test.skipIf(process.platform !== 'linux')(
  'npm start exits with 137 and says why when its control plane is killed with SIGKILL',
  async () => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'scripts', 'start.mjs'), '--port', '0', '--data-dir', path.join(dir, 'data')],
      {
        cwd: dir,
        env: { ...process.env, AURORA_LOG_LEVEL: 'silent' },
      },
    );
    start = child;
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/Console\s+http:\/\//.test(out)) {
          clearInterval(timer);
          resolve();
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`npm start ended before its banner: ${out}`));
        }
      }, 100);
    });
    // `aurora up` is start.mjs's only child.
    const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
    expect(pids).toHaveLength(1);
    process.kill(pids[0] as number, 'SIGKILL');
    expect(await exited).toBe(137);
    expect(out).toContain('aurora up was stopped by SIGKILL');
  },
  120_000,
);
