import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { adminToken, createTenantWithProject, gql, signInTo } from '../support/runs-fixtures';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-results/screenshots');
mkdirSync(screenshots, { recursive: true });

const suffix = Date.now().toString(36);
const TENANT = `tpl-${suffix}`;
const PROJECT = 'site';

test.beforeAll(async () => {
  await createTenantWithProject(await adminToken(), TENANT, PROJECT);
});

test('templates: create one with arguments, edit it, duplicate a built-in, start a workflow from it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInTo(page, TENANT);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Templates' }).click();
  await expect(page).toHaveURL(/\/templates$/);
  const table = page.getByRole('table', { name: 'Templates' });
  // The built-ins are listed, read-only: no Edit, no Delete.
  const build = table.getByRole('row').filter({ has: page.getByText('build', { exact: true }) });
  await expect(build).toContainText('Built-in');
  await expect(build.getByRole('button', { name: 'Edit build' })).toHaveCount(0);
  await expect(build.getByRole('button', { name: 'Delete build' })).toHaveCount(0);

  // Create a tenant template with a {{ placeholder }} and its default.
  await page.getByRole('button', { name: 'New template' }).click();
  const drawer = page.getByRole('dialog', { name: 'New stage template' });
  await drawer.getByLabel('Template name').fill('lint');
  await drawer.getByLabel('Description').fill('Runs the linter');
  await drawer.getByLabel('Image').fill('node:{{ node-version }}-alpine');
  await drawer.getByLabel('Command', { exact: true }).fill('sh\n-c\nnpx eslint {{ path }}');
  await expect(drawer).toContainText('Used but not declared: node-version, path');
  await drawer.getByRole('button', { name: 'Declare them' }).click();
  await drawer.getByLabel('Template arguments: Default 1').fill('22');
  await drawer.getByLabel('Template arguments: Description 2').fill('What to lint');
  await drawer.getByRole('button', { name: 'Add variable' }).click();
  await drawer.getByLabel('Environment: Name 1').fill('CI');
  await drawer.getByLabel('Environment: Value 1').fill('true');
  await drawer.getByRole('button', { name: 'Create template' }).click();
  await expect(drawer).toBeHidden();
  const lint = table.getByRole('row').filter({ hasText: 'Runs the linter' });
  await expect(lint).toContainText('Tenant');
  await expect(lint).toContainText('node:{{ node-version }}-alpine');
  await expect(lint).toContainText('path*');

  // Edit it: the name is fixed, the rest changes.
  await lint.getByRole('button', { name: 'Edit lint' }).click();
  const edit = page.getByRole('dialog', { name: 'Template lint' });
  await expect(edit.getByLabel('Template name')).toHaveAttribute('readonly', '');
  await expect(edit.getByLabel('Template arguments: Default 1')).toHaveValue('22');
  await edit.getByLabel('Template arguments: Default 2').fill('src');
  await edit.getByRole('button', { name: 'Save template' }).click();
  await expect(edit).toBeHidden();
  await expect(lint).not.toContainText('path*');

  // Duplicate a built-in into the tenant.
  await build.getByRole('button', { name: 'Duplicate build' }).click();
  const copy = page.getByRole('dialog', { name: 'New stage template' });
  await expect(copy.getByLabel('Template name')).toHaveValue('build-copy');
  await copy.getByRole('button', { name: 'Create template' }).click();
  await expect(copy).toBeHidden();
  await expect(table.getByRole('row').filter({ hasText: 'build-copy' })).toContainText('Tenant');
  await page.screenshot({ path: path.join(screenshots, 'templates.png'), fullPage: true });

  // Use it in a workflow: a new workflow opens with a stage made from it, defaults filled.
  await lint.getByRole('button', { name: 'Use in a workflow' }).click();
  const use = page.getByRole('dialog', { name: 'Use lint in a workflow' });
  await expect(use.getByLabel('Project')).toHaveValue(PROJECT);
  await use.getByRole('button', { name: 'Open the editor' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${PROJECT}/new-workflow\\?template=lint$`));
  // Its arguments are asked for first, with their defaults.
  const first = page.getByRole('dialog', { name: 'Add a lint stage' });
  await expect(first.getByLabel('path')).toHaveValue('src');
  await first.getByRole('button', { name: 'Add stage' }).click();
  await expect(page.getByTestId('stage-node-lint')).toContainText('node:22-alpine');
  await page.keyboard.press('Escape');

  // Add a second stage from the template menu of the editor, then save as `new` (a name the
  // create route once took).
  // The template has arguments: they are asked for first, defaults filled in.
  await page.getByLabel('Add from template').selectOption('lint');
  const args = page.getByRole('dialog', { name: 'Add a lint stage' });
  await expect(args.getByLabel('node-version')).toHaveValue('22');
  await expect(args.getByLabel('path')).toHaveValue('src');
  await args.getByLabel('path').fill('lib');
  await args.getByRole('button', { name: 'Add stage' }).click();
  await expect(args).toBeHidden();
  const stageDrawer = page.getByRole('dialog', { name: /^Stage lint-/ });
  await expect(stageDrawer.getByLabel('Image')).toHaveValue('node:22-alpine');
  await expect(stageDrawer.getByLabel('Command')).toHaveValue('sh\n-c\nnpx eslint lib');
  await stageDrawer.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('.react-flow__node')).toHaveCount(2);
  await page.getByLabel('Workflow name').fill('new');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const saved = page.getByRole('dialog', { name: 'Saved version 1' });
  await expect(saved).toBeVisible();
  await saved.getByRole('button', { name: 'Close' }).click();
  await page.goto(`/projects/${PROJECT}/workflows/new`);
  await expect(page.getByRole('heading', { level: 1, name: 'new' })).toBeVisible();
  await expect(page.locator('.react-flow__node')).toHaveCount(2);
  await expect(page.getByTestId('stage-node-lint')).toContainText('node:22-alpine');
});

test('a stage from sonarqube-scan takes its server from the SONARQUBE integration; a missing argument is named', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await gql(
    'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }',
    {
      input: {
        tenant: TENANT,
        name: 'sonarqube',
        type: 'SONARQUBE',
        config: { server: 'https://sonar.example.com' },
        secret: { token: 'squ_e2e' },
      },
    },
    await adminToken(),
  );
  await signInTo(page, TENANT);
  await page.goto(`/projects/${PROJECT}/new-workflow`);
  await page.getByLabel('Add from template').selectOption('sonarqube-scan');
  const args = page.getByRole('dialog', { name: 'Add a sonarqube-scan stage' });
  await expect(args.getByLabel('sonarqube', { exact: true })).toHaveValue('sonarqube');
  await expect(args.getByLabel('server', { exact: true })).toHaveValue('');

  // Without a project key the API says what is missing, and nothing is added.
  await args.getByRole('button', { name: 'Add stage' }).click();
  await expect(args.getByRole('alert')).toContainText('argument "project-key" needs a value');
  await expect(page.locator('.react-flow__node')).toHaveCount(0);

  await args.getByLabel('project-key').fill('site');
  await page.screenshot({ path: path.join(screenshots, 'editor-template-arguments.png'), fullPage: true });
  await args.getByRole('button', { name: 'Add stage' }).click();
  await expect(args).toBeHidden();
  const stageDrawer = page.getByRole('dialog', { name: /^Stage sonarqube-scan/ });
  await expect(stageDrawer.getByLabel('Image')).toHaveValue('sonarsource/sonar-scanner-cli:11');
  await expect(stageDrawer.getByLabel('Command')).toHaveValue(
    '/bin/sh\n-e\n-c\nsonar-scanner -Dsonar.host.url=https://sonar.example.com -Dsonar.projectKey=site -Dsonar.sources=. ',
  );
  await expect(page.locator('.react-flow__node')).toHaveCount(1);
});
