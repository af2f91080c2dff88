import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, gql, sh, startRun } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/** Two versions of a workflow on one canvas: what was added, removed and changed, field by field. */
test.describe('version diff', () => {
  const tenant = uniqueName('versions');
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);
  let runOfV1: string;

  test.beforeAll(async () => {
    const token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'release',
      stages: [sh('build', 'make'), sh('lint', 'make lint', ['build']), sh('test', 'make test', ['build'])],
    });
    runOfV1 = (await startRun(token, { tenant, project: 'shop', workflow: 'release' })).id;
    await gql(
      'mutation($input: UpdateWorkflowInput!) { updateWorkflow(input: $input) { version } }',
      {
        input: {
          tenant,
          project: 'shop',
          name: 'release',
          stages: [
            { ...sh('build', 'make'), image: 'golang:1.23' },
            sh('test', 'make test', ['build']),
            sh('publish', 'make publish', ['test']),
          ],
        },
      },
      token,
    );
  });

  test('the editor opens the comparison; the canvas colours each change and a stage shows its fields', async ({
    page,
  }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/release');
    await page.getByRole('link', { name: 'Compare versions' }).click();
    await expect(page).toHaveURL(/\/workflows\/release\/versions$/);
    await expect(page.getByTestId('version-summary')).toHaveText('1 added · 1 removed · 1 changed');
    await expect(page.getByLabel('From', { exact: true })).toHaveValue('1');
    await expect(page.getByLabel('To', { exact: true })).toHaveValue('2');
    await expect(node(page, 'build')).toHaveAttribute('data-change', 'changed');
    await expect(node(page, 'publish')).toHaveAttribute('data-change', 'added');
    await expect(node(page, 'lint')).toHaveAttribute('data-change', 'removed');
    await expect(node(page, 'test')).not.toHaveAttribute('data-change');
    await expect(page.locator('.react-flow__edge.added')).toHaveCount(1);
    await expect(page.locator('.react-flow__edge.removed')).toHaveCount(1);

    await node(page, 'build').click();
    const details = page.getByRole('complementary', { name: 'Changes of the selected stage' });
    const image = details.getByRole('row', { name: /image/ });
    await expect(image).toContainText('alpine:3.20');
    await expect(image).toContainText('golang:1.23');
    await page.screenshot({ path: path.join(screenshotDir, 'version-diff.png'), fullPage: true });
    await node(page, 'lint').click();
    await expect(details).toContainText('Removed in v2: only in v1.');

    // The same version on both sides: nothing changed.
    await page.getByLabel('From', { exact: true }).selectOption('2');
    await expect(page).toHaveURL(/from=2&to=2/);
    await expect(page.getByTestId('version-summary')).toHaveText('0 added · 0 removed · 0 changed');
  });

  test("a run's version links to its comparison with the current one", async ({ page }) => {
    await signInToTenant(page, tenant, `/projects/shop/workflows/release/runs/${runOfV1}`);
    await page.getByRole('link', { name: 'v1', exact: true }).click();
    await expect(page).toHaveURL(/\/workflows\/release\/versions\?from=1$/);
    await expect(page.getByLabel('From', { exact: true })).toHaveValue('1');
    await expect(page.getByLabel('To', { exact: true })).toHaveValue('2');
    await expect(page.getByTestId('version-summary')).toHaveText('1 added · 1 removed · 1 changed');
  });
});
