import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { signIn } from '../support/auth';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-results/screenshots');
mkdirSync(screenshots, { recursive: true });

const suffix = Date.now().toString(36);
const PROJECT = `shop-${suffix}`;
const WORKFLOW = 'diamond';

/** Signs in and makes sure a tenant exists (a fresh platform has none). */
async function signInWithTenant(page: Page): Promise<void> {
  await page.goto('/login?next=%2Fprojects');
  await signIn(page);
  await expect(page).toHaveURL(/\/projects$/);
  const firstTenant = page.getByRole('heading', { name: 'Create your first tenant' });
  const table = page.getByRole('table', { name: 'Projects' });
  await expect(firstTenant.or(table)).toBeVisible();
  if (await firstTenant.isVisible()) {
    await page.getByLabel('Tenant name').fill('e2e');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await expect(table).toBeVisible();
  }
}

const node = (page: Page, name: string) => page.getByTestId(`stage-node-${name}`);

/**
 * The centre of `locator` once it has stopped moving: auto-layout animates the viewport
 * (fit view), and a drag that starts mid-animation misses the handle.
 */
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

/** Drags from `from`'s output handle to `to`'s input handle, the way a user draws an edge. */
async function connect(page: Page, from: string, to: string): Promise<void> {
  await node(page, from).hover();
  const start = await center(node(page, from).locator('.react-flow__handle.source'));
  const end = await center(node(page, to).locator('.react-flow__handle.target'));
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 8 });
  await page.mouse.move(end.x, end.y, { steps: 8 });
  await page.mouse.up();
}

async function addStage(page: Page, name: string, image: string, command: string): Promise<void> {
  await page.getByRole('toolbar', { name: 'Editor tools' }).getByRole('button', { name: 'Add stage' }).click();
  const drawer = page.getByRole('dialog', { name: /^Stage / });
  await expect(drawer).toBeVisible();
  await drawer.getByLabel('Stage name').fill(name);
  await drawer.getByLabel('Image').fill(image);
  await drawer.getByLabel('Command').fill(command);
  await drawer.getByLabel('Retries').fill('1');
  await drawer.getByRole('button', { name: 'Apply' }).click();
  await expect(drawer).toBeHidden();
  await expect(node(page, name)).toBeVisible();
}

test('projects: create one, build a diamond workflow with the mouse, save, reload, YAML round trip, cycle refused', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInWithTenant(page);

  // Create a project from the list.
  await page.getByRole('button', { name: 'New project' }).first().click();
  const create = page.getByRole('dialog', { name: 'New project' });
  await create.getByLabel('Project name').fill(PROJECT);
  await create.getByLabel('Description').fill('The web shop');
  await create.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${PROJECT}$`), { timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 1, name: PROJECT })).toBeVisible();
  await expect(page.getByRole('tab', { name: /Workflows/ })).toHaveAttribute('aria-selected', 'true');

  // The editor: four stages, connected as a diamond by dragging handles.
  await page.getByRole('link', { name: 'New workflow' }).first().click();
  await expect(page).toHaveURL(new RegExp(`/projects/${PROJECT}/new-workflow$`), { timeout: 30_000 });
  await page.getByLabel('Workflow name').fill(WORKFLOW);
  await addStage(page, 'checkout', 'alpine:3.20', 'sh\n-c\necho checkout');
  await addStage(page, 'build', 'golang:1.22', 'sh\n-c\necho build');
  await addStage(page, 'test', 'golang:1.22', 'sh\n-c\necho test');
  await addStage(page, 'publish', 'alpine:3.20', 'sh\n-c\necho publish');
  await expect(page.locator('.react-flow__node')).toHaveCount(4);

  const edges = page.locator('.react-flow__edge');
  await connect(page, 'checkout', 'build');
  await expect(edges).toHaveCount(1);
  await connect(page, 'checkout', 'test');
  await expect(edges).toHaveCount(2);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await connect(page, 'build', 'publish');
  await expect(edges).toHaveCount(3);
  await connect(page, 'test', 'publish');
  await expect(edges).toHaveCount(4);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await expect(page.getByRole('region', { name: 'Validation' })).toContainText('No problems');
  await expect(page.getByText('Unsaved changes')).toBeVisible();

  // A cycle is refused while drawing, with the reason.
  await connect(page, 'publish', 'checkout');
  await expect(page.getByRole('alert').filter({ hasText: 'would make a cycle' })).toContainText(
    '"checkout" cannot depend on "publish"',
  );
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const saved = page.getByRole('dialog', { name: 'Saved version 1' });
  await expect(saved).toBeVisible();
  await expect(saved).toContainText('+ stage publish');
  await saved.getByRole('button', { name: 'Close' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${PROJECT}/workflows/${WORKFLOW}$`));
  await expect(page.getByText('Unsaved changes')).toBeHidden();
  await page.screenshot({ path: path.join(screenshots, 'editor.png'), fullPage: true });

  // Reload: the saved graph comes back from the API.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: WORKFLOW })).toBeVisible();
  await expect(page.locator('.react-flow__node')).toHaveCount(4);
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
  await expect(node(page, 'test')).toContainText('golang:1.22');

  // Open a stage: its form shows what was saved.
  await node(page, 'build').click();
  const drawer = page.getByRole('dialog', { name: 'Stage build' });
  await expect(drawer.getByLabel('Image')).toHaveValue('golang:1.22');
  await expect(drawer.getByLabel('Retries')).toHaveValue('1');
  await drawer.getByRole('button', { name: 'Cancel' }).click();

  // Description and global variables.
  await page.getByRole('button', { name: 'Description & variables' }).click();
  const meta = page.getByRole('dialog', { name: 'Workflow description and variables' });
  await meta.getByLabel('Description').fill('Build, test, publish');
  await meta.getByRole('button', { name: 'Add variable' }).click();
  await meta.getByLabel('Global variables: Name 1').fill('REGION');
  await meta.getByLabel('Global variables: Value 1').fill('eu');
  await meta.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('Unsaved changes')).toBeVisible();

  // YAML round trip, in the browser: the YAML is printed from the graph (with the
  // unsaved variable); a broken edit is refused with its line; a good one reaches the graph.
  await page.getByRole('tab', { name: 'YAML' }).click();
  const yaml = page.getByLabel('Cyclone YAML');
  await expect(yaml).toContainText('kind: Workflow');
  await expect(yaml).toContainText('REGION');
  const text = await yaml.inputValue();
  const at = text.indexOf('name: test');
  expect(at).toBeGreaterThan(-1);
  await yaml.fill(text.replace('kind: Workflow', 'kind: [Workflow'));
  await page.getByRole('tab', { name: 'Graph' }).click();
  const problems = page.getByRole('alert').filter({ hasText: 'not valid YAML' });
  await expect(problems).toContainText(/Line \d+:/);
  await expect(page.getByRole('tab', { name: 'YAML' })).toHaveAttribute('aria-selected', 'true');
  await yaml.fill(text.slice(0, at) + text.slice(at).replace('image: golang:1.22', 'image: node:22-alpine'));
  await page.getByRole('tab', { name: 'Graph' }).click();
  await expect(node(page, 'test')).toContainText('node:22-alpine');
  await expect(node(page, 'build')).toContainText('golang:1.22');
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
  // Nothing was saved yet: one explicit Save makes version 2.
  await expect(page.getByText('v1', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const second = page.getByRole('dialog', { name: 'Saved version 2' });
  await expect(second).toContainText('+ variable REGION=eu');
  await expect(second).toContainText('+   image: node:22-alpine');
  await second.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByText('v2', { exact: true })).toBeVisible();

  // Undo/redo with the keyboard on a deletion.
  await node(page, 'publish').click();
  await page.getByRole('dialog', { name: 'Stage publish' }).getByRole('button', { name: 'Cancel' }).click();
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await node(page, 'publish').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Delete');
  await expect(page.locator('.react-flow__node')).toHaveCount(3);
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await page.keyboard.press('Control+z');
  await expect(page.locator('.react-flow__node')).toHaveCount(4);
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.locator('.react-flow__node')).toHaveCount(3);
  await page.keyboard.press('Control+z');
  await expect(page.getByText('Unsaved changes')).toBeHidden();

  // The project page lists the workflow; the projects list shows its recent version.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: PROJECT }).click();
  await expect(page.getByRole('table', { name: 'Workflows' })).toContainText(WORKFLOW);
  await page.screenshot({ path: path.join(screenshots, 'project.png'), fullPage: true });
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Projects' }).click();
  const row = page.getByRole('row').filter({ hasText: PROJECT });
  await expect(row).toContainText(`${WORKFLOW} v2`);
  await page.screenshot({ path: path.join(screenshots, 'projects.png'), fullPage: true });
});

test('leaving the editor with unsaved changes asks first', async ({ page }) => {
  await signInWithTenant(page);
  const table = page.getByRole('table', { name: 'Projects' });
  await expect(table.getByRole('link').first()).toBeVisible();
  const project = await table.getByRole('link').first().textContent();
  await page.goto(`/projects/${project}/new-workflow`);
  await page.getByRole('toolbar', { name: 'Editor tools' }).getByRole('button', { name: 'Add stage' }).click();
  await page
    .getByRole('dialog', { name: /^Stage / })
    .getByRole('button', { name: 'Cancel' })
    .click();
  await expect(page.getByText('Unsaved changes')).toBeVisible();

  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Projects' }).click();
  await expect.poll(() => asked).toContain('unsaved changes');
  await expect(page).toHaveURL(/\/new-workflow$/);

  // The browser's Back button asks too; staying keeps the work.
  asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.goBack();
  await expect.poll(() => asked).toContain('unsaved changes');
  await expect(page).toHaveURL(/\/new-workflow$/);
  await expect(page.locator('.react-flow__node')).toHaveCount(1);

  // A ghost node shows where a stage will land while "Add stage" is hovered.
  const add = page.getByRole('toolbar', { name: 'Editor tools' }).getByRole('button', { name: 'Add stage' });
  await add.hover();
  await expect(page.getByTestId('ghost-node')).toBeVisible();
  await page.locator('.react-flow__pane').hover({ position: { x: 5, y: 5 } });
  await expect(page.getByTestId('ghost-node')).toBeHidden();

  // The shortcuts panel opens with "?".
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Undo');
});
