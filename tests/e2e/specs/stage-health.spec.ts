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

/** Stage health painted onto the editor's DAG; a run's critical path and its replay on the run view. */
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
        sh('docs', 'echo first; sleep 1; echo second', ['test']),
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

  test('the editor runs preflight on the saved workflow', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/release');
    await expect(node(page, 'test')).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Run preflight' }).click();
    await expect(page.getByTestId('preflight-summary')).toHaveText(/^All \d+ checks passed\.$/);
    await expect(page.getByTestId('preflight-check').filter({ hasText: 'package' })).toContainText(
      'IMAGE: not checked: no registry integration of the tenant serves docker.io',
    );
    await page.screenshot({ path: path.join(screenshotDir, 'editor-preflight.png'), fullPage: true });

    // An unsaved edit is what preflight checks: a secret of an integration the tenant does not have.
    await node(page, 'test').click();
    const drawer = page.getByRole('dialog', { name: 'Stage test' });
    await drawer.getByRole('button', { name: 'Add variable' }).click();
    await drawer.getByLabel('Environment variables: Name 1').fill('TOKEN');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference.
    await drawer.getByLabel('Environment variables: Value 1').fill('${secrets.vault.token}');
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByText('Unsaved changes')).toBeVisible();
    await page.getByRole('button', { name: 'Run preflight' }).click();
    await expect(page.getByTestId('preflight-summary')).toHaveText(/^1 of \d+ checks failed\.$/);
    await expect(page.getByTestId('preflight-check').filter({ hasText: 'SECRET' })).toContainText(
      'the tenant has no integration "vault"',
    );
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

  test('replays a finished run: the graph and the log as they stood at the scrubbed moment', async ({ page }) => {
    const { workflowRun: run } = await gql<{
      workflowRun: { startedAt: string; stages: { name: string; startedAt: string | null }[] };
    }>('query($id: ID!) { workflowRun(id: $id) { startedAt stages { name startedAt } } }', { id: runIds[0] }, token);
    const starts = [run.startedAt, ...run.stages.map((stage) => stage.startedAt)].flatMap((at) =>
      at ? [Date.parse(at)] : [],
    );
    const spanStart = Math.min(...starts);
    const docsStart = Date.parse(run.stages.find((stage) => stage.name === 'docs')?.startedAt ?? '');

    await signInToTenant(page, tenant, `/projects/shop/workflows/release/runs/${runIds[0]}`);
    await expect(node(page, 'publish')).toHaveAttribute('data-phase', 'SUCCEEDED', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const player = page.getByRole('group', { name: 'Replay of the run' });
    await expect(player).toBeVisible();
    // It starts at 10× and soon stands at its end; from there Play starts it again from the
    // beginning. Waiting for that end first keeps the Pause click off a button that turns
    // into Play under the pointer.
    const play = player.getByRole('button', { name: 'Play', exact: true });
    await expect(play).toBeVisible({ timeout: 30_000 });
    // It plays at 1×, so it is still playing when paused: the clock moves on.
    await player.getByLabel('Replay speed').selectOption('1');
    await play.click();
    await expect(page.getByTestId('replay-clock')).not.toHaveText(/^0:00 \//);
    await player.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(play).toBeVisible();

    const scrubber = player.getByLabel('Replay position');
    await scrubber.fill('0');
    for (const name of ['docs', 'package', 'publish'])
      await expect(node(page, name)).toHaveAttribute('data-phase', 'PENDING');

    // Half a second into docs: it runs, its log has its first line only.
    // The scrubber counts tenths of a second.
    await scrubber.fill(String(Math.round((docsStart - spanStart + 500) / 100)));
    await expect(node(page, 'docs')).toHaveAttribute('data-phase', 'RUNNING');
    await expect(node(page, 'publish')).toHaveAttribute('data-phase', 'PENDING');
    await page.screenshot({ path: path.join(screenshotDir, 'run-replay.png'), fullPage: true });
    await node(page, 'docs').click();
    await expect(page.getByTestId('log-lines')).toHaveAttribute('data-line-count', '1');
    await expect(page.getByTestId('log-lines')).toContainText('first');

    // The end: every stage as it ended, the whole log.
    await scrubber.fill((await scrubber.getAttribute('max')) as string);
    await expect(node(page, 'publish')).toHaveAttribute('data-phase', 'SUCCEEDED');
    await expect(page.getByTestId('log-lines')).toHaveAttribute('data-line-count', '2');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('log-lines')).toHaveCount(0);
    await player.getByRole('button', { name: 'Close replay' }).click();
    await expect(player).toHaveCount(0);
  });
});
