import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { toolPath, toolSkip } from '@aurora/sdk/testing';

/**
 * Why the HAProxy tests skip on this machine, or undefined when they run.
 * With AURORA_REQUIRE_HAPROXY=1 a missing binary is an error instead.
 */
export const haproxySkip = (env: NodeJS.ProcessEnv = process.env) => toolSkip('haproxy', env);

export interface RunningHaproxy {
  readonly dir: string;
  readonly socket: string;
  stop(): Promise<void>;
}

/** A scratch directory for a configuration and its Runtime API socket. */
export function haproxyDir(): { dir: string; socket: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-haproxy-'));
  return { dir, socket: path.join(dir, 'admin.sock') };
}

/** Checks `config` with `haproxy -c`, starts it in the foreground and waits until it accepts on `port`. */
export async function startHaproxy(dir: string, socket: string, config: string, port: number): Promise<RunningHaproxy> {
  const bin = toolPath('haproxy', 'haproxy');
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const check = spawnSync(bin, ['-c', '-f', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy -c rejected the configuration:\n${check.stdout}${check.stderr}`);
  const child: ChildProcess = spawn(bin, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${stderr}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    // The Runtime API socket can appear after the frontend listens: wait for both.
    if (up && existsSync(socket)) break;
    if (Date.now() > deadline) {
      throw new Error(`haproxy did not listen on ${port} and ${socket} within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    dir,
    socket,
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
