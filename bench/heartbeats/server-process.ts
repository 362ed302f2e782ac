import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@aurora/sdk/testing';
import pg from 'pg';
import { repoRoot } from '../lib/report.js';

/** A control plane running as its own process, so its CPU is measured apart from the load generator's. */
export interface ServerUnderTest {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} not ready after ${timeoutMs} ms`);
}

/** Creates an empty PostgreSQL database for one run and returns its URL and a function that drops it. */
export async function freshPostgresDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `aurora_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Starts `aurora server` from the compiled CLI on a free port with a throw-away data dir. */
export async function startServerProcess(options: {
  adminToken: string;
  databaseUrl?: string;
  heartbeatIntervalMs: number;
  /** Further AURORA_* settings. */
  env?: Record<string, string>;
  /** How long to wait for /readyz (default 60 s; a loaded machine may need more). */
  readyTimeoutMs?: number;
}): Promise<ServerUnderTest> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-bench-'));
  const nodeFlags = (process.env.AURORA_BENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const args = [
    ...nodeFlags,
    path.join(repoRoot, 'packages', 'cli', 'dist', 'main.js'),
    'server',
    '--port',
    String(port),
  ];
  args.push('--data-dir', dataDir, '--log-level', 'warn');
  if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      AURORA_ADMIN_TOKEN: options.adminToken,
      AURORA_HEARTBEAT_INTERVAL_MS: String(options.heartbeatIntervalMs),
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    // A server that never got ready must not outlive the run.
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
