import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminToken } from '../support/runs-fixtures';
import { createTenant, screenshotDir, signInToTenant, uniqueName, unusedPort } from '../support/settings-fixtures';

test.describe('integration center', () => {
  const tenant = uniqueName('integrations');

  test.beforeAll(async () => {
    await createTenant(await adminToken(), tenant);
  });

  test('adds a GIT integration, tests it against a closed port and reads why it failed', async ({ page }) => {
    const port = await unusedPort();
    const server = `http://127.0.0.1:${port}/team/app.git`;
    await signInToTenant(page, tenant, '/integrations');
    await expect(page.getByRole('heading', { level: 1, name: 'Integration Center' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No integrations yet' })).toBeVisible();

    await page.getByRole('button', { name: 'Add external system' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Add external system' });
    await drawer.getByLabel('Type').selectOption('GIT');
    await drawer.getByLabel('Name', { exact: true }).fill('loopback-git');
    await drawer.getByLabel('Description').fill('Nobody listens here');
    await drawer.getByLabel('Server *').fill(server);
    await drawer.getByLabel('Username').fill('builder');
    await drawer.getByLabel('Password').fill('not-a-real-password');
    await drawer.getByRole('button', { name: 'Add', exact: true }).click();

    // The drawer stays open on the saved integration; the password is write-only now.
    const edit = page.getByRole('dialog', { name: 'Integration loopback-git' });
    await expect(edit).toBeVisible();
    await expect(edit.getByLabel('Password')).toHaveValue('');
    await expect(edit.getByLabel('Password')).toHaveAttribute('placeholder', 'unchanged');

    await edit.getByRole('button', { name: 'Test connection' }).click();
    const result = edit.getByRole('status').filter({ hasText: 'Connection failed at' });
    await expect(result).toBeVisible({ timeout: 30_000 });
    await expect(result).toContainText(/Connect|Response/);
    await expect(result).toContainText(/ECONNREFUSED|refused|127\.0\.0\.1/i);
    await expect(result.getByRole('list', { name: 'Checks' }).getByRole('listitem')).toHaveCount(5);
    await page.screenshot({ path: path.join(screenshotDir, 'integrations-test-failed.png'), fullPage: true });

    await edit.getByRole('button', { name: 'Cancel' }).click();
    const row = page.getByRole('row').filter({ hasText: 'loopback-git' });
    await expect(row).toContainText('Git');
    await expect(row).toContainText(server);
    await page.screenshot({ path: path.join(screenshotDir, 'integrations.png'), fullPage: true });

    // Delete asks first.
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete loopback-git' }).click();
    await expect(page.getByRole('heading', { name: 'No integrations yet' })).toBeVisible();
  });

  test('shows the form of each type', async ({ page }) => {
    await signInToTenant(page, tenant, '/integrations');
    await page.getByRole('button', { name: 'Add external system' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Add external system' });
    await drawer.getByLabel('Type').selectOption('GITHUB');
    for (const label of ['Server', 'Username', 'Access token', 'Webhook secret']) {
      await expect(drawer.getByLabel(label, { exact: true })).toBeVisible();
    }
    await drawer.getByLabel('Type').selectOption('KUBERNETES');
    await expect(drawer.getByLabel('Kubeconfig')).toBeVisible();
    await drawer.getByLabel('Type').selectOption('SONARQUBE');
    await expect(drawer.getByLabel('Access token')).toBeVisible();
    await drawer.getByLabel('Type').selectOption('GENERAL');
    await expect(drawer.getByLabel('Key 1')).toBeVisible();
    await drawer.getByRole('button', { name: 'Add a pair' }).click();
    await expect(drawer.getByLabel('Value 2')).toBeVisible();
  });
});
