/**
 * End-to-end: the built console in Chromium against a real control plane and
 * a real node agent on this machine. Proves the whole path a user sees: login,
 * a node turning ready live, a node page whose charts fill with points, and
 * its state history from events and, after a reload, from the store; its traffic share set and restored, with a
 * service backend on it listed at its lowered weight; charts
 * over an hour and a week from the query API with forecast bands, and the
 * predicted problems the leader found on the overview.
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent } from '@aurora/agent';
import { AuroraClient } from '@aurora/sdk';
import { compileConfig, startServer } from '@aurora/server';
import { pino } from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkip,
  CHROMIUM_ARGS,
  chromiumPath,
  ensureConsoleBuilt,
  pointsOf,
  remoteWrite,
} from './testing/e2e-harness.js';

const screenshotPath = fileURLToPath(new URL('../../../test-artifacts/console.png', import.meta.url));
const NODE_NAME = 'console-e2e';

if (browserSkip) console.warn(browserSkip);

describe.skipIf(browserSkip)(`console in Chromium${browserSkip ? ` (skipped: ${browserSkip})` : ''}`, () => {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let agent: Awaited<ReturnType<typeof startAgent>> | undefined;
  let dataDir: string;
  const pageErrors: string[] = [];
  const adminToken = randomBytes(24).toString('hex');

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-console-e2e-'));
    const config = compileConfig({
      env: {},
      overrides: {
        host: '127.0.0.1',
        port: 0,
        dataDir: path.join(dataDir, 'server'),
        adminToken,
        logLevel: 'warn',
        capacities: [{ name: 'queue', match: 'queue_depth', capacity: 1000, kind: 'full' }],
      },
    });
    server = await startServer(config);
    // Three hours of the node's CPU before its agent starts (so the hour and week charts have
    // history to draw and forecast from), and a queue filling towards its configured capacity.
    const now = Date.now();
    const cpu: [number, number][] = [];
    const queue: [number, number][] = [];
    for (let t = now - 3 * 3_600_000; t < now - 60_000; t += 60_000) {
      cpu.push([t, 20 + 5 * Math.sin(t / 600_000)]);
      queue.push([t, 400 + ((t - (now - 3 * 3_600_000)) / 3_600_000) * 100]);
    }
    await remoteWrite(server.url, adminToken, { __name__: 'cpu_usage_pct', node: NODE_NAME }, cpu);
    await remoteWrite(server.url, adminToken, { __name__: 'queue_depth', instance: 'e2e-queue' }, queue);
    await server.forecasting.controller.refresh();
    const admin = new AuroraClient({ baseUrl: server.url, token: adminToken });
    const { token } = await admin.createJoinToken({ description: 'console e2e' });
    agent = await startAgent({
      server: server.url,
      token,
      name: NODE_NAME,
      labels: { role: 'e2e' },
      stateDir: path.join(dataDir, 'agent'),
      intervalMs: 1_000,
      logger: pino({ level: 'warn' }),
    });
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 90_000);

  it('logs in, sees the local node turn ready live and draws its charts from history and heartbeats', async () => {
    if (!browser || !server) throw new Error('setup did not complete');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(30_000);
    await page.goto(server.url);
    // Token sign-in, the alternative to a user name and password for automation users.
    await page.getByTestId('login-switch').click();

    // A wrong token is refused with the server's own message and nothing is stored.
    await page.getByTestId('login-token').fill('not-the-admin-token');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/\S/);

    await page.getByTestId('login-token').fill(adminToken);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('summary-total').waitFor();

    // The table updates from the event stream: the node becomes ready and gains CPU readings without a reload.
    await page.getByTestId('nav-nodes').click();
    const row = page.locator(`[data-testid=node-row][data-node=${NODE_NAME}]`);
    await page.locator(`[data-testid=node-row][data-node=${NODE_NAME}][data-state=ready]`).waitFor();
    await expect.poll(() => row.getByTestId('node-cpu').textContent(), { timeout: 30_000 }).toMatch(/\d %/);
    expect(await row.getByTestId('node-state').textContent()).toContain('ready');

    // Filters narrow the live table by label and by state.
    await page.getByTestId('filter-labels').fill('role=elsewhere');
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('filter-labels').fill('role=e2e');
    await row.waitFor();
    await page.getByTestId('filter-state').selectOption('down');
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('filter-state').selectOption('ready');
    await row.waitFor();

    // The node page backfills its charts, then appends live points from heartbeats.
    await row.getByTestId('node-link').click();
    await page.getByTestId('node-page').waitFor();
    const cpuChart = page.getByTestId('chart-cpu');
    await cpuChart.locator('canvas').waitFor();
    await expect.poll(() => pointsOf(page, 'chart-cpu'), { timeout: 30_000 }).toBeGreaterThan(0);
    const before = await pointsOf(page, 'chart-cpu');
    await expect.poll(() => pointsOf(page, 'chart-cpu'), { timeout: 30_000 }).toBeGreaterThan(before);
    await expect.poll(() => pointsOf(page, 'chart-memory'), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('node-facts').textContent()).toContain(os.hostname().split('.')[0]);

    mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });

    // A reload of a deep link keeps the session (sessionStorage) and lands on the same page (SPA fallback).
    await page.reload();
    await page.getByTestId('node-page').waitFor();
    expect(await page.getByTestId('login-form').count()).toBe(0);

    // An operator action goes through the API and shows at once.
    await page.getByTestId('action-cordon').click();
    await page.locator('[data-testid=node-page-state][data-state=cordoned]').waitFor();
    // The change also arrives as an event and lands in the state history.
    await page.locator('[data-testid=state-history] [data-testid=history-to][data-state=cordoned]').waitFor();
    await page.getByTestId('action-uncordon').click();
    await expect.poll(() => page.getByTestId('node-page-state').getAttribute('data-state')).not.toBe('cordoned');

    // A fresh page has seen no events: its history comes from the store, so the cordon is still listed.
    await page.reload();
    await page.getByTestId('node-page').waitFor();
    await page.locator('[data-testid=state-history] [data-testid=history-to][data-state=cordoned]').waitFor();

    // Steering traffic: a share out of range is refused in the form, a valid one is stored on the server, shown in
    // the page head, and kept through a reload; restoring gives the node its whole weight back.
    const admin = new AuroraClient({ baseUrl: server.url, token: adminToken });
    await page.getByTestId('node-traffic-input').fill('0');
    await page.getByTestId('node-traffic-set').click();
    await expect.poll(() => page.getByTestId('node-traffic-error').textContent()).toContain('drain the node');
    await page.getByTestId('node-traffic-input').fill('40');
    await page.getByTestId('node-traffic-set').click();
    await page.locator('[data-testid=node-traffic-share][data-share="40"]').waitFor();
    expect(await page.getByTestId('node-traffic-moved').textContent()).toContain('No service');
    expect(await page.getByTestId('node-page-traffic').textContent()).toContain('40 %');
    expect((await admin.getNode(NODE_NAME)).trafficShare).toBe(0.4);
    // A service that gains a backend on the node shows up in the card from the event stream, at 40 % of its weight.
    await admin.putService('web', { backends: [{ node: NODE_NAME, port: 8080, weight: 2 }] });
    const backend = page.locator('[data-testid=node-backend][data-service=web]');
    await expect.poll(() => backend.getAttribute('data-effective')).toBe('0.8');
    expect(await backend.textContent()).toContain('traffic share 40 %');
    expect(await backend.getAttribute('data-anomalous')).toBe('false');
    await page.reload();
    await page.locator('[data-testid=node-traffic-share][data-share="40"]').waitFor();
    await page.getByTestId('node-traffic-restore').click();
    await page.locator('[data-testid=node-traffic-share][data-share="100"]').waitFor();
    await expect.poll(() => backend.getAttribute('data-effective')).toBe('2');
    expect(await page.getByTestId('node-traffic-moved').textContent()).toContain('web');
    // A cordon takes the backend's whole weight away, and the card follows the node's state change.
    await page.getByTestId('action-cordon').click();
    await expect.poll(() => backend.getAttribute('data-effective')).toBe('0');
    expect(await backend.textContent()).toContain('node cordoned: no traffic');
    await page.getByTestId('action-uncordon').click();
    await expect.poll(() => backend.getAttribute('data-effective')).toBe('2');
    expect(await page.getByTestId('node-page-traffic').count()).toBe(0);
    expect((await admin.getNode(NODE_NAME)).trafficShare).toBeUndefined();

    expect(pageErrors).toEqual([]);
  }, 180_000);
  it('draws an hour and a week from the query API with forecast bands, and predicted problems on the overview', async () => {
    if (!browser || !server) throw new Error('setup did not complete');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(30_000);
    await page.goto(server.url);
    // Token sign-in, the alternative to a user name and password for automation users.
    await page.getByTestId('login-switch').click();
    await page.getByTestId('login-token').fill(adminToken);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('summary-total').waitFor();

    // The overview lists what the leader predicts, with the sentence an operator acts on.
    const predicted = page.locator('[data-testid=prediction-item][data-rule=queue]');
    await expect
      .poll(() => predicted.textContent(), { timeout: 30_000 })
      .toMatch(/queue on e2e-queue full in about [\d.]+ h \(80 % interval/);
    expect(await page.getByTestId('prediction-hit-rate').textContent()).toContain('no hit rate');
    mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath.replace('console.png', 'console-overview.png'), fullPage: true });

    await page.goto(`${server.url}/nodes/${NODE_NAME}`);
    await page.getByTestId('node-page').waitFor();
    // The hour view reads the query API at a 1-minute step and draws the forecast after the last point.
    await page.getByTestId('range-hour').click();
    await page.locator('[data-testid=range-charts][data-range=hour][data-loaded=true]').waitFor();
    await expect.poll(() => pointsOf(page, 'chart-cpu')).toBeGreaterThanOrEqual(55);
    await expect.poll(() => pointsOf(page, 'chart-cpu', 'data-forecast-points')).toBe(15);
    expect(await page.getByTestId('chart-cpu').locator('canvas').count()).toBe(1);
    // The week view reads the 1-hour rollups and heads: the three hours are a handful of points.
    await page.getByTestId('range-week').click();
    await page.locator('[data-testid=range-charts][data-range=week][data-loaded=true]').waitFor();
    await expect.poll(() => pointsOf(page, 'chart-cpu')).toBeGreaterThanOrEqual(3);
    expect(await pointsOf(page, 'chart-cpu')).toBeLessThanOrEqual(5);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
