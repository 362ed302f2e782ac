/**
 * `npm run bench:console -- [--nodes 10000] [--peer-nodes 100] [--runs 5] [--out FILE]`: the
 * console's node table in Chromium at fleet size. For a fleet of `--nodes` and, in the same run,
 * a small peer fleet of `--peer-nodes` (the ratio shows what fleet size alone costs), each run
 * opens `/nodes` afresh in a signed-in tab (the bundle cached) and times:
 * - `firstRowsMs`: navigation → the first node row drawn;
 * - `scrollFrameMs`: a scroll by one window height → the second animation frame after it (the
 *   frame that shows the new rows), p95 over 40 scrolls through the loaded rows;
 * - `scrollToEndMs`: scrolling to the end again and again until the fleet's last node is drawn
 *   (every page of rows fetched from the server on the way).
 * Prints a table and writes bench/results/console.json.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toolPath } from '@aurora/sdk/testing';
import { compileConfig, startServer } from '@aurora/server';
import { seedNodes } from '@aurora/server/testing';
import { type Browser, chromium } from 'playwright-core';
import { printTable, quantile, repoRoot, writeResult } from '../lib/report.js';

const ADMIN = 'bench-admin-token-0123456789';
const SCROLLS = 40;
const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10000' },
    'peer-nodes': { type: 'string', default: '100' },
    runs: { type: 'string', default: '5' },
    out: { type: 'string' },
  },
});
const wholeNumber = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number above 0 (got "${v}")`);
  return n;
};
const fleets = [wholeNumber('nodes', values.nodes), wholeNumber('peer-nodes', values['peer-nodes'])];
const runs = wholeNumber('runs', values.runs);

console.log('building the console (vite build)…');
execFileSync('npm', ['run', 'build', '-w', '@aurora/console'], { cwd: repoRoot, stdio: 'ignore' });
const browser = await chromium.launch({
  executablePath: toolPath('browser', 'chromium'),
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

interface FleetResult {
  nodes: number;
  firstRowsMs: number;
  scrollFrameMs: number;
  scrollToEndMs: number;
  rowsInDocument: number;
  runs: { firstRowsMs: number; scrollFrameP95Ms: number; scrollToEndMs: number; rowsInDocument: number }[];
}

async function measure(browser: Browser, count: number): Promise<FleetResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-bench-console-'));
  const server = await startServer(
    compileConfig({
      env: { AURORA_LOG_LEVEL: 'silent' },
      overrides: { port: 0, dataDir: path.join(dir, 'data'), adminToken: ADMIN },
    }),
    // Seeded nodes have no agents: the health controller would turn them all down meanwhile.
    { manualControllers: true },
  );
  try {
    console.log(`${count} nodes: seeding…`);
    await seedNodes(server.store, count);
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // A token sign-in lasts as long as the tab (sessionStorage), so every run reuses this one.
    const page = await context.newPage();
    await page.goto(`${server.url}/nodes`);
    await page.getByTestId('login-switch').click();
    await page.getByTestId('login-token').fill(ADMIN);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('node-row').first().waitFor({ timeout: 60_000 });

    const lastName = `node-${String(count - 1).padStart(Math.max(5, String(count - 1).length), '0')}`;
    const perRun: FleetResult['runs'] = [];
    for (let run = 0; run < runs; run++) {
      await page.goto('about:blank');
      const started = performance.now();
      await page.goto(`${server.url}/nodes`);
      await page.getByTestId('node-row').first().waitFor({ timeout: 60_000 });
      const firstRowsMs = performance.now() - started;
      // Scroll frames, timed in the page: a scroll, then the frame after the one it lands in.
      const frames = (await page.evaluate(`(async () => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
        const out = [];
        for (let i = 0; i < ${SCROLLS}; i++) {
          const t = performance.now();
          window.scrollBy(0, window.innerHeight);
          await frame();
          await frame();
          out.push(performance.now() - t);
        }
        return out;
      })()`)) as number[];
      const rowsInDocument = await page.getByTestId('node-row').count();
      const toEnd = performance.now();
      const last = page.locator(`[data-testid=node-row][data-node=${lastName}]`);
      while ((await last.count()) === 0) {
        if (performance.now() - toEnd > 120_000) throw new Error(`${lastName} was not drawn within 120 s of scrolling`);
        await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
        await page.waitForTimeout(20);
      }
      const scrollToEndMs = performance.now() - toEnd;
      perRun.push({ firstRowsMs, scrollFrameP95Ms: quantile(frames, 0.95), scrollToEndMs, rowsInDocument });
    }
    await context.close();
    const median = (xs: number[]) => quantile(xs, 0.5);
    return {
      nodes: count,
      firstRowsMs: median(perRun.map((r) => r.firstRowsMs)),
      scrollFrameMs: median(perRun.map((r) => r.scrollFrameP95Ms)),
      scrollToEndMs: median(perRun.map((r) => r.scrollToEndMs)),
      rowsInDocument: Math.max(...perRun.map((r) => r.rowsInDocument)),
      runs: perRun,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  const results: FleetResult[] = [];
  for (const count of fleets) results.push(await measure(browser, count));
  const [big, peer] = results as [FleetResult, FleetResult];
  const ratio = {
    firstRows: big.firstRowsMs / peer.firstRowsMs,
    scrollFrame: big.scrollFrameMs / peer.scrollFrameMs,
  };
  printTable(
    ['fleet', 'first rows ms', 'scroll frame p95 ms', 'scroll to end ms', 'rows in document'],
    results.map((r) => [
      r.nodes,
      r.firstRowsMs.toFixed(0),
      r.scrollFrameMs.toFixed(1),
      r.scrollToEndMs.toFixed(0),
      r.rowsInDocument,
    ]),
  );
  console.log(
    `${big.nodes} over ${peer.nodes} nodes: first rows ${ratio.firstRows.toFixed(2)}×, scroll frame ${ratio.scrollFrame.toFixed(2)}× (medians of ${runs} runs)`,
  );
  const file = writeResult('console', { runs, results, ratio });
  if (values.out) copyFileSync(file, values.out);
  console.log(`wrote ${file}${values.out ? ` and ${values.out}` : ''}`);
} finally {
  await browser.close();
}
