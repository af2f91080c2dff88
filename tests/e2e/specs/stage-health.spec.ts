import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, runPhase, sh, startRun } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/** Stage health painted onto the editor's DAG, and a run's critical path onto the run view. */
test.describe('stage health and critical path', () => {
  const tenant = uniqueName('health');
  let token: string;
  const runIds: string[] = [];
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'release',
      stages: [
        // Fails its first attempt in every run and passes the retry: a flaky stage.
        {
          ...sh(
            'test',
            'if [ -f "$CYCLONE_WORKSPACE/tried" ]; then exit 0; fi; touch "$CYCLONE_WORKSPACE/tried"; exit 1',
          ),
          retries: 1,
        },
        sh('docs', 'true', ['test']),
        sh('package', 'sleep 2', ['test']),
        sh('publish', 'true', ['docs', 'package']),
      ],
    });
    for (let i = 0; i < 2; i++) {
      const run = await startRun(token, { tenant, project: 'shop', workflow: 'release' });
      await expect.poll(() => runPhase(token, run.id), { timeout: 60_000 }).toBe('SUCCEEDED');
      runIds.push(run.id);
    }
  });

  test('the editor paints each stage with its p95 and flakes', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/release');
    await expect(node(page, 'test')).toBeVisible({ timeout: 30_000 });
    const toggle = page.getByRole('button', { name: 'Stage health' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const flaky = page.getByTestId('stage-health-test');
    await expect(flaky).toHaveText(/^p95 [\d.]+s · 2 flaky$/);
    await expect(flaky).toHaveAttribute('data-tone', 'warn');
    await expect(flaky).toHaveAttribute('title', /Last 2 runs: 0 failed, 2 flaky/);
    await expect(page.getByTestId('stage-health-package')).toHaveText(/^p95 [2-9][\d.]*s$/);
    await expect(page.getByTestId('stage-health-package')).toHaveAttribute('data-tone', 'ok');
    await page.screenshot({ path: path.join(screenshotDir, 'editor-stage-health.png'), fullPage: true });
    // Off again: the nodes show their images.
    await toggle.click();
    await expect(flaky).toHaveCount(0);
  });

  test('the run view draws the critical path on request', async ({ page }) => {
    await signInToTenant(page, tenant, `/projects/shop/workflows/release/runs/${runIds[0]}`);
    await expect(node(page, 'publish')).toBeVisible({ timeout: 30_000 });
    await expect(node(page, 'package')).not.toHaveAttribute('data-critical');
    await page.getByLabel('Critical path').check();
    for (const name of ['test', 'package', 'publish'])
      await expect(node(page, name)).toHaveAttribute('data-critical', 'true');
    await expect(node(page, 'docs')).not.toHaveAttribute('data-critical');
    await expect(page.locator('.react-flow__edge.critical')).toHaveCount(2);
    await page.screenshot({ path: path.join(screenshotDir, 'run-critical-path.png'), fullPage: true });
  });
});
