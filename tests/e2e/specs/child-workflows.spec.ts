// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import {
  adminToken,
  createTenantWithProject,
  createWorkflow,
  gql,
  runPhase,
  sh,
  startRun,
} from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/** Child workflows in the browser: the stage that runs another workflow, and the way between the two runs. */
test.describe('child workflows', () => {
  const tenant = uniqueName('children');
  let token: string;
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'deploy-lib',
      globalVariables: [{ name: 'TARGET', value: 'nowhere' }],
      stages: [sh('deploy', 'echo "deployed:${variables.TARGET}" >> "$CYCLONE_RESULTS"')],
    });
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'ship',
      stages: [
        sh('build', 'echo built'),
        {
          name: 'release',
          dependsOn: ['build'],
          workflow: { name: 'deploy-lib', parameters: [{ name: 'variables.TARGET', value: 'eu-west' }] },
        },
      ],
    });
  });

  test('the editor shows and edits the workflow a stage runs', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/ship');
    await expect(node(page, 'release')).toContainText('runs workflow deploy-lib', { timeout: 30_000 });
    await node(page, 'release').click();
    const drawer = page.getByRole('dialog', { name: 'Stage release' });
    await expect(drawer.getByLabel('Image')).toHaveCount(0);
    await expect(drawer.getByLabel('Workflow', { exact: true })).toHaveValue('deploy-lib');
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('toolbar', { name: 'Editor tools' }).getByRole('button', { name: 'Add workflow' }).click();
    const added = page.getByRole('dialog', { name: 'Stage run-workflow' });
    await added.getByLabel('Workflow', { exact: true }).fill('deploy-lib');
    await added.getByRole('button', { name: 'Apply' }).click();
    await expect(node(page, 'run-workflow')).toContainText('runs workflow deploy-lib');
    await page.screenshot({ path: path.join(screenshotDir, 'editor-child-workflow.png'), fullPage: true });
  });

  test('a run links to the child run its stage started, and back', async ({ page }) => {
    test.setTimeout(120_000);
    const run = await startRun(token, { tenant, project: 'shop', workflow: 'ship' });
    await expect.poll(() => runPhase(token, run.id), { timeout: 60_000 }).toBe('SUCCEEDED');
    await signInToTenant(page, tenant, `/projects/shop/workflows/ship/runs/${run.id}?stage=release`);
    const drawer = page.getByRole('dialog', { name: 'Stage release' });
    await expect(drawer).toContainText('deployed');
    await expect(drawer).toContainText('eu-west');
    const link = page.getByTestId('child-run-release').getByRole('link', { name: 'Runs deploy-lib: run #1' });
    await expect(link).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, 'run-child-workflow.png'), fullPage: true });
    await link.click();
    await expect(page).toHaveURL(/\/workflows\/deploy-lib\/runs\//);
    const parent = page.getByTestId('run-parent');
    await expect(parent).toContainText('Started by stage release of');
    await parent.getByRole('link', { name: 'ship #1' }).click();
    await expect(page).toHaveURL(new RegExp(`/runs/${run.id}`));
    const { workflowRun } = await gql<{
      workflowRun: { stages: { name: string; childRun: { phase: string } | null }[] };
    }>('query($id: ID!) { workflowRun(id: $id) { stages { name childRun { phase } } } }', { id: run.id }, token);
    expect(workflowRun.stages.find((stage) => stage.name === 'release')?.childRun).toEqual({ phase: 'SUCCEEDED' });
  });
});
