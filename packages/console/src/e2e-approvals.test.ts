/**
 * End-to-end: a playbook run that needs an approval, decided in the built console in Chromium,
 * against a real control plane and a real node agent on this machine. The agent's node is
 * labelled environment=production, so the shipped policy asks for an approval before a playbook
 * cordons it; a threshold rule on the agent's own CPU readings fires the alert that starts the
 * run. Three people sign in with their passwords: an operator of another team, whom Cedar
 * refuses; an operator of the node's team, who approves (and cannot approve twice); an admin,
 * whose approval completes the two of two, after which the run cordons the node. A second playbook,
 * without an approval section (one admin or operator), asks to drain the node; the operator
 * rejects it with a reason, and that run ends without acting.
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent } from '@aurora/agent';
import { AuroraClient, type WorkflowRun } from '@aurora/sdk';
import { compileConfig, startServer } from '@aurora/server';
import { pino } from 'pino';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkip, CHROMIUM_ARGS, chromiumPath, ensureConsoleBuilt } from './testing/e2e-harness.js';

const screenshots = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
const NODE_NAME = 'prod-e2e';
const PASSWORD = 'approvals-console-password';
const PLAYBOOK = `description: cordon a production node whose CPU rule fires, once two people agree
trigger:
  alert: { metric: cpu_usage_pct, node: ${NODE_NAME} }
steps:
  - action: cordon
approval:
  levels:
    - roles: [operator, admin]
      required: 2
  expiresAfter: 30m
  onExpiry: reject
`;
/** Without an approval section: one admin or operator, within an hour, else reject. */
const DRAIN_PLAYBOOK = `trigger:
  alert: { metric: mem_used_pct, node: ${NODE_NAME} }
steps:
  - action: drain
`;

if (browserSkip) console.warn(browserSkip);

describe.skipIf(browserSkip)(`console approvals in Chromium${browserSkip ? ` (skipped: ${browserSkip})` : ''}`, () => {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let agent: Awaited<ReturnType<typeof startAgent>> | undefined;
  let dataDir: string;
  const pageErrors: string[] = [];
  const adminToken = randomBytes(24).toString('hex');

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-console-approvals-'));
    mkdirSync(screenshots, { recursive: true });
    const config = compileConfig({
      env: {},
      overrides: { host: '127.0.0.1', port: 0, dataDir: path.join(dataDir, 'server'), adminToken, logLevel: 'warn' },
    });
    server = await startServer(config);
    const admin = new AuroraClient({ baseUrl: server.url, token: adminToken });
    const people: [string, string[], string[]][] = [
      ['ola', ['operator'], ['search']],
      ['ana', ['operator'], ['payments']],
      ['ben', ['admin'], []],
    ];
    for (const [name, roles, teams] of people) await admin.createUser({ name, password: PASSWORD, roles, teams });
    const call = async (method: string, route: string, body: unknown) => {
      const res = await fetch(`${server?.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${await res.text()}`);
    };
    await call('PUT', '/v1/playbooks/cordon-hot', { yaml: PLAYBOOK });
    await call('PUT', '/v1/playbooks/drain-full', { yaml: DRAIN_PLAYBOOK });
    // Always true of a reading: each alert fires once the agent has sent 10 s of them.
    for (const metric of ['cpu_usage_pct', 'mem_used_pct']) {
      await call('POST', '/v1/alert-rules', {
        name: `prod-e2e-${metric}`,
        selector: `${metric}{node="${NODE_NAME}"}`,
        op: '>=',
        value: 0,
        for: '10s',
      });
    }
    const { token } = await admin.createJoinToken({ description: 'console approvals e2e' });
    agent = await startAgent({
      server: server.url,
      token,
      name: NODE_NAME,
      labels: { environment: 'production', team: 'payments' },
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

  /** A fresh browser context (its own cookies) signed in as `name`, on the runs page. */
  async function signedIn(name: string): Promise<Page> {
    if (!browser || !server) throw new Error('setup did not complete');
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
    page.setDefaultTimeout(30_000);
    await page.goto(`${server.url}/runs?show=approval`);
    await page.getByTestId('login-name').fill(name);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid=runs-page][data-loaded=true]').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe(name);
    return page;
  }

  it('shows who must approve, refuses whom Cedar refuses, takes two approvals with reasons, and the run proceeds', async () => {
    if (!browser || !server) throw new Error('setup did not complete');
    const admin = new AuroraClient({ baseUrl: server.url, token: adminToken });
    // The rule fires after 10 s of readings and is evaluated every 15 s; the trigger then starts the run.
    // About 40 s on a quiet box; the bound is wide because CI shares two cores between two test files.
    let run: WorkflowRun | undefined;
    let drain: WorkflowRun | undefined;
    await expect
      .poll(
        async () => {
          const waiting = (await admin.runs()).items.filter((r) => r.approval?.state === 'pending');
          run = waiting.find((r) => r.workflow === 'playbook:cordon-hot@1');
          drain = waiting.find((r) => r.workflow === 'playbook:drain-full@1');
          return [run?.status, drain?.status];
        },
        { timeout: 150_000, interval: 1_000 },
      )
      .toEqual(['waiting', 'waiting']);
    if (!run || !drain) throw new Error('no run waits for approval');
    const row = (page: Page) => page.locator(`[data-testid=run-row][data-run="${run?.id}"]`);
    // A page opened while the box is busy can take longer than an action's 30 s to list the run;
    // if it never does, say what became of the run.
    const listed = async (locator: Locator, id: string) => {
      try {
        await locator.waitFor({ timeout: 120_000 });
      } catch (err) {
        const now = await admin
          .run(id)
          .then((r) => ({ status: r.status, error: r.error, approval: r.approval?.state }))
          .catch((e: unknown) => String(e));
        throw new Error(`run ${id} not listed as waiting; the server has it as ${JSON.stringify(now)}`, { cause: err });
      }
    };
    const drainRow = (page: Page) => page.locator(`[data-testid=run-row][data-run="${drain?.id}"]`);

    // An operator of another team: the page shows the run and its approvers, and Cedar's refusal as the server words it.
    const ola = await signedIn('ola');
    // The overview lists both runs as waiting, and links to the runs page filtered to them.
    await ola.getByTestId('nav-overview').click();
    const pending = ola.locator(`[data-testid=pending-approval][data-run="${run.id}"]`);
    await expect.poll(() => pending.textContent()).toContain('pending, 0 of 2 approvals by role operator or admin');
    expect(await ola.getByTestId('pending-approval').count()).toBe(2);
    await ola.getByTestId('pending-approvals-link').click();
    await ola.locator('[data-testid=runs-page][data-loaded=true]').waitFor();
    expect(await ola.getByTestId('run-filter-show').inputValue()).toBe('approval');
    const olaRow = row(ola);
    await olaRow.waitFor();
    expect(await olaRow.getByTestId('run-status').textContent()).toBe('waiting');
    expect(await olaRow.getByTestId('approval-state').textContent()).toBe('waiting at level 1');
    expect(await olaRow.getByTestId('approval-progress').textContent()).toBe('0 of 2 approvals');
    expect(await olaRow.getByTestId('approval-who').textContent()).toBe('role operator or admin');
    expect(await olaRow.getByTestId('approval-expiry').textContent()).toMatch(/^expires in (29|30) min, then reject$/);
    expect(await olaRow.getByTestId('approval-approve').isDisabled()).toBe(true);
    await olaRow.getByTestId('approval-reason').fill('looks safe to me');
    await olaRow.getByTestId('approval-approve').click();
    await expect
      .poll(() => olaRow.getByTestId('approval-error').textContent())
      .toContain(`ola may not approve runs on node "${NODE_NAME}": denied by policy "operator-own-team"`);

    // The node's team operator approves with a reason: one of two, and a second try is refused.
    const ana = await signedIn('ana');
    const anaRow = row(ana);
    await listed(anaRow, run.id);
    await anaRow.getByTestId('approval-reason').fill('CPU pinned for minutes; cordon it');
    await anaRow.getByTestId('approval-approve').click();
    await expect.poll(() => anaRow.getByTestId('approval-progress').textContent()).toBe('1 of 2 approvals');
    expect(await anaRow.getByTestId('approval-levels').textContent()).toContain('approved by ana');
    expect(await anaRow.locator('[data-testid=approval-decision][data-by=ana]').textContent()).toContain(
      'ana approved at level 1: CPU pinned for minutes; cordon it',
    );
    expect(await anaRow.getByTestId('approval-reason').inputValue()).toBe('');
    await anaRow.getByTestId('approval-reason').fill('again');
    await anaRow.getByTestId('approval-approve').click();
    await expect
      .poll(() => anaRow.getByTestId('approval-error').textContent())
      .toMatch(/ana already decided on run .*a person counts once per run \(AURORA_ALREADY_DECIDED\)/);
    expect((await admin.getNode(NODE_NAME)).operatorState).toBeNull();

    // The playbook without an approval section asks one admin or operator within the hour; ana rejects it.
    const anaDrain = drainRow(ana);
    expect(await anaDrain.getByTestId('approval-progress').textContent()).toBe('0 of 1 approval');
    expect(await anaDrain.getByTestId('approval-who').textContent()).toBe('role admin or operator');
    expect(await anaDrain.getByTestId('approval-expiry').textContent()).toMatch(
      /^expires in (59|60) min, then reject$/,
    );
    expect(await anaDrain.getByTestId('approval-reject').isDisabled()).toBe(true);
    await anaDrain.getByTestId('approval-reason').fill('memory is high during the nightly batch; leave it');
    await ana.screenshot({ path: path.join(screenshots, 'console-runs-approval.png'), fullPage: true });
    await anaDrain.getByTestId('approval-reject').click();
    // Rejected, it no longer waits, so the "waiting for approval" filter drops it.
    await anaDrain.waitFor({ state: 'detached' });

    // An admin completes the two of two; the run is woken, cordons the node and succeeds.
    const ben = await signedIn('ben');
    const benRow = row(ben);
    await listed(benRow, run.id);
    await benRow.getByTestId('approval-reason').fill('agreed');
    await benRow.getByTestId('approval-approve').click();
    // Decided, it no longer waits for approval, so the "waiting for approval" filter hides it; show every run.
    await benRow.waitFor({ state: 'detached' });
    await ben.getByTestId('run-filter-show').selectOption('');
    await ben.locator(`[data-testid=run-row][data-run="${run.id}"][data-status=succeeded]`).waitFor();
    await benRow.getByTestId('run-approval').locator('summary').click();
    expect(await benRow.getByTestId('approval-state').textContent()).toBe('approved');
    expect(
      await benRow
        .getByTestId('approval-decision')
        .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-by')} ${e.getAttribute('data-decision')}`)),
    ).toEqual(['ana approve', 'ben approve']);
    expect(await benRow.getByTestId('approval-form').count()).toBe(0);
    expect(await benRow.getByTestId('approval-expiry').count()).toBe(0);
    expect((await admin.getNode(NODE_NAME)).operatorState).toBe('cordoned');
    // Its steps: Cedar's authorisation, the approval, then the cordon, each as recorded.
    await benRow.getByTestId('run-steps-toggle').locator('summary').click();
    await benRow.locator('[data-testid=run-step][data-status=succeeded]').nth(2).waitFor();
    expect(
      await benRow
        .getByTestId('run-step')
        .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')} ${e.getAttribute('data-status')}`)),
    ).toEqual(['authorize succeeded', 'approval succeeded', '0-cordon succeeded']);
    // The rejected run ended without acting, saying who rejected it and why.
    const benDrain = ben.locator(`[data-testid=run-row][data-run="${drain.id}"][data-status=rejected]`);
    await benDrain.waitFor();
    expect(await benDrain.getByTestId('run-error').textContent()).toBe(
      'rejected by ana at level 1: memory is high during the nightly batch; leave it',
    );
    expect(await benDrain.getByTestId('run-approval').locator('summary').textContent()).toBe('rejected');
    await ben.screenshot({ path: path.join(screenshots, 'console-runs.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
