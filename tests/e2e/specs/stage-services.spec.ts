import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, gql, sh } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/** The stage form's Services section: a service added in the browser is saved as the API's StageServiceInput. */
test.describe('stage services in the editor', () => {
  const tenant = uniqueName('svc');
  let token: string;
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'itest',
      stages: [sh('test', 'redis-cli -h db ping')],
    });
  });

  test('adds a database with a readiness port, saves it, and shows it again after a reload', async ({ page }) => {
    test.setTimeout(120_000);
    await signInToTenant(page, tenant, '/projects/shop/workflows/itest');
    await expect(node(page, 'test')).toBeVisible({ timeout: 30_000 });
    await node(page, 'test').click();
    let drawer = page.getByRole('dialog', { name: 'Stage test' });
    await drawer.getByRole('button', { name: 'Add service' }).click();
    await drawer.getByLabel('Services: Name 1').fill('db');
    await drawer.getByLabel('Services: Image 1').fill('redis:7');
    await drawer.getByLabel('Services: Command 1').fill('redis-server --save ""');
    await drawer.getByLabel('Services: Readiness 1').fill('6379');
    await drawer.getByRole('button', { name: 'Apply' }).click();

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('dialog', { name: 'Saved version 2' });
    await expect(saved).toContainText('+   service db:');
    await saved.getByRole('button', { name: 'Close' }).click();

    const { workflow } = await gql<{ workflow: { stages: { services: unknown[] }[] } }>(
      `query($tenant: String!) { workflow(tenant: $tenant, project: "shop", name: "itest") {
        stages { services { name image command args readiness { command tcpPort } } } } }`,
      { tenant },
      token,
    );
    expect(workflow.stages[0]?.services).toEqual([
      {
        name: 'db',
        image: 'redis:7',
        command: ['redis-server', '--save', '""'],
        args: [],
        readiness: { command: null, tcpPort: 6379 },
      },
    ]);

    await page.reload();
    await node(page, 'test').click();
    drawer = page.getByRole('dialog', { name: 'Stage test' });
    await expect(drawer.getByLabel('Services: Name 1')).toHaveValue('db');
    await expect(drawer.getByLabel('Services: Readiness 1')).toHaveValue('6379');
    await drawer.getByLabel('Services: Readiness 1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshotDir, 'editor-stage-services.png') });
  });
});
