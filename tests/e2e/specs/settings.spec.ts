import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminToken } from '../support/runs-fixtures';
import { createTenant, createUser, screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

test.describe('settings', () => {
  const tenant = uniqueName('settings');
  const memberEmail = `${uniqueName('grace')}@example.com`;

  test.beforeAll(async () => {
    const token = await adminToken();
    await createTenant(token, tenant);
    await createUser(token, memberEmail);
  });

  test('adds a member, creates an API token shown once, and reads the audit log', async ({ page }) => {
    await signInToTenant(page, tenant);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

    // User menu → Settings.
    await page.getByRole('button', { name: /Account menu for/ }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

    // Members: the admin acts as OWNER, so the add form is there.
    await expect(page.getByRole('tab', { name: 'Members' })).toHaveAttribute('aria-selected', 'true');
    await page.getByLabel('Email').fill(memberEmail);
    await page.getByLabel('Role', { exact: true }).selectOption('VIEWER');
    await page.getByRole('button', { name: 'Add member' }).click();
    const memberRow = page.getByRole('row').filter({ hasText: memberEmail });
    await expect(memberRow).toBeVisible();
    await expect(memberRow.getByLabel(`Role of ${memberEmail}`)).toHaveValue('VIEWER');
    await memberRow.getByLabel(`Role of ${memberEmail}`).selectOption('DEVELOPER');
    await expect(memberRow.getByLabel(`Role of ${memberEmail}`)).toHaveValue('DEVELOPER');
    // Adding someone without an account says why.
    await page.getByLabel('Email').fill('nobody-here@example.com');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect(page.getByText(/nobody-here@example\.com|no user|not found/i).first()).toBeVisible();
    await page.getByLabel('Email').fill('');
    await page.screenshot({ path: path.join(screenshotDir, 'settings-members.png'), fullPage: true });

    // API tokens: the secret appears once, with a copy button.
    await page.getByRole('tab', { name: 'API tokens' }).click();
    const tokenName = uniqueName('ci');
    await page.getByLabel('Token name').fill(tokenName);
    await page.getByLabel('Expires').selectOption('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    const reveal = page.getByRole('status').filter({ hasText: `Token “${tokenName}” created` });
    await expect(reveal).toBeVisible();
    const secret = (await reveal.locator('code').textContent())?.trim() ?? '';
    expect(secret.length).toBeGreaterThan(20);
    await expect(reveal.getByRole('button', { name: 'Copy the new token' })).toBeVisible();
    const tokenRow = page.getByRole('row').filter({ hasText: tokenName });
    await expect(tokenRow).toContainText('Never used');
    await page.screenshot({ path: path.join(screenshotDir, 'settings-tokens.png'), fullPage: true });

    // The token works against the API, and after a reload it is never shown again.
    const me = await page.request.post('/graphql', {
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      data: { query: '{ me { email } }' },
    });
    expect((await me.json()).data.me.email).toBeTruthy();
    await page.reload();
    await page.getByRole('tab', { name: 'API tokens' }).click();
    await expect(page.getByRole('row').filter({ hasText: tokenName })).toBeVisible();
    await expect(page.getByText(secret)).toHaveCount(0);

    // Audit log: the membership change is there, and the outcome filter works.
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await expect(page.getByRole('row').filter({ hasText: memberEmail }).first()).toBeVisible();
    await page.getByLabel('Outcome').selectOption('FAILURE');
    const failures = page.getByRole('row').filter({ hasText: 'Failure' });
    await expect(failures.first()).toBeVisible();
    await expect(page.getByRole('table').getByText('Success', { exact: false })).toHaveCount(0);
    await page.getByLabel('Outcome').selectOption('');
    await expect(page.getByText(/\d+ of \d+ events/)).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, 'settings-audit.png'), fullPage: true });

    // Revoke the token: it leaves the list.
    await page.getByRole('tab', { name: 'API tokens' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Revoke token ${tokenName}` }).click();
    await expect(page.getByRole('row').filter({ hasText: tokenName })).toHaveCount(0);
  });
});
