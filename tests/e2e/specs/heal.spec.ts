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

/** A failed run healed in place: the failed stage edited on the run page and retried from there. */
test.describe('edit and retry', () => {
  const tenant = uniqueName('heal');
  let token: string;
  let failedId: string;
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'release',
      stages: [
        sh('checkout', 'echo checked out'),
        sh('build', 'echo "missing flag" >&2; exit 2', ['checkout']),
        sh('publish', 'echo published', ['build']),
      ],
    });
    const run = await startRun(token, { tenant, project: 'shop', workflow: 'release' });
    await expect.poll(() => runPhase(token, run.id), { timeout: 60_000 }).toBe('FAILED');
    failedId = run.id;
  });

  test('the failed stage is edited and the run retried from it; what came before is reused', async ({ page }) => {
    await signInToTenant(page, tenant, `/projects/shop/workflows/release/runs/${failedId}`);
    await node(page, 'build').click();
    await page.getByRole('button', { name: 'Edit and retry' }).click();
    const form = page.getByRole('form', { name: 'Edit build and retry' });
    await expect(form.getByLabel('Image')).toHaveValue('alpine:3.20');
    const script = form.getByLabel('Script');
    await expect(script).toHaveValue('echo "missing flag" >&2; exit 2');
    await script.fill('echo "built with the flag"');
    await form.getByLabel('Environment (NAME=value per line)').fill('FLAG=on');
    await page.screenshot({ path: path.join(screenshotDir, 'edit-and-retry.png'), fullPage: true });
    await form.getByRole('button', { name: 'Retry with these changes' }).click();

    await expect(page).not.toHaveURL(new RegExp(`/runs/${failedId}$`));
    const retryId = page.url().split('/').pop() as string;
    await expect.poll(() => runPhase(token, retryId), { timeout: 60_000 }).toBe('SUCCEEDED');
    await expect(node(page, 'publish')).toHaveAttribute('data-phase', 'SUCCEEDED');
    await expect(page.getByTestId('run-overridden')).toHaveText('· edited: build');
    const { workflowRun } = await gql<{
      workflowRun: { overriddenStages: string[]; stages: { name: string; message: string }[] };
    }>('query($id: ID!) { workflowRun(id: $id) { overriddenStages stages { name message } } }', { id: retryId }, token);
    expect(workflowRun.overriddenStages).toEqual(['build']);
    expect(workflowRun.stages.find((s) => s.name === 'checkout')?.message).toMatch(/^reused from run #1/);
  });
});
