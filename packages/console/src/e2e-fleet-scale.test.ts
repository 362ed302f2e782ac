/**
 * End-to-end at fleet size: the built console in Chromium against a real control plane holding
 * 10,000 nodes. The node table draws only the rows near the viewport, pages in the rest from the
 * server as the user scrolls, and sorts on the server; the overview still counts the whole fleet. How long first rows and scrolling take is
 * measured by `npm run bench:console`, not asserted here.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileConfig, startServer } from '@aurora/server';
import { seedNodes } from '@aurora/server/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkip, CHROMIUM_ARGS, chromiumPath, ensureConsoleBuilt } from './testing/e2e-harness.js';

const FLEET = 10_000;

if (browserSkip) console.warn(browserSkip);

describe.skipIf(browserSkip)(`console at ${FLEET} nodes${browserSkip ? ` (skipped: ${browserSkip})` : ''}`, () => {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let dataDir: string;
  const adminToken = randomBytes(24).toString('hex');

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-console-scale-'));
    server = await startServer(
      compileConfig({
        env: {},
        overrides: { host: '127.0.0.1', port: 0, dataDir: path.join(dataDir, 'server'), adminToken, logLevel: 'warn' },
      }),
      // No heartbeats arrive: the health controller would mark every seeded node down meanwhile.
      { manualControllers: true },
    );
    await seedNodes(server.store, FLEET);
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('draws only the rows in view, pages in the rest while scrolling, and sorts on the server', async () => {
    if (!browser || !server) throw new Error('setup did not complete');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(60_000);
    await page.goto(`${server.url}/nodes`);
    await page.getByTestId('login-switch').click();
    await page.getByTestId('login-token').fill(adminToken);
    await page.getByTestId('login-submit').click();

    const rows = page.getByTestId('node-row');
    await rows.first().waitFor();
    await expect.poll(() => page.getByTestId('node-count').textContent()).toBe(`${FLEET} nodes`);
    expect(await rows.first().getAttribute('data-node')).toBe('node-00000');
    // The table declares the whole fleet to assistive technology while the document holds a window of it.
    expect(await page.getByTestId('node-table').getAttribute('aria-rowcount')).toBe(String(FLEET + 1));
    const drawnAtTop = await rows.count();
    expect(drawnAtTop).toBeGreaterThan(10);
    expect(drawnAtTop).toBeLessThan(100);

    // Scrolling to the end pages in the rest, a page at a time, until the last node is drawn.
    const last = page.locator('[data-testid=node-row][data-node=node-09999]');
    for (let i = 0; i < 200 && (await last.count()) === 0; i++) {
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await page.waitForTimeout(50);
    }
    await last.waitFor();
    expect(await rows.count()).toBeLessThan(100);
    expect(await page.getByTestId('load-more').count()).toBe(0);

    // A row in the middle, reached by scrolling, is the node the server put there.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    await expect
      .poll(async () => Number((await rows.first().getAttribute('data-node'))?.slice('node-'.length)))
      .toBeGreaterThan(3_000);

    // Sorting asks the server again: name descending starts at the other end of the fleet.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId('sort-name').click();
    await expect.poll(() => rows.first().getAttribute('data-node')).toBe('node-09999');
    expect(await rows.count()).toBeLessThan(100);

    // The fleet picture behind the overview is read in full once the event stream is open.
    await page.getByTestId('nav-overview').click();
    await expect.poll(() => page.locator('[data-testid=summary-total] .tile-value').textContent()).toBe(String(FLEET));
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
