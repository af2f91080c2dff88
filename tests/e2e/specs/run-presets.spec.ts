import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, runPhase, sh } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/**
 * The original's WorkflowRun presets in the Run dialog: a service account and volumes for
 * the stage pods. The e2e platform runs stages on the host executor, which runs no pods:
 * the run keeps what was asked, shows it, and its stage fails saying why.
 */
test.describe('run presets', () => {
  const tenant = uniqueName('presets');
  let token: string;
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, { tenant, project: 'shop', name: 'deploy', stages: [sh('rollout', 'echo rolled')] });
  });

  test('the Run dialog sets a service account and a volume; the run shows them', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/deploy');
    await expect(node(page, 'rollout')).toBeVisible({ timeout: 30_000 });
    await page.locator('header').getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run deploy' });
    await dialog.getByText('Kubernetes: service account and volumes').click();
    await dialog.getByLabel('Service account').fill('builder');
    await dialog.getByRole('button', { name: 'Add volume' }).click();
    const volume = dialog.getByRole('group', { name: 'Volume 1' });
    await volume.getByLabel('Type').selectOption('SECRET');
    await volume.getByLabel('Claim, Secret or ConfigMap').fill('docker-config');
    await volume.getByLabel('Path or key').fill('config.json');
    await volume.getByLabel('Mount path').fill('/kaniko/.docker');
    await volume.getByLabel('Containers').selectOption('ALL');
    await page.screenshot({ path: path.join(screenshotDir, 'run-dialog-presets.png') });
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const id = page.url().split('/runs/')[1] as string;
    await expect(page.getByTestId('run-service-account')).toHaveText('Service account builder');
    await expect(page.getByTestId('run-volumes')).toHaveText(
      'Volumes SECRET docker-config:config.json → /kaniko/.docker (ALL)',
    );
    await expect.poll(() => runPhase(token, id), { timeout: 60_000 }).toBe('FAILED');
    await node(page, 'rollout').click();
    await expect(
      page.getByText(/the host executor runs no Kubernetes pods, so the run's service account/),
    ).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, 'run-presets.png'), fullPage: true });
  });

  test('a mount over the workspace is refused with its field, and nothing starts', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/deploy');
    await page.locator('header').getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run deploy' });
    await dialog.getByText('Kubernetes: service account and volumes').click();
    await dialog.getByRole('button', { name: 'Add volume' }).click();
    const volume = dialog.getByRole('group', { name: 'Volume 1' });
    await volume.getByLabel('Claim, Secret or ConfigMap').fill('cache');
    await volume.getByLabel('Mount path').fill('/workspace/cache');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await expect(dialog.getByRole('alert')).toContainText(
      'input.volumes[0].mountPath: must not be /workspace or /cyclone',
    );
    await expect(page).toHaveURL(/\/workflows\/deploy$/);
  });
});
