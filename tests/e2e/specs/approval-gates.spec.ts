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
import { createUser, screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/** A second member who approves through the API, as a colleague would from their own browser. */
async function colleagueToken(admin: string, tenant: string): Promise<string> {
  const email = `${uniqueName('lead')}@example.com`;
  await createUser(admin, email);
  await gql(
    'mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { role } }',
    { input: { tenant, email, role: 'DEVELOPER' } },
    admin,
  );
  const { login } = await gql<{ login: { token: string } }>(
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input: { email, password: 'grace-password-1' } },
  );
  return login.token;
}

async function gatePhase(token: string, id: string): Promise<string> {
  const { workflowRun } = await gql<{ workflowRun: { stages: { name: string; phase: string }[] } }>(
    'query($id: ID!) { workflowRun(id: $id) { stages { name phase } } }',
    { id },
    token,
  );
  return workflowRun.stages.find((stage) => stage.name === 'sign-off')?.phase ?? 'none';
}

/** Approval gates in the browser: made in the editor, decided on the run page. */
test.describe('approval gates', () => {
  const tenant = uniqueName('gates');
  let token: string;
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);
  const gate = (count: number) => ({
    name: 'sign-off',
    dependsOn: ['build'],
    approval: { count, timeout: '24h', inputs: [{ name: 'version', required: true, description: 'what to ship' }] },
  });

  test.beforeAll(async () => {
    token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    for (const [name, count] of [
      ['release', 2],
      ['hotfix', 1],
    ] as const) {
      await createWorkflow(token, {
        tenant,
        project: 'shop',
        name,
        stages: [
          sh('build', 'echo built'),
          gate(count),
          sh('deploy', 'echo "deploying ${stages.sign-off.outputs.version}"', ['sign-off']),
        ],
      });
    }
  });

  test('the editor makes a gate and sets who approves, how many, how long and what they fill in', async ({ page }) => {
    test.setTimeout(120_000);
    await signInToTenant(page, tenant, '/projects/shop/workflows/hotfix');
    await expect(node(page, 'sign-off')).toHaveAttribute('data-gate', 'true', { timeout: 30_000 });
    await expect(node(page, 'sign-off')).toContainText('approvals needed: 1');
    await expect(node(page, 'build')).not.toHaveAttribute('data-gate', 'true');

    await node(page, 'sign-off').click();
    const drawer = page.getByRole('dialog', { name: 'Stage sign-off' });
    await expect(drawer.getByLabel('Image')).toHaveCount(0);
    await expect(drawer.getByLabel('Wait at most')).toHaveValue('24h');
    await expect(drawer.getByLabel('Input 1: name')).toHaveValue('version');
    await drawer.getByLabel('Approvals needed').fill('0');
    await expect(drawer.getByText('must be 1 to 20')).toBeVisible();
    await expect(drawer.getByRole('button', { name: 'Apply' })).toBeDisabled();
    await drawer.getByLabel('Approvals needed').fill('2');
    await drawer.getByLabel('Admin', { exact: true }).check();
    await drawer.getByLabel('When it times out').selectOption('SKIP');
    await drawer.getByRole('button', { name: 'Add input' }).click();
    await drawer.getByLabel('Input 2: name').fill('ticket');
    await drawer.getByLabel('Input 2: description').fill('the change ticket');
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await expect(node(page, 'sign-off')).toContainText('approvals needed: 2');

    // A new gate from the toolbar: no image asked, drawn as a gate.
    await page.getByRole('toolbar', { name: 'Editor tools' }).getByRole('button', { name: 'Add approval' }).click();
    const added = page.getByRole('dialog', { name: 'Stage approval' });
    await expect(added.getByLabel('Approvals needed')).toHaveValue('1');
    await added.getByRole('button', { name: 'Cancel' }).click();
    await expect(node(page, 'approval')).toHaveAttribute('data-gate', 'true');
    await page.screenshot({ path: path.join(screenshotDir, 'editor-approval-gate.png'), fullPage: true });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('dialog', { name: 'Saved version 2' });
    await expect(saved).toContainText('+   approval: 2 from ADMIN');
    await expect(saved).toContainText('+   approval input ticket: the change ticket');
    await expect(saved).toContainText('+ stage approval');
    await saved.getByRole('button', { name: 'Close' }).click();
    const stored = await gql<{ workflow: { stages: { name: string; approval: unknown }[] } }>(
      `query { workflow(tenant: "${tenant}", project: "shop", name: "hotfix") { stages { name approval { count roles onTimeout inputs { name required description } } } } }`,
      {},
      token,
    );
    expect(stored.workflow.stages.find((stage) => stage.name === 'sign-off')?.approval).toEqual({
      count: 2,
      roles: ['ADMIN'],
      onTimeout: 'SKIP',
      inputs: [
        { name: 'version', required: true, description: 'what to ship' },
        { name: 'ticket', required: false, description: 'the change ticket' },
      ],
    });
  });

  test('the run page asks for the approval, takes the inputs, and follows a colleague’s approval live', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const colleague = await colleagueToken(token, tenant);
    const run = await startRun(token, { tenant, project: 'shop', workflow: 'release' });
    await expect.poll(() => gatePhase(token, run.id), { timeout: 60_000 }).toBe('WAITING');
    await signInToTenant(page, tenant, `/projects/shop/workflows/release/runs/${run.id}`);

    const banner = page.getByTestId('gate-waiting-sign-off');
    await expect(banner).toContainText('Stage sign-off waits for approval', { timeout: 30_000 });
    await expect(banner).toContainText('0 of 2 approvals');
    await expect(page.getByTestId('stage-reason-sign-off')).toHaveText('0 of 2 approvals');
    await banner.getByRole('button', { name: 'Review' }).click();

    const panel = page.getByTestId('approval-sign-off');
    await expect(panel).toContainText('Who may decide: OWNER or ADMIN or DEVELOPER');
    await expect(panel).toContainText('times out');
    const form = panel.getByRole('form', { name: 'Decide stage sign-off' });
    await expect(form.getByRole('button', { name: 'Approve' })).toBeDisabled();
    await form.getByLabel('version *').fill('1.4.2');
    await form.getByLabel('Comment').fill('tests are green');
    await page.screenshot({ path: path.join(screenshotDir, 'run-approval-form.png'), fullPage: true });
    await form.getByRole('button', { name: 'Approve' }).click();

    // Your approval alone does not pass a gate that needs two.
    await expect(panel).toContainText('You have decided; others may still.');
    await expect(panel).toContainText('1 of 2 approvals');
    await expect(panel.getByRole('listitem')).toContainText(['approved']);
    await expect(banner).toContainText('1 of 2 approvals');
    expect(await gatePhase(token, run.id)).toBe('WAITING');

    await gql(
      'mutation($input: ApproveStageInput!) { approveStage(input: $input) { id } }',
      { input: { runId: run.id, stage: 'sign-off', inputs: [{ name: 'version', value: '1.4.3' }] } },
      colleague,
    );
    await expect(node(page, 'sign-off')).toHaveAttribute('data-phase', 'SUCCEEDED', { timeout: 30_000 });
    await expect(panel).toContainText('Approved · 2 of 2 approvals');
    await expect(panel.getByRole('listitem')).toHaveCount(2);
    await expect(banner).toHaveCount(0);
    await expect(node(page, 'deploy')).toHaveAttribute('data-phase', 'SUCCEEDED', { timeout: 60_000 });
    await expect(page.getByTestId('run-phase')).toContainText('Succeeded');
    await page.screenshot({ path: path.join(screenshotDir, 'run-approved.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await node(page, 'deploy').click();
    await expect(page.getByRole('dialog', { name: 'Stage deploy' })).toContainText('deploying 1.4.3', {
      timeout: 30_000,
    });
  });

  test('a rejection fails the gate and the run, with the comment', async ({ page }) => {
    test.setTimeout(120_000);
    const run = await startRun(token, { tenant, project: 'shop', workflow: 'release' });
    await expect.poll(() => gatePhase(token, run.id), { timeout: 60_000 }).toBe('WAITING');
    await signInToTenant(page, tenant, `/projects/shop/workflows/release/runs/${run.id}?stage=sign-off`);
    const panel = page.getByTestId('approval-sign-off');
    const form = panel.getByRole('form', { name: 'Decide stage sign-off' });
    await form.getByLabel('Comment').fill('freeze until Monday');
    await form.getByRole('button', { name: 'Reject' }).click();
    await expect(node(page, 'sign-off')).toHaveAttribute('data-phase', 'FAILED', { timeout: 30_000 });
    await expect(panel).toContainText('Rejected');
    await expect(panel).toContainText('freeze until Monday');
    await expect(page.getByRole('dialog', { name: /sign-off/ })).toContainText('rejected by');
    await expect(node(page, 'deploy')).toHaveAttribute('data-phase', 'SKIPPED');
    await expect.poll(() => runPhase(token, run.id), { timeout: 30_000 }).toBe('FAILED');
    await page.screenshot({ path: path.join(screenshotDir, 'run-rejected.png'), fullPage: true });
  });
});
