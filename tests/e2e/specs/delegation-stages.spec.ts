import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { ADMIN } from '../support/auth';
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

/** What the external system receives from Cyclone (apps/api/src/controller/delegations.ts). */
interface Handover {
  type: string;
  stage: string;
  workflow: string;
  workflowrun: string;
  attempt: number;
  config: unknown;
  callback: { url: string; token: string };
}

async function stagePhase(token: string, id: string, stage: string): Promise<string> {
  const { workflowRun } = await gql<{ workflowRun: { stages: { name: string; phase: string }[] } }>(
    'query($id: ID!) { workflowRun(id: $id) { stages { name phase } } }',
    { id },
    token,
  );
  return workflowRun.stages.find((candidate) => candidate.name === stage)?.phase ?? 'none';
}

/** The centre of `locator` once it has stopped moving (a fit view animates the canvas). */
async function center(locator: Locator): Promise<{ x: number; y: number }> {
  let previous = '';
  let current = '';
  await expect
    .poll(
      async () => {
        previous = current;
        const box = await locator.boundingBox();
        current = box ? JSON.stringify(box) : '';
        return current !== '' && current === previous;
      },
      { intervals: [100] },
    )
    .toBe(true);
  const box = JSON.parse(current) as { x: number; y: number; width: number; height: number };
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Delegated stages in the browser: made in the editor, handed to a loopback "Jenkins"
 * (the e2e platform may call 127.0.0.1 only: CYCLONE_OUTBOUND_ALLOW in global-setup),
 * ended by its callback through the web origin, or by a member on the run page.
 */
test.describe('delegated stages', () => {
  const tenant = uniqueName('delegation');
  let token: string;
  let receiver: Server;
  let receiverUrl: string;
  const handovers: Handover[] = [];
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

  test.beforeAll(async () => {
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        handovers.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Handover);
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/job`;
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'hotfix',
      stages: [
        sh('build', 'echo built'),
        { name: 'jenkins', dependsOn: ['build'], delegation: { type: 'Jenkins', url: receiverUrl } },
      ],
    });
  });

  test.afterAll(async () => {
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  test('the editor makes a delegated stage; its run hands the work over and the callback turns it green live', async ({
    page,
  }) => {
    test.setTimeout(240_000);
    const host = new URL(receiverUrl).host;
    await signInToTenant(page, tenant, '/projects/shop/new-workflow');
    await page.getByLabel('Workflow name').fill('release');
    const tools = page.getByRole('toolbar', { name: 'Editor tools' });

    await tools.getByRole('button', { name: 'Add stage' }).click();
    let drawer = page.getByRole('dialog', { name: /^Stage / });
    await drawer.getByLabel('Stage name').fill('build');
    await drawer.getByLabel('Image').fill('alpine:3.20');
    await drawer.getByLabel('Command').fill('sh\n-c\necho built');
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await expect(node(page, 'build')).toBeVisible();

    // The delegated stage: no container fields; the URL and the JSON config are checked while typed.
    await tools.getByRole('button', { name: 'Add delegated stage' }).click();
    drawer = page.getByRole('dialog', { name: 'Stage delegated' });
    await expect(drawer.getByLabel('Image')).toHaveCount(0);
    await expect(drawer.getByRole('heading', { name: 'Matrix' })).toHaveCount(0);
    await drawer.getByLabel('Stage name').fill('jenkins');
    await drawer.getByLabel('System type').fill('Jenkins');
    await drawer.getByLabel('URL', { exact: true }).fill('ftp://jenkins');
    await expect(drawer.getByText('must be an http:// or https:// URL')).toBeVisible();
    await drawer.getByLabel('URL', { exact: true }).fill(receiverUrl);
    await drawer.getByLabel('Config (JSON)').fill('{"job": "release", ');
    await expect(drawer.getByText(/^Not valid JSON/)).toBeVisible();
    await expect(drawer.getByRole('button', { name: 'Apply' })).toBeDisabled();
    await drawer.getByLabel('Config (JSON)').fill('{"job": "release", "params": [1]}');
    await expect(drawer.getByRole('button', { name: 'Apply' })).toBeEnabled();
    await page.screenshot({ path: path.join(screenshotDir, 'editor-delegation-drawer.png'), fullPage: true });
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await expect(node(page, 'jenkins')).toHaveAttribute('data-delegated', 'true');
    await expect(node(page, 'jenkins').getByTitle(/hands its work to Jenkins/)).toHaveText('↗ delegated');
    await expect(page.getByTestId('stage-delegation-jenkins')).toHaveText(`Jenkins · ${host}`);
    await expect(node(page, 'build')).not.toHaveAttribute('data-delegated', 'true');

    // build → jenkins, drawn with the mouse.
    await node(page, 'build').hover();
    const from = await center(node(page, 'build').locator('.react-flow__handle.source'));
    const to = await center(node(page, 'jenkins').locator('.react-flow__handle.target'));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    await expect(page.locator('.react-flow__edge')).toHaveCount(1);
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await center(node(page, 'jenkins'));
    await expect(page.getByRole('region', { name: 'Validation' })).toContainText('No problems');
    await page.screenshot({ path: path.join(screenshotDir, 'editor-delegation.png'), fullPage: true });

    // The YAML view: a Stage document with spec.delegation and no pod.
    await page.getByRole('tab', { name: 'YAML' }).click();
    const yaml = page.getByLabel('Cyclone YAML');
    await expect(yaml).toHaveValue(/name: jenkins\nspec:\n {2}delegation:\n {4}type: Jenkins\n/);
    await expect(yaml).toHaveValue(/ {4}config:\n {6}job: release\n {6}params:\n {8}- 1\n/);
    await page.getByRole('tab', { name: 'Graph' }).click();

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('dialog', { name: 'Saved version 1' });
    await expect(saved).toContainText(`+   delegated to Jenkins at ${receiverUrl}`);
    await expect(saved).toContainText('+   delegation config: {"job":"release","params":[1]}');
    await saved.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByText('Unsaved changes')).toBeHidden();

    await page.locator('header').getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('dialog', { name: 'Run release' }).getByRole('button', { name: 'Start run' }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const runId = page.url().split('/runs/')[1] as string;

    // Waiting: the page says for what, the receiver got the work.
    await expect(node(page, 'jenkins')).toHaveAttribute('data-phase', 'WAITING', { timeout: 60_000 });
    const banner = page.getByTestId('delegation-waiting-jenkins');
    await expect(banner).toContainText('Stage jenkins waits for Jenkins');
    await expect(banner).toContainText(`handed over to Jenkins at http://${host}`);
    await expect(page.getByTestId('run-wait')).toHaveText('Waiting for Jenkins');
    await expect(page.getByTestId('stage-delegation-jenkins')).toHaveText(`Jenkins · ${host}`);
    await expect.poll(() => handovers.filter((h) => h.workflow === 'release').length).toBe(1);
    const handover = handovers.find((h) => h.workflow === 'release') as Handover;
    expect(handover).toMatchObject({
      type: 'Jenkins',
      stage: 'jenkins',
      workflow: 'release',
      workflowrun: 'release-1',
      attempt: 1,
      config: { job: 'release', params: [1] },
    });
    expect(handover.callback.url.endsWith(`/delegations/${handover.callback.token}`)).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir, 'run-delegation-waiting.png'), fullPage: true });

    // The callback, as Jenkins makes it, through the web server's origin (it proxies /delegations/).
    const response = await fetch(`${process.env.E2E_BASE_URL}/delegations/${handover.callback.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phase: 'SUCCEEDED', outputs: [{ key: 'version', value: '1.2.3' }], message: 'job #7' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: 'COMPLETED', stage: 'jenkins', phase: 'SUCCEEDED' });
    await expect(node(page, 'jenkins')).toHaveAttribute('data-phase', 'SUCCEEDED', { timeout: 30_000 });
    await expect(page.getByTestId('run-phase')).toContainText('Succeeded', { timeout: 30_000 });
    await expect(banner).toHaveCount(0);
    const outputs = page.getByRole('region', { name: 'Outputs' });
    await expect(outputs).toContainText('jenkins.version');
    await expect(outputs).toContainText('1.2.3');
    await node(page, 'jenkins').click();
    const panel = page.getByTestId('delegation-jenkins');
    await expect(panel).toContainText(`Delegated to Jenkins at ${host}`);
    await expect(page.getByRole('dialog', { name: 'Stage jenkins' })).toContainText('job #7');
    await page.screenshot({ path: path.join(screenshotDir, 'run-delegation-succeeded.png'), fullPage: true });
    expect(await runPhase(token, runId)).toBe('SUCCEEDED');
  });

  test('a member completes a waiting delegated stage by hand: Failed with a message fails the run', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const run = await startRun(token, { tenant, project: 'shop', workflow: 'hotfix' });
    await expect.poll(() => stagePhase(token, run.id, 'jenkins'), { timeout: 60_000 }).toBe('WAITING');
    await signInToTenant(page, tenant, `/projects/shop/workflows/hotfix/runs/${run.id}`);

    await page.getByTestId('delegation-waiting-jenkins').getByRole('button', { name: 'Review' }).click();
    const panel = page.getByTestId('delegation-jenkins');
    await expect(panel).toContainText(`Waiting for Jenkins at ${new URL(receiverUrl).host}`);
    await panel.getByRole('button', { name: 'Complete' }).click();
    const form = panel.getByRole('form', { name: 'Complete stage jenkins' });
    await expect(form.getByLabel('Succeeded')).toBeChecked();
    await form.getByRole('button', { name: 'Add output' }).click();
    await form.getByLabel('Output 1: key').fill('version');
    await form.getByLabel('Output 1: value').fill('1.2.4');
    await page.screenshot({ path: path.join(screenshotDir, 'run-delegation-complete-form.png'), fullPage: true });
    // A failure reports no outputs: the rows go away.
    await form.getByLabel('Failed').check();
    await expect(form.getByLabel('Output 1: key')).toHaveCount(0);
    await form.getByLabel('Message').fill('tests failed on Jenkins');
    await form.getByRole('button', { name: 'Complete stage' }).click();

    await expect(node(page, 'jenkins')).toHaveAttribute('data-phase', 'FAILED', { timeout: 30_000 });
    await expect(page.getByTestId('run-phase')).toContainText('Failed', { timeout: 30_000 });
    const drawer = page.getByRole('dialog', { name: 'Stage jenkins' });
    await expect(drawer).toContainText(`completed by ${ADMIN.email}: tests failed on Jenkins`);
    await expect(form).toHaveCount(0);
    await expect(page.getByTestId('delegation-waiting-jenkins')).toHaveCount(0);
    await page.screenshot({ path: path.join(screenshotDir, 'run-delegation-failed.png'), fullPage: true });
    expect(await runPhase(token, run.id)).toBe('FAILED');
  });
});
