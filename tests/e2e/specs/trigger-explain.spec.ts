import { createHmac } from 'node:crypto';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, gql, sh } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName, unusedPort } from '../support/settings-fixtures';

const WEBHOOK_SECRET = 'e2e-explain-secret';

test('a stored delivery is explained trigger by trigger, and replayed', async ({ page }) => {
  const tenant = uniqueName('explain');
  const token = await adminToken();
  await createTenantWithProject(token, tenant, 'shop');
  await createWorkflow(token, { tenant, project: 'shop', name: 'build', stages: [sh('compile', 'echo hi')] });
  const { createIntegration } = await gql<{ createIntegration: { id: string } }>(
    'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
    {
      input: {
        tenant,
        name: 'git-hooks',
        type: 'GIT',
        config: { server: `http://127.0.0.1:${await unusedPort()}/acme/shop.git` },
        secret: { webhookSecret: WEBHOOK_SECRET },
      },
    },
    token,
  );
  for (const [name, branches] of [
    ['on-main', ['main']],
    ['on-release', ['release/*']],
  ] as const) {
    await gql(
      'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { id } }',
      {
        input: {
          tenant,
          project: 'shop',
          workflow: 'build',
          name,
          type: 'SCM',
          scm: { integration: 'git-hooks', repo: 'acme/shop', push: { branches }, tagRelease: false },
        },
      },
      token,
    );
  }
  const push = JSON.stringify({ repo: 'acme/shop', ref: 'refs/heads/main', after: 'b'.repeat(40) });
  const response = await fetch(`${process.env.E2E_BASE_URL}/webhooks/${createIntegration.id}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-cyclone-event': 'git-push',
      'x-cyclone-delivery': 'e2e-explained-push',
      'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(push).digest('hex')}`,
    },
    body: push,
  });
  expect(response.status).toBe(200);

  await signInToTenant(page, tenant, '/integrations/git-hooks');
  const panel = page.getByRole('region', { name: 'Webhook deliveries' });
  const rows = panel.getByRole('table', { name: 'Webhook deliveries' }).getByRole('row');
  await expect(rows).toHaveCount(2);
  await rows.filter({ hasText: 'e2e-explained-push' }).getByRole('button', { name: 'Explain' }).click();

  const explained = page.getByRole('region', { name: 'Delivery git-push explained again' });
  await explained.getByRole('button', { name: 'Dry run' }).click();
  const verdicts = explained.getByRole('list', { name: 'What each trigger would do' }).getByRole('listitem');
  await expect(verdicts).toHaveCount(2);
  await expect(verdicts.filter({ hasText: 'on-main' })).toContainText('would start');
  await expect(verdicts.filter({ hasText: 'on-main' })).toContainText('branch main matches main');
  await expect(verdicts.filter({ hasText: 'on-release' })).toContainText('would not start');
  await expect(verdicts.filter({ hasText: 'on-release' })).toContainText('branch main does not match release/*');
  await page.screenshot({ path: path.join(screenshotDir, 'trigger-explain.png'), fullPage: true });
  // The dry run started nothing: still the one delivery, with its one run.
  await expect(rows).toHaveCount(2);

  await explained.getByRole('button', { name: 'Replay' }).click();
  await expect(explained.getByRole('status')).toHaveText('Replayed: see the newest delivery above.');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText('replay:');
  await expect(rows.nth(1).getByRole('link', { name: 'build #2' })).toBeVisible();

  // The workflow's triggers page lists the deliveries of its triggers' integration, each explainable there too.
  await page.goto('/projects/shop/workflows/build/triggers');
  const onTriggers = page.getByRole('region', { name: 'Webhook deliveries' });
  const triggerRows = onTriggers.getByRole('table', { name: 'Webhook deliveries' }).getByRole('row');
  await expect(triggerRows).toHaveCount(3);
  await triggerRows.filter({ hasText: 'e2e-explained-push' }).getByRole('button', { name: 'Explain' }).click();
  const again = page.getByRole('region', { name: 'Delivery git-push explained again' });
  await again.getByRole('button', { name: 'Dry run' }).click();
  await expect(
    again
      .getByRole('list', { name: 'What each trigger would do' })
      .getByRole('listitem')
      .filter({ hasText: 'on-main' }),
  ).toContainText('would start');
  await page.screenshot({ path: path.join(screenshotDir, 'triggers-deliveries.png'), fullPage: true });
});

test('the triggers page tests an event against every trigger of the tenant', async ({ page }) => {
  const tenant = uniqueName('simulate');
  const token = await adminToken();
  await createTenantWithProject(token, tenant, 'shop');
  await createWorkflow(token, { tenant, project: 'shop', name: 'build', stages: [sh('compile', 'echo hi')] });
  await gql(
    'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
    {
      input: {
        tenant,
        name: 'git-hooks',
        type: 'GIT',
        config: { server: `http://127.0.0.1:${await unusedPort()}/acme/shop.git` },
        secret: { webhookSecret: WEBHOOK_SECRET },
      },
    },
    token,
  );
  await gql(
    'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { id } }',
    {
      input: {
        tenant,
        project: 'shop',
        workflow: 'build',
        name: 'on-release',
        type: 'SCM',
        scm: { integration: 'git-hooks', repo: 'acme/shop', push: { branches: ['release/*'] }, tagRelease: true },
      },
    },
    token,
  );

  await signInToTenant(page, tenant, '/projects/shop/workflows/build/triggers');
  const form = page.getByRole('region', { name: 'Test the triggers' });
  await form.getByLabel('Event').selectOption('PUSH');
  await form.getByLabel('Repository').fill('acme/shop');
  await form.getByLabel('Branch').fill('main');
  await form.getByRole('button', { name: 'Test', exact: true }).click();
  const verdict = form.getByRole('list', { name: 'What each trigger would do' }).getByRole('listitem');
  await expect(verdict).toHaveCount(1);
  await expect(verdict).toContainText('on-release');
  await expect(verdict).toContainText('would not start');
  await expect(verdict).toContainText('branch main does not match release/*');
  await page.screenshot({ path: path.join(screenshotDir, 'trigger-test-form.png'), fullPage: true });

  await form.getByLabel('Event').selectOption('TAG');
  await form.getByLabel('Tag name').fill('v1.2.0');
  await form.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(verdict).toContainText('would start');
  await expect(verdict).toContainText('tag v1.2.0');
});
