/**
 * What the console's end-to-end tests use: where Chromium is, building the console when its
 * sources changed, the real `aurora server` as a child process, reading what a chart draws,
 * and writing series as Prometheus would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolPath, toolSkip } from '@aurora/sdk/testing';
import { encodeWriteRequest } from '@aurora/server';
import type { Page } from 'playwright-core';

/** Chromium on PATH (Debian's /usr/bin/chromium); AURORA_CHROMIUM_PATH points elsewhere. Call once the suite runs. */
export const chromiumPath = () => toolPath('browser', 'chromium');
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const consoleDir = fileURLToPath(new URL('../..', import.meta.url));

/** Why the browser test skips here (undefined when it runs); throws with AURORA_REQUIRE_BROWSER=1 and no browser. */
export const browserSkip = toolSkip('browser');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the console when dist/ is missing or older than its sources, so the test never drives a stale bundle. */
export async function ensureConsoleBuilt(): Promise<void> {
  const index = path.join(consoleDir, 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(path.join(consoleDir, 'src')),
    statSync(path.join(consoleDir, 'index.html')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: consoleDir,
      configFile: path.join(consoleDir, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

export function pointsOf(page: Page, testId: string, attribute = 'data-points'): Promise<number> {
  return page.getByTestId(testId).evaluate((el, a) => Number(el.getAttribute(a) ?? 0), attribute);
}

/** Writes one series through Prometheus remote_write, as a Prometheus server would. */
export async function remoteWrite(
  url: string,
  token: string,
  labels: Record<string, string>,
  points: [number, number][],
) {
  const res = await fetch(`${url}/api/v1/write`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
    },
    body: encodeWriteRequest({
      timeseries: [
        {
          labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
          samples: points.map(([timestamp, value]) => ({ timestamp, value })),
        },
      ],
    }),
  });
  if (res.status !== 204) throw new Error(`remote_write answered ${res.status}: ${await res.text()}`);
}

/** The compiled `aurora` command (`npm test` builds it with `tsc -b` first). */
const cliMain = path.join(consoleDir, '..', 'cli', 'dist', 'main.js');

/** A running `aurora server` and what its first-start banner printed. */
export interface AuroraServerProcess {
  url: string;
  /** The first admin user's password, as printed once at the first start. */
  adminPassword: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `aurora server --port 0 --data-dir DIR` as a user would, and reads the console URL and
 * the first admin's password from the banner it prints.
 */
export async function startAuroraServer(dataDir: string, env: Record<string, string>): Promise<AuroraServerProcess> {
  if (!existsSync(cliMain)) throw new Error(`${cliMain} is missing: \`npm test\` builds it with \`tsc -b\` first`);
  const child: ChildProcess = spawn(process.execPath, [cliMain, 'server', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, AURORA_LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const banner = await new Promise<{ url: string; adminPassword: string }>((resolve, reject) => {
    const check = () => {
      const url = /Console\s+(http:\/\/\S+?)\/\s/.exec(out)?.[1];
      const adminPassword = /^\s+password\s+(\S+)$/m.exec(out)?.[1];
      if (url && adminPassword && out.includes('Stop with Ctrl-C')) resolve({ url, adminPassword });
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) => reject(new Error(`aurora server exited (${signal ?? code}): ${out}`)));
  });
  return { ...banner, output: () => out, stop };
}
