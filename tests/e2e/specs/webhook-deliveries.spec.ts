import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminToken, createTenantWithProject, createWorkflow, gql, sh } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName, unusedPort } from '../support/settings-fixtures';

const WEBHOOK_SECRET = 'e2e-hook-secret';

async function createIntegration(
  tenant: string,
  input: { name: string; type: string; config: Record<string, unknown>; secret?: Record<string, string> },
): Promise<string> {
  const data = await gql<{ createIntegration: { id: string } }>(
    'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
    { input: { tenant, ...input } },
    await adminToken(),
  );
  return data.createIntegration.id;
}

/** POSTs to the integration's webhook through the web origin, as the SCM server would. */
async function deliver(integrationId: string, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${process.env.E2E_BASE_URL}/webhooks/${integrationId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

/** A loopback HTTP server answering GET paths with JSON, standing in for GitHub or a registry. */
async function jsonServer(routes: Record<string, unknown>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const body = routes[pathname];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { message: 'Not Found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

test.describe('webhook deliveries and repository lists', () => {
  const tenant = uniqueName('deliveries');
  const servers: Server[] = [];

  test.beforeAll(async () => {
    const token = await adminToken();
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, { tenant, project: 'shop', name: 'build', stages: [sh('compile', 'echo hi')] });
  });

  test.afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  test('lists accepted and rejected deliveries of an SCM integration, with why and the runs they started', async ({
    page,
  }) => {
    const integrationId = await createIntegration(tenant, {
      name: 'git-hooks',
      type: 'GIT',
      config: { server: `http://127.0.0.1:${await unusedPort()}/acme/shop.git` },
      secret: { webhookSecret: WEBHOOK_SECRET },
    });
    await gql(
      'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { id } }',
      {
        input: {
          tenant,
          project: 'shop',
          workflow: 'build',
          name: 'on-push',
          type: 'SCM',
          scm: { integration: 'git-hooks', repo: 'acme/shop', push: { branches: ['main'] }, tagRelease: false },
        },
      },
      await adminToken(),
    );

    await signInToTenant(page, tenant, '/integrations');
    await page.getByRole('link', { name: 'git-hooks' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'git-hooks' })).toBeVisible();
    const panel = page.getByRole('region', { name: 'Webhook deliveries' });
    await expect(panel.getByRole('heading', { name: 'No deliveries yet' })).toBeVisible();
    await expect(panel.locator('code').filter({ hasText: '/webhooks/' })).toHaveText(
      `${process.env.E2E_BASE_URL}/webhooks/${integrationId}`,
    );

    const push = JSON.stringify({ repo: 'acme/shop', ref: 'refs/heads/main', after: 'a'.repeat(40) });
    const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(push).digest('hex')}`;
    expect(
      await deliver(integrationId, push, {
        'x-cyclone-event': 'git-push',
        'x-cyclone-delivery': 'e2e-signed-push',
        'x-hub-signature-256': signature,
      }),
    ).toBe(200);
    expect(
      await deliver(integrationId, push, { 'x-cyclone-event': 'git-push', 'x-cyclone-delivery': 'e2e-unsigned' }),
    ).toBe(401);
    const oversize = JSON.stringify({ repo: 'acme/shop', padding: 'x'.repeat(1_100_000) });
    expect(await deliver(integrationId, oversize, { 'x-cyclone-event': 'git-push' })).toBe(413);

    await panel.getByRole('button', { name: 'Refresh' }).click();
    const table = panel.getByRole('table', { name: 'Webhook deliveries' });
    const rows = table.getByRole('row');
    await expect(rows).toHaveCount(4); // header + 3
    await expect(panel).toContainText('3 shown: 1 accepted, 0 ignored, 2 rejected, 0 failed');

    const accepted = rows.filter({ hasText: 'e2e-signed-push' });
    await expect(accepted).toContainText('Accepted');
    await expect(accepted).toContainText('git-push');
    await expect(accepted).toContainText('200');
    await expect(accepted).toContainText('started 1 run(s)');
    const runLink = accepted.getByRole('link', { name: 'build #1' });
    await expect(runLink).toBeVisible();

    const unsigned = rows.filter({ hasText: '401' });
    await expect(unsigned).toContainText('Rejected');
    await expect(unsigned).toContainText('the signature or token is missing or does not match the webhookSecret');
    // Unverified deliveries keep no delivery id: the server's claim is not trusted.
    await expect(unsigned).not.toContainText('e2e-unsigned');
    const tooLarge = rows.filter({ hasText: '413' });
    await expect(tooLarge).toContainText('Rejected');
    await expect(tooLarge).toContainText('the payload is larger than 1 MB');

    // Newest first.
    await expect(rows.nth(1)).toContainText('413');
    await expect(rows.nth(3)).toContainText('e2e-signed-push');
    await page.screenshot({ path: path.join(screenshotDir, 'integration-webhook-deliveries.png'), fullPage: true });

    await runLink.click();
    await expect(page).toHaveURL(/\/projects\/shop\/workflows\/build\/runs\/[0-9a-f-]{36}$/);
  });

  test('the SCM trigger form lists the repositories of the integration and still takes a typed one', async ({
    page,
  }) => {
    const github = await jsonServer({
      '/api/v3/user/repos': [
        { full_name: 'acme/web', default_branch: 'main', clone_url: 'https://example.test/acme/web.git' },
        { full_name: 'acme/api', default_branch: 'develop', clone_url: 'https://example.test/acme/api.git' },
        { full_name: 'tools/lint', default_branch: 'main', clone_url: 'https://example.test/tools/lint.git' },
      ],
    });
    servers.push(github.server);
    await createIntegration(tenant, {
      name: 'hub',
      type: 'GITHUB',
      config: { server: github.url },
      secret: { token: 'e2e-token', webhookSecret: WEBHOOK_SECRET },
    });
    await createIntegration(tenant, {
      name: 'hub-down',
      type: 'GITHUB',
      config: { server: `http://127.0.0.1:${await unusedPort()}` },
      secret: { token: 'e2e-token', webhookSecret: WEBHOOK_SECRET },
    });
    await createIntegration(tenant, {
      name: 'plain-git',
      type: 'GIT',
      config: { server: `http://127.0.0.1:${await unusedPort()}/acme/shop.git` },
      secret: { webhookSecret: WEBHOOK_SECRET },
    });

    await signInToTenant(page, tenant, '/projects/shop/workflows/build/triggers');
    await page.getByRole('button', { name: 'Add trigger' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Add trigger' });
    await drawer.getByLabel('Name').fill('from-picker');
    await drawer.getByLabel('Type').selectOption('SCM');
    await drawer.getByLabel('SCM integration').selectOption('hub');

    const repo = drawer.getByRole('combobox', { name: 'Repository' });
    await expect(drawer.getByText('3 repositories: type to filter')).toBeVisible();
    await repo.fill('api');
    const options = drawer.getByRole('listbox', { name: 'Repositories of hub' }).getByRole('option');
    await expect(options).toHaveCount(1);
    await expect(options.first()).toContainText('acme/api');
    await expect(options.first()).toContainText('develop');
    await page.screenshot({ path: path.join(screenshotDir, 'triggers-repository-picker.png') });
    await repo.press('ArrowDown');
    await repo.press('Enter');
    await expect(repo).toHaveValue('acme/api');
    await expect(drawer.getByRole('listbox')).toBeHidden();

    // Clicking an option works as well.
    await repo.fill('acme');
    await expect(options).toHaveCount(2);
    await options.filter({ hasText: 'acme/web' }).click();
    await expect(repo).toHaveValue('acme/web');

    // An SCM server that does not answer: its error, and typing still works.
    await drawer.getByLabel('SCM integration').selectOption('hub-down');
    await expect(drawer.getByRole('alert').filter({ hasText: 'Could not list repositories' })).toBeVisible({
      timeout: 30_000,
    });
    await repo.fill('acme/typed');
    await expect(repo).toHaveValue('acme/typed');

    // Plain Git lists nothing: the repository is typed by hand and saved.
    await drawer.getByLabel('SCM integration').selectOption('plain-git');
    await expect(drawer.getByText('plain-git lists no repositories')).toBeVisible();
    await repo.fill('acme/shop');
    await drawer.getByRole('button', { name: 'Add', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Trigger from-picker' });
    await expect(edit.getByRole('combobox', { name: 'Repository' })).toHaveValue('acme/shop');
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('row').filter({ hasText: 'from-picker' })).toContainText('plain-git · acme/shop');
  });

  test('a registry integration lists its catalog', async ({ page }) => {
    const registry = await jsonServer({
      '/v2/': {},
      '/v2/_catalog': { repositories: ['base/alpine', 'team/api', 'team/web'] },
    });
    servers.push(registry.server);
    await createIntegration(tenant, {
      name: 'local-registry',
      type: 'DOCKER_REGISTRY',
      config: { server: registry.url },
    });

    await signInToTenant(page, tenant, '/integrations/local-registry');
    const panel = page.getByRole('region', { name: 'Repositories' });
    const list = panel.getByRole('list', { name: 'Registry repositories' });
    await expect(list.getByRole('listitem')).toHaveCount(3);
    await panel.getByLabel('Filter repositories').fill('team');
    await expect(list.getByRole('listitem')).toHaveText(['team/api', 'team/web']);
    await expect(panel).toContainText('2 of 3');
    await expect(page.getByRole('region', { name: 'Webhook deliveries' })).toHaveCount(0);
  });
});
