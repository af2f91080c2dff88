import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { startGitHttpServer } from '../../../apps/api/src/modules/scm/testing/git-http-server';
import { adminToken, createTenantWithProject, createWorkflow, gql, sh, startRun } from '../support/runs-fixtures';
import { screenshotDir, signInToTenant, uniqueName } from '../support/settings-fixtures';

/** Two versions of a workflow on one canvas: what was added, removed and changed, field by field. */
test.describe('version diff', () => {
  const tenant = uniqueName('versions');
  const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);
  let runOfV1: string;
  let gitRoot: string;
  let git: { url: string; stop(): Promise<void> };
  let head: string;

  test.beforeAll(async () => {
    const token = await adminToken();
    // A repository whose .cyclone.yaml moves the workflow on from v2: served by git http-backend on loopback.
    gitRoot = mkdtempSync(path.join(tmpdir(), 'cyclone-e2e-pac-'));
    const work = path.join(gitRoot, 'work');
    mkdirSync(work);
    const run = (...args: string[]) =>
      execFileSync('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@x', ...args], { encoding: 'utf8' });
    run('init', '-q', '-b', 'main');
    writeFileSync(path.join(work, '.cyclone.yaml'), PIPELINE_FILE);
    run('add', '-A');
    run('commit', '-q', '-m', 'pipeline');
    head = run('rev-parse', 'HEAD').trim();
    execFileSync('git', ['clone', '-q', '--bare', work, path.join(gitRoot, 'app.git')]);
    git = await startGitHttpServer(gitRoot);
    await createTenantWithProject(token, tenant, 'shop');
    await createWorkflow(token, {
      tenant,
      project: 'shop',
      name: 'release',
      stages: [sh('build', 'make'), sh('lint', 'make lint', ['build']), sh('test', 'make test', ['build'])],
    });
    runOfV1 = (await startRun(token, { tenant, project: 'shop', workflow: 'release' })).id;
    await gql(
      'mutation($input: UpdateWorkflowInput!) { updateWorkflow(input: $input) { version } }',
      {
        input: {
          tenant,
          project: 'shop',
          name: 'release',
          stages: [
            { ...sh('build', 'make'), image: 'golang:1.23' },
            sh('test', 'make test', ['build']),
            sh('publish', 'make publish', ['test']),
          ],
        },
      },
      token,
    );
    await gql(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
      {
        input: { tenant, name: 'repo', type: 'GIT', config: { server: git.url }, secret: { webhookSecret: 's3cret' } },
      },
      token,
    );
    await gql(
      'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { name } }',
      {
        input: {
          tenant,
          project: 'shop',
          workflow: 'release',
          name: 'on-push',
          type: 'SCM',
          scm: { integration: 'repo', repo: 'app.git', push: { branches: ['main'] }, workflowFromRevision: true },
        },
      },
      token,
    );
  });

  test.afterAll(async () => {
    await git?.stop();
    rmSync(gitRoot, { recursive: true, force: true });
  });

  test('the editor opens the comparison; the canvas colours each change and a stage shows its fields', async ({
    page,
  }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/release');
    await page.getByRole('link', { name: 'Compare versions' }).click();
    await expect(page).toHaveURL(/\/workflows\/release\/versions$/);
    await expect(page.getByTestId('version-summary')).toHaveText('1 added · 1 removed · 1 changed');
    await expect(page.getByLabel('From', { exact: true })).toHaveValue('1');
    await expect(page.getByLabel('To', { exact: true })).toHaveValue('2');
    await expect(node(page, 'build')).toHaveAttribute('data-change', 'changed');
    await expect(node(page, 'publish')).toHaveAttribute('data-change', 'added');
    await expect(node(page, 'lint')).toHaveAttribute('data-change', 'removed');
    await expect(node(page, 'test')).not.toHaveAttribute('data-change');
    await expect(page.locator('.react-flow__edge.added')).toHaveCount(1);
    await expect(page.locator('.react-flow__edge.removed')).toHaveCount(1);

    await node(page, 'build').click();
    const details = page.getByRole('complementary', { name: 'Changes of the selected stage' });
    const image = details.getByRole('row', { name: /image/ });
    await expect(image).toContainText('alpine:3.20');
    await expect(image).toContainText('golang:1.23');
    await page.screenshot({ path: path.join(screenshotDir, 'version-diff.png'), fullPage: true });
    await node(page, 'lint').click();
    await expect(details).toContainText('Removed in v2: only in v1.');

    // The same version on both sides: nothing changed.
    await page.getByLabel('From', { exact: true }).selectOption('2');
    await expect(page).toHaveURL(/from=2&to=2/);
    await expect(page.getByTestId('version-summary')).toHaveText('0 added · 0 removed · 0 changed');
  });

  test("a run's version links to its comparison with the current one", async ({ page }) => {
    await signInToTenant(page, tenant, `/projects/shop/workflows/release/runs/${runOfV1}`);
    await page.getByRole('link', { name: 'v1', exact: true }).click();
    await expect(page).toHaveURL(/\/workflows\/release\/versions\?from=1$/);
    await expect(page.getByLabel('From', { exact: true })).toHaveValue('1');
    await expect(page.getByLabel('To', { exact: true })).toHaveValue('2');
    await expect(page.getByTestId('version-summary')).toHaveText('1 added · 1 removed · 1 changed');
  });

  test('compares the current version with .cyclone.yaml at a branch that never ran', async ({ page }) => {
    await signInToTenant(page, tenant, '/projects/shop/workflows/release/versions?from=2');
    await page.getByLabel('To', { exact: true }).selectOption({ label: 'A revision of .cyclone.yaml…' });
    await page.getByLabel('Revision', { exact: true }).fill('main');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect(page).toHaveURL(/from=2&revision=main$/);
    await expect(page.getByTestId('version-summary')).toHaveText('1 added · 1 removed · 1 changed');
    await expect(page.getByText('Read from app.git through trigger on-push; not stored as a version.')).toBeVisible();
    await expect(node(page, 'deploy')).toHaveAttribute('data-change', 'added');
    await expect(node(page, 'publish')).toHaveAttribute('data-change', 'removed');
    await expect(node(page, 'build')).toHaveAttribute('data-change', 'changed');
    await node(page, 'build').click();
    const details = page.getByRole('complementary', { name: 'Changes of the selected stage' });
    await expect(
      details.getByRole('columnheader', { name: `.cyclone.yaml at main @ ${head.slice(0, 8)}` }),
    ).toBeVisible();
    await expect(details.getByRole('row', { name: /image/ })).toContainText('golang:1.24');
    await page.screenshot({ path: path.join(screenshotDir, 'version-diff-revision.png'), fullPage: true });

    // A commit without a pipeline file says why, with the code.
    await page.getByLabel('Revision', { exact: true }).fill('0'.repeat(40));
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const refusal = page
      .getByRole('alert')
      .filter({ hasText: 'Cyclone could not read .cyclone.yaml at this revision.' });
    await expect(refusal).toContainText(`revision: .cyclone.yaml does not exist at ${'0'.repeat(40)}`);
    await expect(refusal).toContainText('BAD_USER_INPUT');
  });
});

/** v2 with build's image moved on, publish gone and a deploy stage added. */
const stageDoc = (name: string, image: string, script: string) => `---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: ${name}}
spec:
  pod:
    spec:
      containers:
        - name: main
          image: ${image}
          command: [sh, -c]
          args: ["${script}"]
`;
const PIPELINE_FILE = `${stageDoc('build', 'golang:1.24', 'make')}${stageDoc('test', 'alpine:3.20', 'make test')}${stageDoc(
  'deploy',
  'alpine:3.20',
  'make deploy',
)}---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: release}
spec:
  stages:
    - name: build
    - name: test
      depends: [build]
    - name: deploy
      depends: [test]
`;
