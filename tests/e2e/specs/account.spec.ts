import { createHmac } from 'node:crypto';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { browserToken, signIn } from '../support/auth';
import { adminToken, createTenantWithProject, createWorkflow, gql, sh } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

const ME = '{ me { email } }';
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';

/** Whether the API still accepts a token (through the web origin, as any client would call it). */
async function isAccepted(token: string): Promise<boolean> {
  return gql(ME, {}, token).then(
    () => true,
    () => false,
  );
}

async function login(email: string, password: string): Promise<string> {
  return (await gql<{ login: { token: string } }>(LOGIN, { input: { email, password } })).login.token;
}

test.describe('account', () => {
  const email = `${uniqueName('ada')}@example.com`;
  const password = 'ada-password-1';

  test.beforeAll(async () => {
    await gql(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input: { email, name: 'Ada Lovelace', password } },
      await adminToken(),
    );
  });

  test('changes the password, signs other sessions out, and sign-out revokes the session on the server', async ({
    page,
  }) => {
    const laptop = await login(email, password);
    await page.goto('/');
    await signIn(page, { email, password });
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    // Not the seeded administrator: no default-password banner.
    await expect(page.getByTestId('default-password-banner')).toHaveCount(0);

    await page.getByRole('button', { name: /Account menu for/ }).click();
    await page.getByRole('link', { name: 'Account' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Account' })).toBeVisible();

    // Sessions: this browser's and the other one, each with its browser and address.
    const sessions = page.getByRole('table', { name: 'Sessions' });
    await expect(sessions.getByRole('row')).toHaveCount(3);
    await expect(sessions.getByRole('row').filter({ hasText: 'This session' })).toContainText('127.0.0.1');

    // A wrong current password is said under its field, and nothing changes.
    const form = page.getByRole('form', { name: 'Password' });
    await form.getByLabel('Current password').fill('not-my-password');
    await form.getByLabel('New password', { exact: true }).fill('ada-new-password-2');
    await form.getByLabel('Repeat the new password').fill('ada-new-password-2');
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect(form.getByText('is not your current password')).toBeVisible();
    expect(await isAccepted(laptop)).toBe(true);

    await form.getByLabel('Current password').fill(password);
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Password changed' })).toBeVisible();
    // The other session is gone on the server; this one stays signed in.
    expect(await isAccepted(laptop)).toBe(false);
    await expect(sessions.getByRole('row')).toHaveCount(2);
    await page.screenshot({ path: path.join(screenshotDir, 'account.png'), fullPage: true });

    // Another sign-in appears after a reload and is signed out from the table.
    const phone = await login(email, 'ada-new-password-2');
    await page.reload();
    await expect(sessions.getByRole('row')).toHaveCount(3);
    await sessions
      .getByRole('row')
      .filter({ hasNotText: 'This session' })
      .filter({ has: page.getByRole('button') })
      .getByRole('button', { name: /Sign out the session/ })
      .click();
    await expect(sessions.getByRole('row')).toHaveCount(2);
    expect(await isAccepted(phone)).toBe(false);

    // Signing out revokes this browser's token on the server, not only in the browser.
    const token = await browserToken(page);
    expect(token && (await isAccepted(token))).toBe(true);
    // No page script can read it: not from document.cookie, not from storage.
    const visible = await page.evaluate(() => `${document.cookie} ${JSON.stringify({ ...window.localStorage })}`);
    expect(visible).not.toContain(token as string);
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await expect(page).toHaveURL(/\/login$/);
    expect(await isAccepted(token as string)).toBe(false);
  });

  test('shows the administrator a banner while the default password is in use', async ({ page }) => {
    await page.goto('/');
    await signIn(page);
    const banner = page.getByTestId('default-password-banner');
    await expect(banner).toContainText('default administrator password');
    await banner.getByRole('link', { name: 'Change it now' }).click();
    await expect(page).toHaveURL(/\/account$/);
  });
});

test.describe('runs of untrusted pull requests', () => {
  const tenant = uniqueName('approval');
  const secret = 'e2e-approval-hook-secret';
  let integrationId = '';

  test.beforeAll(async () => {
    const token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, { tenant, project: 'shop', name: 'pr', stages: [sh('check', 'echo checked')] });
    // No token: Cyclone never calls this server; deliveries are verified with the webhook secret.
    const created = await gql<{ createIntegration: { id: string } }>(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
      {
        input: {
          tenant,
          name: 'github',
          type: 'GITHUB',
          config: { server: 'https://github.example.com' },
          secret: { webhookSecret: secret },
        },
      },
      token,
    );
    integrationId = created.createIntegration.id;
    await gql(
      'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { id } }',
      {
        input: {
          tenant,
          project: 'shop',
          workflow: 'pr',
          name: 'on-pr',
          type: 'SCM',
          scm: { integration: 'github', repo: 'acme/shop', pullRequest: { branches: ['main'] } },
        },
      },
      token,
    );
  });

  test("shows a fork's run waiting for approval, and runs it once approved", async ({ page }) => {
    // GitHub's pull_request payload for a pull request from a fork.
    const body = JSON.stringify({
      action: 'opened',
      number: 42,
      pull_request: {
        number: 42,
        user: { login: 'mallory', id: 6 },
        author_association: 'FIRST_TIME_CONTRIBUTOR',
        head: { ref: 'patch-1', sha: 'f'.repeat(40), repo: { full_name: 'mallory/shop' } },
        base: { ref: 'main', sha: 'a'.repeat(40), repo: { full_name: 'acme/shop' } },
      },
      repository: { full_name: 'acme/shop' },
      sender: { login: 'mallory', id: 6 },
    });
    const response = await fetch(`${process.env.E2E_BASE_URL}/webhooks/${integrationId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': uniqueName('fork-pr'),
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      body,
    });
    const delivered = (await response.json()) as { runs: string[] };
    expect(delivered.runs).toHaveLength(1);

    await signInToTenant(page, tenant, `/projects/shop/workflows/pr/runs/${delivered.runs[0]}`);
    const approval = page.getByTestId('run-approval');
    await expect(approval).toContainText('Waiting for approval');
    await expect(approval).toContainText('pull request #42 by mallory comes from the fork mallory/shop');
    await expect(page.getByTestId('run-phase')).toContainText('Waiting');
    await page.screenshot({ path: path.join(screenshotDir, 'run-waiting-for-approval.png'), fullPage: true });

    await page.getByRole('button', { name: 'Approve and run' }).click();
    await expect(approval).toHaveCount(0);
    await expect(page.getByTestId('run-phase')).toContainText('Succeeded', { timeout: 60_000 });
    await expect(page.getByText('Approved by')).toBeVisible();
  });
});
