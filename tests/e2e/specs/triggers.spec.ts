import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, gql, sh } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName, unusedPort } from '../support/settings-fixtures';

test.describe('workflow triggers', () => {
  const tenant = uniqueName('triggers');

  test.beforeAll(async () => {
    const token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, { tenant, project: 'shop', name: 'nightly', stages: [sh('build', 'echo hi')] });
  });

  test('creates a cron trigger with live validation and sees its next fire times', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/nightly/triggers');
    await expect(page.getByRole('heading', { level: 1, name: 'Triggers of nightly' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No triggers yet' })).toBeVisible();

    await page.getByRole('button', { name: 'Add trigger' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Add trigger' });
    await drawer.getByLabel('Name').fill('weekday-build');
    await expect(drawer.getByLabel('Type')).toHaveValue('CRON');

    const schedule = drawer.getByLabel('Schedule');
    await schedule.fill('30 4 * *');
    await expect(drawer.getByRole('alert').filter({ hasText: 'this one has 4' })).toBeVisible();
    await schedule.fill('99 4 * * *');
    await expect(drawer.getByRole('alert').filter({ hasText: /not a valid cron schedule/ })).toBeVisible();
    await schedule.fill('30 4 * * 1-5');
    const preview = drawer.getByRole('list', { name: 'Next 5 fire times' });
    await expect(preview.getByRole('listitem')).toHaveCount(5);
    await expect(preview.getByRole('listitem').first()).toContainText('4:30 AM UTC');
    await page.screenshot({ path: path.join(screenshotDir, 'triggers-drawer.png'), fullPage: true });

    await drawer.getByRole('button', { name: 'Add', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Trigger weekday-build' });
    await expect(edit).toBeVisible();
    await edit.getByRole('button', { name: 'Cancel' }).click();

    const row = page.getByRole('row').filter({ hasText: 'weekday-build' });
    await expect(row).toContainText('30 4 * * 1-5');
    await expect(row.getByRole('list', { name: 'Next fire times of weekday-build' }).getByRole('listitem')).toHaveCount(
      5,
    );
    await expect(row).toContainText('Enabled');
    await page.screenshot({ path: path.join(screenshotDir, 'triggers.png'), fullPage: true });
  });

  test('an SCM trigger needs an SCM integration, then shows its webhook URL to copy', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/nightly/triggers');
    await page.getByRole('button', { name: 'Add trigger' }).first().click();
    let drawer = page.getByRole('dialog', { name: 'Add trigger' });
    await drawer.getByLabel('Type').selectOption('SCM');
    await expect(drawer.getByRole('alert').filter({ hasText: 'no SCM integration yet' })).toBeVisible();
    await drawer.getByRole('button', { name: 'Cancel' }).click();

    await gql(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }',
      {
        input: {
          tenant,
          name: 'git-server',
          type: 'GIT',
          config: { server: `http://127.0.0.1:${await unusedPort()}/acme/shop.git` },
          secret: { password: 'pw', webhookSecret: 'hook-secret' },
        },
      },
      await adminToken(),
    );
    await page.reload();
    await page.getByRole('button', { name: 'Add trigger' }).first().click();
    drawer = page.getByRole('dialog', { name: 'Add trigger' });
    await drawer.getByLabel('Name').fill('on-push');
    await drawer.getByLabel('Type').selectOption('SCM');
    await drawer.getByLabel('SCM integration').selectOption('git-server');
    await drawer.getByLabel('Repository').fill('acme/shop');
    await expect(drawer.getByLabel('Push', { exact: true })).toBeChecked();
    await drawer.getByLabel('Push branches').fill('main, release/*');
    await drawer.getByLabel('Tag release').check();
    await drawer.getByLabel('Pull request', { exact: true }).check();
    const fromRevision = drawer.getByLabel('Use the workflow in .cyclone.yaml at the pushed revision');
    await expect(fromRevision).not.toBeChecked();
    await fromRevision.check();
    await drawer.getByRole('button', { name: 'Add', exact: true }).click();

    const edit = page.getByRole('dialog', { name: 'Trigger on-push' });
    // Saved on the server: the edit drawer shows what the API returned.
    await expect(edit.getByLabel('Use the workflow in .cyclone.yaml at the pushed revision')).toBeChecked();
    const url = edit.locator('code').filter({ hasText: '/webhooks/' });
    await expect(url).toHaveText(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/[0-9a-f-]{36}$/);
    await expect(edit.getByRole('button', { name: 'Copy the webhook URL' })).toBeVisible();
    await url.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshotDir, 'triggers-scm-drawer.png') });
    await edit.getByRole('button', { name: 'Cancel' }).click();
    const row = page.getByRole('row').filter({ hasText: 'on-push' });
    await expect(row).toContainText('git-server · acme/shop');
    await expect(row).toContainText('push, tag release, pull request');
  });
});
