import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import {
  adminToken,
  createTenantWithProject,
  createWorkflow,
  runPhase,
  sh,
  signInTo,
  startRun,
} from '../support/runs-fixtures';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-results/screenshots');
mkdirSync(screenshots, { recursive: true });

const TENANT = `logsearch-${Date.now().toString(36)}`;
const PROJECT = 'shop';
// 400 lines; line 250 is the one to find, far below the first screen of the log.
const ROLLOUT = [
  'for i in $(seq 1 249); do echo "rollout step $i: waiting for pods"; done',
  'echo "pod web-1 terminated: reason=OOMKilled exit code 137"',
  'for i in $(seq 251 400); do echo "rollout step $i: waiting for pods"; done',
].join('; ');

let runId: string;

test.beforeAll(async () => {
  const token = await adminToken();
  await createTenantWithProject(token, TENANT, PROJECT);
  await createWorkflow(token, {
    tenant: TENANT,
    project: PROJECT,
    name: 'deploy',
    stages: [sh('build', 'echo "built image shop:1.0"'), sh('rollout', ROLLOUT, ['build'])],
  });
  const run = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'deploy' });
  runId = run.id;
  await expect.poll(() => runPhase(token, run.id), { timeout: 60_000 }).toBe('SUCCEEDED');
});

test('search every log, then open a hit at its line in the run log', async ({ page }) => {
  await signInTo(page, TENANT);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Log search' }).click();
  await expect(page).toHaveURL(/\/logs$/);
  await expect(page.getByRole('heading', { name: 'Search every log' })).toBeVisible();

  // A query an index cannot narrow is refused before anything is sent.
  await page.getByLabel('Search logs').fill('ab');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByText('Use a word of at least 3 letters or digits.')).toBeVisible();

  await page.getByLabel('Search logs').fill('oomkilled "exit code"');
  await page.getByLabel('Time').selectOption({ label: 'Last 24 hours' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/q=oomkilled\+%22exit\+code%22/);
  await expect(page.getByRole('status').filter({ hasText: 'newest first' })).toHaveText('Showing 1, newest first');
  const hit = page.getByTestId('log-search-hit');
  await expect(hit).toHaveText('pod web-1 terminated: reason=OOMKilled exit code 137');
  // Both terms are marked in the line, as found (case ignored).
  await expect(hit.locator('mark')).toHaveText(['OOMKilled', 'exit code']);
  await expect(page.getByRole('link', { name: 'deploy #1' })).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'log-search.png'), fullPage: true });

  // The address keeps the search: a reload shows the same hit.
  await page.reload();
  await expect(page.getByTestId('log-search-hit')).toHaveCount(1);

  await page.getByTestId('log-search-hit').click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}\\?stage=rollout&line=250$`));
  const drawer = page.getByRole('dialog', { name: 'Stage rollout' });
  await expect(drawer).toBeVisible();
  const log = drawer.getByRole('log');
  await expect(log).toHaveAttribute('data-linked-seq', '250');
  const line = log.locator('[data-seq="250"]');
  await expect(line).toHaveAttribute('data-linked', 'true');
  await expect(line).toContainText('reason=OOMKilled exit code 137');
  await expect(line).toBeInViewport();
  // Opened at a line, the log does not follow to its end.
  await expect(drawer.getByRole('button', { name: 'Follow' })).toHaveAttribute('aria-pressed', 'false');
  await expect(log.locator('[data-seq="1"]')).not.toBeInViewport();
  await page.screenshot({ path: path.join(screenshots, 'log-search-line.png') });
});

test('a deep link to a stage and line works when opened directly', async ({ page }) => {
  await signInTo(page, TENANT);
  await page.goto(`/projects/${PROJECT}/workflows/deploy/runs/${runId}?stage=rollout&line=320`);
  const drawer = page.getByRole('dialog', { name: 'Stage rollout' });
  const line = drawer.getByRole('log').locator('[data-seq="320"]');
  await expect(line).toHaveAttribute('data-linked', 'true');
  await expect(line).toContainText('rollout step 320: waiting for pods');
  await expect(line).toBeInViewport();
  // Closing the drawer forgets the link: the address is the run's again.
  await drawer.getByRole('button', { name: 'Close the stage panel' }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
});
