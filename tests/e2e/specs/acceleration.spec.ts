import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, gql, runPhase, sh } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/**
 * Acceleration in the browser: set on the workflow in the editor, offered (and changeable)
 * in the Run dialog, shown on the run; a second accelerated run finds what the first kept
 * in the stage's build tool folders.
 */
test.describe('acceleration', () => {
  const tenant = uniqueName('accel');
  let token: string;
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'build',
      stages: [
        sh(
          'compile',
          'if [ -f "$HOME/.npm/marker" ]; then echo "warm: $(cat "$HOME/.npm/marker")"; else echo cold; mkdir -p "$HOME/.npm"; echo kept > "$HOME/.npm/marker"; fi',
        ),
      ],
    });
  });

  const runFromDialog = async (page: Page, accelerated: boolean) => {
    await page.locator('header').getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run build' });
    // The dialog asks preflight first; the run may start whatever it says.
    await expect(dialog.getByTestId('run-preflight')).toContainText(/Preflight: all \d+ checks passed\./);
    await page.screenshot({ path: path.join(screenshotDir, 'run-dialog-preflight.png') });
    const box = dialog.getByRole('checkbox', { name: /Acceleration/ });
    await expect(box).toBeChecked();
    if (!accelerated) await box.uncheck();
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const id = page.url().split('/runs/')[1] as string;
    await expect.poll(() => runPhase(token, id), { timeout: 60_000 }).toBe('SUCCEEDED');
    return id;
  };

  test('the workflow turns it on, the Run dialog offers it, and the second run finds the kept folders', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await signInToTenant(page, tenant, '/projects/shop/workflows/build');
    await expect(node(page, 'compile')).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Description & variables' }).click();
    const meta = page.getByRole('dialog', { name: 'Workflow description and variables' });
    await meta.getByRole('checkbox', { name: /Acceleration/ }).check();
    await meta.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('tab', { name: 'YAML' }).click();
    await expect(page.getByLabel('Cyclone YAML')).toContainText('workflowrun.cyclone.dev/acceleration: "true"');
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('dialog', { name: 'Saved version 2' });
    await expect(saved).toContainText('+ acceleration: on');
    await saved.getByRole('button', { name: 'Close' }).click();
    const { workflow } = await gql<{ workflow: { acceleration: boolean } }>(
      'query($tenant: String!) { workflow(tenant: $tenant, project: "shop", name: "build") { acceleration } }',
      { tenant },
      token,
    );
    expect(workflow.acceleration).toBe(true);

    const first = await runFromDialog(page, true);
    await expect(page.getByTestId('run-accelerated')).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, 'run-accelerated-summary.png') });
    await page.goto(`/projects/shop/workflows/build/runs/${first}?stage=compile`);
    await expect(page.getByRole('dialog', { name: 'Stage compile' })).toContainText('cold', { timeout: 30_000 });

    await page.goto('/projects/shop/workflows/build');
    await expect(node(page, 'compile')).toBeVisible({ timeout: 30_000 });
    const second = await runFromDialog(page, true);
    await page.goto(`/projects/shop/workflows/build/runs/${second}?stage=compile`);
    const log = page.getByRole('dialog', { name: 'Stage compile' });
    await expect(log).toContainText('warm: kept', { timeout: 30_000 });
    await expect(page.getByTestId('run-accelerated')).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, 'run-accelerated.png'), fullPage: true });

    // Unchecked in the dialog: this run alone goes without, and starts cold.
    await page.goto('/projects/shop/workflows/build');
    await expect(node(page, 'compile')).toBeVisible({ timeout: 30_000 });
    const plain = await runFromDialog(page, false);
    await expect(page.getByTestId('run-accelerated')).toHaveCount(0);
    await page.goto(`/projects/shop/workflows/build/runs/${plain}?stage=compile`);
    await expect(page.getByRole('dialog', { name: 'Stage compile' })).toContainText('cold', { timeout: 30_000 });
  });
});
