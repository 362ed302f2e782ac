/**
 * End-to-end: people and their rights in the built console, in Chromium, against the real
 * `aurora server` command started as a user would. Logs in with the first admin password the
 * first start printed, adds a user and changes its roles, locks and unlocks it, makes an API
 * token whose secret is shown once and revokes it, logs out, logs in as the new user (whose
 * access token refreshes silently), and verifies the audit trail as intact.
 */

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuroraServerProcess,
  browserSkip,
  CHROMIUM_ARGS,
  chromiumPath,
  ensureConsoleBuilt,
  startAuroraServer,
} from './testing/e2e-harness.js';

const screenshots = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
/** Short enough that the console must refresh while the test runs (the least the server accepts is 10 s). */
const ACCESS_TOKEN_TTL_S = 12;

if (browserSkip) console.warn(browserSkip);

async function logIn(page: Page, name: string, password: string): Promise<void> {
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

describe.skipIf(browserSkip)(`console governance in Chromium${browserSkip ? ` (skipped: ${browserSkip})` : ''}`, () => {
  let browser: Browser | undefined;
  let server: AuroraServerProcess | undefined;
  let dir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-console-governance-'));
    mkdirSync(screenshots, { recursive: true });
    server = await startAuroraServer(path.join(dir, 'data'), { AURORA_ACCESS_TOKEN_TTL: `${ACCESS_TOKEN_TTL_S}s` });
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('logs in with the printed admin password, manages a user and a token, and the new user sees the audit trail intact', async () => {
    if (!browser || !server) throw new Error('setup did not complete');
    const { url, adminPassword } = server;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(30_000);
    await page.goto(url);

    // The password form is the default; a wrong password shows the server's own message.
    await logIn(page, 'admin', 'not the password');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('AURORA_LOGIN_FAILED');
    await logIn(page, 'admin', adminPassword);
    await page.getByTestId('summary-total').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('admin');
    // The live stream opens with a single-use ticket.
    await page.locator('[data-testid=stream-status]', { hasText: 'live' }).waitFor();

    // Add a user as a viewer of team blue, then make it an admin too.
    await page.getByTestId('nav-users').click();
    await page.locator('[data-testid=users-page][data-loaded=true]').waitFor();
    await page.getByTestId('user-create-name').fill('kim');
    await page.getByTestId('user-create-password').fill('short');
    await page.getByTestId('user-create-submit').click();
    await expect.poll(() => page.getByTestId('user-create-error').textContent()).toContain('password');
    await page.getByTestId('user-create-password').fill('kim-console-password');
    await page.getByTestId('user-create-teams').fill('blue');
    await page.getByTestId('user-create-submit').click();
    const kim = page.locator('[data-testid=user-row][data-user=kim]');
    await kim.waitFor();
    expect(await kim.getByTestId('user-roles').textContent()).toBe('viewer');
    expect(await kim.getByTestId('user-teams').textContent()).toBe('blue');
    await kim.getByTestId('user-edit').click();
    await kim.getByTestId('user-edit-roles-admin').check();
    await kim.getByTestId('user-save').click();
    await expect.poll(() => kim.getByTestId('user-roles').textContent()).toBe('adminviewer');

    // Lock refuses its logins, unlock lets it in again.
    await kim.getByTestId('user-disable').click();
    await page.locator('[data-testid=user-row][data-user=kim][data-status=disabled]').waitFor();
    await kim.getByTestId('user-enable').click();
    await page.locator('[data-testid=user-row][data-user=kim][data-status=active]').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'console-users.png'), fullPage: true });

    // The policy editor: Cedar's refusal shows inline under the line it is about; a fixed text is stored.
    await page.getByTestId('nav-policies').click();
    await page.locator('[data-testid=policies-page][data-loaded=true]').waitFor();
    await page.getByTestId('policy-id').fill('oncall');
    await page
      .getByTestId('policy-text')
      .fill(
        'permit (\n  principal in Aurora::Role::"oncall",\n  action,\n  resource\n) when { principal.tem == "x" };',
      );
    await page.getByTestId('policy-save').click();
    const cedarProblem = page.locator('[data-testid=policy-problem][data-line="5"]').first();
    await cedarProblem.waitFor();
    expect(await cedarProblem.textContent()).toContain('tem');
    await page.screenshot({ path: path.join(screenshots, 'console-policy-editor.png'), fullPage: true });
    await page
      .getByTestId('policy-text')
      .fill('permit (principal in Aurora::Role::"oncall", action in Aurora::Action::"read", resource);');
    await page.getByTestId('policy-save').click();
    await expect.poll(() => page.getByTestId('policy-saved').textContent()).toBe('Stored oncall version 1.');
    await page.getByTestId('policy-oncall').waitFor();
    // A second version; its history shows both, the diff between them, and a rollback to the first.
    await page
      .getByTestId('policy-text')
      .fill('permit (principal in Aurora::Role::"oncall", action in Aurora::Action::"operate", resource);');
    await page.getByTestId('policy-save').click();
    await expect.poll(() => page.getByTestId('policy-saved').textContent()).toBe('Stored oncall version 2.');
    const history = page.getByTestId('policy-history');
    await history.locator('[data-testid=policy-version][data-version="2"]').waitFor();
    expect(
      await history
        .getByTestId('policy-version')
        .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-version')} ${r.getAttribute('data-change')}`)),
    ).toEqual(['2 put', '1 put']);
    expect(await history.getByTestId('policy-version-author').allTextContents()).toEqual(['admin', 'admin']);
    await history.locator('[data-testid=policy-version][data-version="2"]').getByTestId('policy-version-diff').click();
    const diff = history.locator('[data-testid=policy-diff][data-from="1"][data-to="2"]');
    await diff.waitFor();
    expect(await diff.locator('[data-kind=removed]').textContent()).toContain('Aurora::Action::"read"');
    expect(await diff.locator('[data-kind=added]').textContent()).toContain('Aurora::Action::"operate"');
    await history
      .locator('[data-testid=policy-version][data-version="1"]')
      .getByTestId('policy-version-rollback')
      .click();
    await expect
      .poll(() => page.getByTestId('policy-rolled-back').textContent())
      .toBe('Stored oncall version 3, the text of version 1.');
    expect(await page.getByTestId('policy-text').inputValue()).toContain('Aurora::Action::"read"');
    await history.locator('[data-testid=policy-version][data-version="3"][data-change=rollback]').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'console-policy-history.png'), fullPage: true });

    // The compliance report, judged by the server on this running system, per framework.
    await page.getByTestId('nav-compliance').click();
    await page.locator('[data-testid=compliance-page][data-loaded=true][data-framework=soc2]').waitFor();
    const soc2 = await page
      .getByTestId('compliance-control')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-control')));
    expect(soc2).toEqual(expect.arrayContaining(['CC6.1', 'CC7.2', 'CC8.1']));
    const statuses = await page.getByTestId('compliance-status').allTextContents();
    expect(statuses.every((v) => ['pass', 'fail', 'unknown'].includes(v))).toBe(true);
    expect(await page.getByTestId('compliance-summary').textContent()).toMatch(/^\d+ pass, \d+ fail, \d+ unknown/);
    await page.getByTestId('compliance-framework').selectOption('gdpr');
    await page.locator('[data-testid=compliance-page][data-loaded=true][data-framework=gdpr]').waitFor();
    await page.locator('[data-testid=compliance-control][data-control="Art. 17"]').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'console-compliance.png'), fullPage: true });

    // An API token: its secret is shown once and works; revoked, it stops working.
    await page.getByTestId('nav-api-tokens').click();
    await page.locator('[data-testid=api-tokens-page][data-loaded=true]').waitFor();
    await page.getByTestId('token-create-name').fill('ci');
    await page.getByTestId('token-create-submit').click();
    const secret = (await page.getByTestId('token-secret').textContent()) ?? '';
    expect(secret).toMatch(/^aurora-api\./);
    const me = (token: string) => fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await (await me(secret)).json()).toMatchObject({ kind: 'service', name: 'ci', roles: ['viewer'] });
    await page.screenshot({ path: path.join(screenshots, 'console-api-token.png'), fullPage: true });
    await page.getByTestId('token-secret-done').click();
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    const ci = page.locator('[data-testid=token-row][data-token=ci]');
    await ci.getByTestId('token-revoke').click();
    await ci.getByTestId('token-revoke-confirm').click();
    await page.locator('[data-testid=token-row][data-token=ci][data-status=revoked]').waitFor();
    expect((await me(secret)).status).toBe(401);

    // Log out: the session ends on the server, and a reload does not bring it back.
    await page.getByTestId('logout').click();
    await page.getByTestId('login-name').waitFor();
    await page.reload();
    await page.getByTestId('login-name').waitFor();

    // Log in as the new user; its short-lived access token is refreshed without a sound.
    const refreshes: number[] = [];
    page.on('response', (res) => {
      if (res.url().endsWith('/v1/sessions/refresh')) refreshes.push(res.status());
    });
    await logIn(page, 'kim', 'kim-console-password');
    // Signing in keeps the page that was open (the API tokens page).
    await page.locator('[data-testid=api-tokens-page][data-loaded=true]').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('kim');
    await expect.poll(() => refreshes, { timeout: ACCESS_TOKEN_TTL_S * 1000 }).toContain(200);
    // Past the first access token's lifetime, the console still works and nobody was signed out.
    await page.waitForTimeout(ACCESS_TOKEN_TTL_S * 1000);
    expect(refreshes.every((status) => status === 200)).toBe(true);

    await page.getByTestId('nav-audit').click();
    await page.locator('[data-testid=audit-page][data-loaded=true]').waitFor();
    await page.locator('[data-testid=audit-row][data-kind=login]').first().waitFor();
    expect(await page.getByTestId('audit-who').allTextContents()).toEqual(expect.arrayContaining(['kim', 'admin']));
    const what = await page.getByTestId('audit-what').allTextContents();
    expect(what).toEqual(expect.arrayContaining(['user.create', 'apitoken.create', 'login', 'session.end']));
    expect(what.some((w) => w.startsWith('apitoken.revoke '))).toBe(true);
    await page.getByTestId('audit-verify').click();
    const verdict = page.locator('[data-testid=audit-verify-result][data-intact=true]');
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain('Intact');
    await page.screenshot({ path: path.join(screenshots, 'console-audit.png'), fullPage: true });

    // A reload picks the session up from the refresh cookie, without the password.
    await page.reload();
    await page.getByTestId('audit-page').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('kim');
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
