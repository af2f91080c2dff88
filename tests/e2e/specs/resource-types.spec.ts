import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, gql, sh } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/**
 * The original's resource types (a Resource labelled resource.cyclone.dev/template): a
 * tenant registers one on the Resource types page, then a project's resource of that type
 * is made through the form, its parameters pre-filled from the type, and the server checks it.
 */
test.describe('resource types', () => {
  const tenant = uniqueName('restypes');

  test.beforeAll(async () => {
    const token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, { tenant, project: 'shop', name: 'ship', stages: [sh('upload', 'echo up')] });
    const integration = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }';
    await gql(
      integration,
      { input: { tenant, name: 'git-main', type: 'GIT', config: { server: 'https://git.example.com' } } },
      token,
    );
    await gql(integration, { input: { tenant, name: 'hub', type: 'DOCKER_HUB', config: { username: 'ci' } } }, token);
  });

  test('register a type, then create a resource of it in a project through the form', async ({ page }) => {
    test.setTimeout(120_000);
    await signInToTenant(page, tenant, '/templates');
    await page
      .getByRole('navigation', { name: 'Template kinds' })
      .getByRole('link', { name: 'Resource types' })
      .click();
    await expect(page).toHaveURL(/\/templates\/resource-types$/);
    const table = page.getByRole('table', { name: 'Resource types' });
    const git = table.getByRole('row').filter({ has: page.getByText('Git', { exact: true }) });
    await expect(git).toContainText('Built in');
    await expect(git.getByRole('button', { name: 'Edit Git' })).toHaveCount(0);

    await page.getByRole('button', { name: 'Register type' }).click();
    const register = page.getByRole('dialog', { name: 'Register a resource type' });
    await register.getByLabel('Type name').fill('Oss');
    await register.getByLabel('Resolver image').fill('registry.example.com/resolvers/oss:1.0');
    await register.getByLabel('push', { exact: true }).check();
    await register.getByRole('button', { name: 'Add parameter' }).click();
    await register.getByLabel('Parameter 1 name').fill('BUCKET');
    await register.getByLabel('Parameter 1 description').fill('The bucket to upload to.');
    await register.getByRole('checkbox', { name: 'Required' }).first().check();
    await register.getByRole('button', { name: 'Add parameter' }).click();
    await register.getByLabel('Parameter 2 name').fill('SCM_URL');
    await register.getByLabel('Binds integrations of').selectOption('SCM');
    await register.getByRole('button', { name: 'Add binding' }).click();
    await register.getByLabel('Parameter bindings: Parameter 1').fill('SCM_URL');
    await register.getByLabel('Parameter bindings: Integration field, e.g. scm.server 1').fill('scm.server');
    await page.screenshot({ path: path.join(screenshotDir, 'resource-type-drawer.png') });
    await register.getByRole('button', { name: 'Register type' }).click();
    await expect(register).toBeHidden();
    const oss = table.getByRole('row').filter({ has: page.getByText('Oss', { exact: true }) });
    await expect(oss).toContainText('Registered');
    await expect(oss).toContainText('pull, push');
    await expect(oss).toContainText('SCM: SCM_URL → scm.server');
    await page.screenshot({ path: path.join(screenshotDir, 'resource-types.png'), fullPage: true });

    // A resource of it, through the project's Resources tab.
    await page.goto('/projects/shop');
    await page.getByRole('tab', { name: /Resources/ }).click();
    await page.getByRole('button', { name: 'New resource' }).click();
    const form = page.getByRole('dialog', { name: 'New resource' });
    await form.getByLabel('Resource name').fill('reports');
    await form.getByLabel('Type', { exact: true }).selectOption('Oss');
    const bucket = form.getByLabel('BUCKET (required)');
    await expect(bucket).toHaveValue('');
    await expect(form).toContainText('The bucket to upload to.');
    await expect(form.getByLabel('SCM_URL', { exact: true })).toBeVisible();
    const integration = form.getByLabel('Integration', { exact: true });
    await expect(integration.locator('option')).toHaveText(['None', 'git-main (GIT)']);
    await integration.selectOption('git-main');
    await expect(form).toContainText('Only SCM integrations: the parameters SCM_URL come from the chosen integration.');
    await form.getByRole('button', { name: 'Create resource' }).click();
    await expect(form.getByRole('alert')).toContainText('needs the parameter BUCKET');
    await page.screenshot({ path: path.join(screenshotDir, 'resource-form-error.png') });
    await bucket.fill('reports-bucket');
    await form.getByRole('button', { name: 'Create resource' }).click();
    await expect(form).toBeHidden();
    const resources = page.getByRole('table', { name: 'Resources' });
    const row = resources.getByRole('row').filter({ hasText: 'reports' });
    await expect(row).toContainText('Oss');
    await expect(row).toContainText('git-main');
    await page.screenshot({ path: path.join(screenshotDir, 'resource-registered-type.png'), fullPage: true });
    await row.getByRole('button', { name: 'Edit reports' }).click();
    const edit = page.getByRole('dialog', { name: 'Resource reports' });
    await expect(edit.getByLabel('Type', { exact: true })).toHaveValue('Oss');
    await expect(edit.getByLabel('BUCKET (required)')).toHaveValue('reports-bucket');
    await expect(edit.getByLabel('Integration', { exact: true })).toHaveValue('git-main');
    await edit.getByRole('button', { name: 'Cancel' }).click();

    // The type cannot go while the resource has it.
    await page.goto('/templates/resource-types');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete Oss' }).click();
    await expect(page.getByText(/is used by resources shop\/reports/)).toBeVisible();
  });

  test('a stage output resource keeps the path it pushes through save and reload', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/ship');
    const node = page.getByTestId('stage-node-upload');
    await expect(node).toBeVisible({ timeout: 30_000 });
    await node.click();
    const drawer = page.getByRole('dialog', { name: 'Stage upload' });
    const outputs = drawer.getByRole('group', { name: 'Output resources' });
    await outputs.getByRole('button', { name: 'Add resource' }).click();
    await outputs.getByLabel('Output resources: Resource 1').fill('reports');
    await outputs.getByLabel('Output resources: Path it pushes (optional) 1').fill('/workspace/out');
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('dialog', { name: 'Saved version 2' });
    await expect(saved).toContainText('output resource reports at /workspace/out');
    await saved.getByRole('button', { name: 'Close' }).click();
    await page.reload();
    await page.getByTestId('stage-node-upload').click();
    const again = page.getByRole('dialog', { name: 'Stage upload' });
    await expect(again.getByLabel('Output resources: Path it pushes (optional) 1')).toHaveValue('/workspace/out');

    // The workflow now uses the resource: deleting it is refused, saying who uses it.
    await page.goto('/projects/shop');
    await page.getByRole('tab', { name: /Resources/ }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete reports' }).click();
    await expect(page.getByText('Could not delete the resource')).toBeVisible();
    await expect(page.getByText(/resource "reports" is used by/)).toBeVisible();
    await expect(page.getByRole('table', { name: 'Resources' })).toContainText('reports');
  });
});
