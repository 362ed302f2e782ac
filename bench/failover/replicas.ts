import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@aurora/sdk/testing';
import { repoRoot } from '../lib/report.js';

/** One `aurora server` process of the set; restarted on the same port after it dies. */
export interface Replica {
  readonly index: number;
  readonly url: string;
  /** Pid of the current process, or 0 while it is down. */
  pid: number;
  child: ChildProcess | undefined;
  exited: Promise<void>;
}

/** Several `aurora server` processes on one PostgreSQL database, each on its own port and data dir. */
export class ReplicaSet {
  readonly replicas: Replica[] = [];
  readonly #dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-failover-'));
  readonly #ports: number[] = [];

  constructor(
    private readonly options: {
      databaseUrl: string;
      count: number;
      env: Record<string, string>;
      /** Where each replica's log (level info) is appended, as replica-N.log; none when unset. */
      logDir?: string | undefined;
    },
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.options.count; i++) this.#ports.push(await freePort());
    for (let i = 0; i < this.options.count; i++) {
      this.replicas.push({
        index: i,
        url: `http://127.0.0.1:${this.#ports[i]}`,
        pid: 0,
        child: undefined,
        exited: Promise.resolve(),
      });
    }
    // The first one migrates the database; the others then start side by side.
    await this.restart(0);
    await Promise.all(this.replicas.slice(1).map((r) => this.restart(r.index)));
  }

  /** Starts the replica's process again (it must be down) and waits until it answers /readyz. */
  async restart(index: number, readyTimeoutMs = 180_000): Promise<void> {
    const replica = this.replicas[index]!;
    const args = [
      path.join(repoRoot, 'packages', 'cli', 'dist', 'main.js'),
      'server',
      '--port',
      String(this.#ports[index]),
      '--data-dir',
      path.join(this.#dataDir, String(index)),
      '--database-url',
      this.options.databaseUrl,
      '--log-level',
      this.options.logDir ? 'info' : 'warn',
    ];
    const logFile = this.options.logDir ? path.join(this.options.logDir, `replica-${index}.log`) : undefined;
    const out = logFile ? openSync(logFile, 'a') : 'ignore';
    const child = spawn(process.execPath, args, {
      // Every replica needs the same key file (it encrypts the audit signing key in the store).
      env: { ...process.env, AURORA_KEY_FILE: path.join(this.#dataDir, 'master.key'), ...this.options.env },
      stdio: ['ignore', out, 'inherit'],
    });
    if (typeof out === 'number') closeSync(out);
    replica.child = child;
    replica.pid = child.pid ?? 0;
    replica.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void replica.exited.then(() => {
      if (replica.child === child) replica.pid = 0;
    });
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`replica ${index} exited during start (${child.exitCode ?? child.signalCode})`);
      }
      try {
        if ((await fetch(`${replica.url}/readyz`, { signal: AbortSignal.timeout(1_000) })).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`replica ${index} not ready after ${readyTimeoutMs} ms`);
  }

  /** The replica whose process has this pid. */
  byPid(pid: number): Replica | undefined {
    return this.replicas.find((r) => r.pid === pid && pid !== 0);
  }

  /** Sends `signal` and waits (bounded) for the process to exit; a graceful stop that hangs is killed. */
  async stopOne(replica: Replica, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    process.kill(replica.pid, signal);
    const timer = setTimeout(() => replica.child?.kill('SIGKILL'), 15_000);
    await replica.exited;
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.filter((r) => r.pid !== 0).map((r) => this.stopOne(r, 'SIGTERM')));
    rmSync(this.#dataDir, { recursive: true, force: true });
  }
}
