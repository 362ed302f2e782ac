/**
 * What the console's end-to-end test uses: where Chromium is, building the console when its
 * sources changed, reading what a chart draws, and writing series as Prometheus would.
 */
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
