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

/** What the API says of a run: its phase, whether it is stopping, its stages' phases. */
async function stagePhases(token: string, id: string) {
  const { workflowRun: run } = await gql<{
    workflowRun: { phase: string; isStopping: boolean; stages: { name: string; phase: string }[] };
  }>('query($id: ID!) { workflowRun(id: $id) { phase isStopping stages { name phase } } }', { id }, token);
  return {
    phase: run.phase,
    isStopping: run.isStopping,
    stages: run.stages.map((s) => `${s.name}:${s.phase}`).join(' '),
  };
}

/** The workflow language in the browser: a stage's condition and finally fields, a skipped reason, a cron time zone. */
test.describe('workflow language', () => {
  const tenant = uniqueName('lang');
  let token: string;
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'release',
      stages: [sh('build', 'echo "ship:no" >> "$CYCLONE_RESULTS"'), sh('deploy', 'echo deploying', ['build'])],
    });
  });

  test('the stage form sets a condition and a finally stage; the run shows why a stage was skipped', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await signInToTenant(page, tenant, '/projects/shop/workflows/release');
    await expect(node(page, 'deploy')).toBeVisible({ timeout: 30_000 });

    // A condition that does not parse is refused while typed, with the reason.
    await node(page, 'deploy').click();
    let drawer = page.getByRole('dialog', { name: 'Stage deploy' });
    const when = drawer.getByLabel('Run when');
    await when.fill("stages['build'].outputs[");
    await expect(drawer.getByText(/Unexpected/)).toBeVisible();
    await expect(drawer.getByRole('button', { name: 'Apply' })).toBeDisabled();
    await when.fill("stages['build'].outputs['ship'] == 'yes'");
    await expect(drawer.getByRole('button', { name: 'Apply' })).toBeEnabled();
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await expect(node(page, 'deploy')).toContainText('if');

    // A finally stage, drawn apart.
    await page.getByRole('toolbar', { name: 'Editor tools' }).getByRole('button', { name: 'Add stage' }).click();
    drawer = page.getByRole('dialog', { name: /^Stage / });
    await drawer.getByLabel('Stage name').fill('cleanup');
    await drawer.getByLabel('Image').fill('alpine:3.20');
    await drawer.getByLabel('Command').fill('sh\n-c\necho cleaning');
    await drawer.getByLabel('Finally').check();
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await expect(node(page, 'cleanup')).toHaveAttribute('data-finally', 'true');
    await expect(node(page, 'cleanup')).toContainText('finally');
    await expect(node(page, 'deploy')).not.toHaveAttribute('data-finally', 'true');

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('dialog', { name: 'Saved version 2' });
    await expect(saved).toContainText("+   when: stages['build'].outputs['ship'] == 'yes'");
    await expect(saved).toContainText('+   finally: true');
    await saved.getByRole('button', { name: 'Close' }).click();
    await page.screenshot({ path: path.join(screenshotDir, 'editor-language.png'), fullPage: true });

    // Saved: the form shows both after a reload.
    await page.reload();
    await node(page, 'deploy').click();
    drawer = page.getByRole('dialog', { name: 'Stage deploy' });
    await expect(drawer.getByLabel('Run when')).toHaveValue("stages['build'].outputs['ship'] == 'yes'");
    await expect(drawer.getByLabel('Finally')).not.toBeChecked();
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    await node(page, 'cleanup').click();
    await expect(page.getByRole('dialog', { name: 'Stage cleanup' }).getByLabel('Finally')).toBeChecked();
    await page.getByRole('dialog', { name: 'Stage cleanup' }).getByRole('button', { name: 'Cancel' }).click();

    // A run: build says ship:no, so deploy is skipped and the graph says why; cleanup runs.
    const run = await startRun(token, { tenant, project: 'shop', workflow: 'release' });
    await expect.poll(() => runPhase(token, run.id), { timeout: 60_000 }).toBe('SUCCEEDED');
    await page.goto(`/projects/shop/workflows/release/runs/${run.id}`);
    await expect(node(page, 'deploy')).toHaveAttribute('data-phase', 'SKIPPED', { timeout: 20_000 });
    await expect(page.getByTestId('stage-reason-deploy')).toHaveText(
      "when stages['build'].outputs['ship'] == 'yes' is false",
    );
    await expect(node(page, 'cleanup')).toHaveAttribute('data-phase', 'SUCCEEDED');
    await page.screenshot({ path: path.join(screenshotDir, 'run-skipped-reason.png'), fullPage: true });
  });

  test('a stop lets the finally stage run, says so, and Stop now kills it', async ({ page }) => {
    test.setTimeout(180_000);
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'stoppable',
      stages: [sh('work', 'exec sleep 120'), { ...sh('linger', 'exec sleep 120'), finally: true }],
    });
    const run = await startRun(token, { tenant, project: 'shop', workflow: 'stoppable' });
    await signInToTenant(page, tenant, `/projects/shop/workflows/stoppable/runs/${run.id}`);
    await expect(node(page, 'work')).toHaveAttribute('data-phase', 'RUNNING', { timeout: 60_000 });
    await expect(page.getByTestId('run-stopping')).toHaveCount(0);

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    // The server first: work is killed and the finally stage runs while the run stays RUNNING.
    await expect
      .poll(() => stagePhases(token, run.id), { timeout: 30_000 })
      .toEqual({ phase: 'RUNNING', isStopping: true, stages: 'work:CANCELLED linger:RUNNING' });
    await expect(node(page, 'work')).toHaveAttribute('data-phase', 'CANCELLED', { timeout: 30_000 });
    await expect(node(page, 'linger')).toHaveAttribute('data-phase', 'RUNNING', { timeout: 30_000 });
    await expect(page.getByTestId('run-stopping')).toHaveText(
      'Stopping: its finally stages run first. Stop now kills them too.',
    );
    await expect(page.getByTestId('run-phase')).toContainText('Running');
    await page.screenshot({ path: path.join(screenshotDir, 'run-stopping.png'), fullPage: true });

    await page.getByRole('button', { name: 'Stop now' }).click();
    await expect(node(page, 'linger')).toHaveAttribute('data-phase', 'CANCELLED', { timeout: 30_000 });
    await expect(page.getByTestId('run-phase')).toContainText('Cancelled');
    await expect(page.getByTestId('run-stopping')).toHaveCount(0);
    expect(await runPhase(token, run.id)).toBe('CANCELLED');
  });

  test('a cron trigger in a time zone shows its next five fire times there', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/release/triggers');
    await page.getByRole('button', { name: 'Add trigger' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Add trigger' });
    await drawer.getByLabel('Name').fill('berlin-morning');
    await drawer.getByLabel('Schedule').fill('0 9 * * *');
    const zone = drawer.getByLabel('Time zone');
    await expect(zone).toHaveValue('UTC');
    await zone.fill('Mars/Olympus');
    await expect(drawer.getByRole('alert').filter({ hasText: 'not a time zone' })).toBeVisible();
    await zone.fill('Europe/Berlin');
    const preview = drawer.getByRole('list', { name: 'Next 5 fire times' });
    await expect(preview.getByRole('listitem')).toHaveCount(5);
    for (const item of await preview.getByRole('listitem').all())
      await expect(item).toContainText('9:00 AM Europe/Berlin');
    await page.screenshot({ path: path.join(screenshotDir, 'trigger-timezone.png'), fullPage: true });
    await drawer.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('dialog', { name: 'Trigger berlin-morning' }).getByRole('button', { name: 'Cancel' }).click();
    const row = page.getByRole('row').filter({ hasText: 'berlin-morning' });
    await expect(row).toContainText('Europe/Berlin');
    await expect(
      row.getByRole('list', { name: 'Next fire times of berlin-morning' }).getByRole('listitem').first(),
    ).toContainText('9:00 AM Europe/Berlin');
  });
});
