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

/** Stage caches in the browser: set in the stage form, then a second run's log says the cache was restored. */
test.describe('stage caches', () => {
  const tenant = uniqueName('cache');
  let token: string;
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'deps',
      stages: [
        sh(
          'install',
          'if [ -f .cache/deps/marker ]; then echo "warm: $(cat .cache/deps/marker)"; else mkdir -p .cache/deps && echo fetched > .cache/deps/marker && echo cold; fi',
        ),
      ],
    });
  });

  test('the stage form sets a cache; the next run restores what the first saved, and its log says so', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await signInToTenant(page, tenant, '/projects/shop/workflows/deps');
    await expect(node(page, 'install')).toBeVisible({ timeout: 30_000 });
    await node(page, 'install').click();
    const drawer = page.getByRole('dialog', { name: 'Stage install' });
    await drawer.getByRole('button', { name: 'Add cache' }).click();
    await drawer.getByLabel('Caches: Key 1').fill('deps-v1');
    await drawer.getByLabel('Caches: Paths in the workspace, comma-separated 1').fill('.cache/deps');
    await drawer.getByLabel('Caches: Restore key prefixes, comma-separated 1').fill('deps-');
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('dialog', { name: 'Saved version 2' });
    await expect(saved).toContainText('cache deps-v1');
    await saved.getByRole('button', { name: 'Close' }).click();

    const { workflow } = await gql<{ workflow: { stages: { caches: unknown[] }[] } }>(
      'query($tenant: String!) { workflow(tenant: $tenant, project: "shop", name: "deps") { stages { caches { key paths restoreKeys } } } }',
      { tenant },
      token,
    );
    expect(workflow.stages[0]?.caches).toEqual([{ key: 'deps-v1', paths: ['.cache/deps'], restoreKeys: ['deps-'] }]);

    const first = await startRun(token, { tenant, project: 'shop', workflow: 'deps' });
    await expect.poll(() => runPhase(token, first.id), { timeout: 60_000 }).toBe('SUCCEEDED');
    const second = await startRun(token, { tenant, project: 'shop', workflow: 'deps' });
    await expect.poll(() => runPhase(token, second.id), { timeout: 60_000 }).toBe('SUCCEEDED');

    await page.goto(`/projects/shop/workflows/deps/runs/${second.id}?stage=install`);
    const log = page.getByRole('dialog', { name: 'Stage install' });
    await expect(log).toContainText('cache restored from key deps-v1', { timeout: 30_000 });
    await expect(log).toContainText('warm: fetched');
    await page.screenshot({ path: path.join(screenshotDir, 'run-cache-restored.png'), fullPage: true });
  });
});
