// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, runPhase, sh, startRun } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/** Matrix stages in the browser: one node with a badge in the editor, expanded into its combinations in a run. */
test.describe('matrix stages', () => {
  const tenant = uniqueName('matrix');
  let token: string;
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'cross',
      stages: [
        sh('build', 'echo built'),
        {
          ...sh('test', 'echo "testing on ${matrix.os} with go $MATRIX_GO"', ['build']),
          matrix: [
            { name: 'os', values: ['linux', 'darwin'] },
            { name: 'go', values: ['1.22', '1.23'] },
          ],
          maxParallel: 2,
        },
        sh('ship', 'echo shipped', ['test']),
      ],
    });
  });

  test('the editor shows a matrix stage as one node with its combinations, and sets a matrix', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/cross');
    await expect(page.getByTestId('stage-matrix-test')).toHaveText('×4', { timeout: 30_000 });
    await expect(page.getByTestId('stage-matrix-build')).toHaveCount(0);
    await node(page, 'test').click();
    const drawer = page.getByRole('dialog', { name: 'Stage test' });
    await expect(drawer.getByLabel('Axes: Name 1')).toHaveValue('os');
    await expect(drawer.getByLabel('Axes: Values, comma-separated 2')).toHaveValue('1.22, 1.23');
    await expect(drawer.getByLabel('At most at once')).toHaveValue('2');
    await drawer.getByRole('button', { name: 'Cancel' }).click();

    await node(page, 'ship').click();
    const ship = page.getByRole('dialog', { name: 'Stage ship' });
    await ship.getByRole('button', { name: 'Add axis' }).click();
    await ship.getByLabel('Axes: Name 1').fill('region');
    await ship.getByLabel('Axes: Values, comma-separated 1').fill('eu, us, ap');
    await ship.getByLabel('At most at once').fill('0');
    await expect(ship.getByText('A whole number from 1 to 256')).toBeVisible();
    await ship.getByLabel('At most at once').fill('1');
    await ship.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('stage-matrix-ship')).toHaveText('×3');
    await page.screenshot({ path: path.join(screenshotDir, 'editor-matrix.png'), fullPage: true });
  });

  test('a run counts the combinations on the node, lists them, and opens each one with its log', async ({ page }) => {
    test.setTimeout(120_000);
    const run = await startRun(token, { tenant, project: 'shop', workflow: 'cross' });
    await expect.poll(() => runPhase(token, run.id), { timeout: 60_000 }).toBe('SUCCEEDED');
    await signInToTenant(page, tenant, `/projects/shop/workflows/cross/runs/${run.id}`);
    await expect(page.getByTestId('stage-matrix-test')).toHaveText('4/4', { timeout: 30_000 });
    await node(page, 'test').click();
    const drawer = page.getByRole('dialog', { name: 'Stage test' });
    await expect(drawer).toContainText('4 of 4 combinations succeeded');
    const list = page.getByTestId('combinations-test');
    await expect(list.getByRole('listitem')).toHaveCount(4);
    await expect(list.getByRole('listitem').nth(2)).toContainText('os=darwin, go=1.22');
    await page.screenshot({ path: path.join(screenshotDir, 'run-matrix-combinations.png'), fullPage: true });
    await list.getByRole('button', { name: 'test.2' }).click();
    const combination = page.getByRole('dialog', { name: 'Stage test.2' });
    await expect(combination.getByTestId('combination-test.2')).toContainText('Combination os=darwin, go=1.22.');
    await expect(combination).toContainText('testing on darwin with go 1.22');
    await page.screenshot({ path: path.join(screenshotDir, 'run-matrix-combination-log.png'), fullPage: true });
    await combination.getByRole('button', { name: 'Back to test' }).click();
    await expect(page.getByRole('dialog', { name: 'Stage test' })).toBeVisible();
  });
});
