import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import {
  adminToken,
  createTenantWithProject,
  createWorkflow,
  gql,
  runPhase,
  sh,
  signInTo,
  startRun,
} from '../support/runs-fixtures';
import { workspaceGates } from '../support/workspace-gates';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-results/screenshots');
mkdirSync(screenshots, { recursive: true });

const TENANT = `runs-${Date.now().toString(36)}`;
// Stages wait for a gate the test opens once it has seen them running (the local
// executor runs on this machine; the gate is a file in the run's workspace), so "live"
// is observed however slow the machine is.
const gates = workspaceGates();
const waitFor = (name: string) => gates.script(name);
const open = (name: string) => gates.open(name);
const PROJECT = 'shop';
const runsUrl = (workflow: string) => `/projects/${PROJECT}/workflows/${workflow}/runs`;

// A diamond: checkout → (build, test) → package. Stages take a moment, so phases change visibly.
const DIAMOND = [
  sh(
    'checkout',
    [
      'echo "greeting=${variables.GREETING}"',
      "printf '\\033[32mcolour ok\\033[0m\\n'",
      'echo "careful: this goes to stderr" >&2',
      'sleep 2',
      'echo "commit:abc123" >> "$CYCLONE_RESULTS"',
    ].join('; '),
  ),
  sh('build', 'for i in $(seq 1 200); do echo "build line $i"; done; sleep 2', ['checkout']),
  sh('test', `echo testing; ${waitFor('test')}; echo tested`, ['checkout']),
  sh('package', 'echo packaged; echo "image:shop:1.0" >> "$CYCLONE_RESULTS"', ['build', 'test']),
];

let token: string;

test.beforeAll(async () => {
  token = await adminToken();
  await createTenantWithProject(token, TENANT, PROJECT);
  await createWorkflow(token, {
    tenant: TENANT,
    project: PROJECT,
    name: 'diamond',
    globalVariables: [{ name: 'GREETING', value: 'hello' }],
    stages: DIAMOND,
  });
  // One run at a time: a second one queues.
  await createWorkflow(token, {
    tenant: TENANT,
    project: PROJECT,
    name: 'solo',
    maxConcurrentRuns: 1,
    stages: [sh('wait', 'echo "holding the slot"; sleep 300')],
  });
  await createWorkflow(token, {
    tenant: TENANT,
    project: PROJECT,
    name: 'sleeper',
    stages: [sh('wait', 'echo "going to sleep"; sleep 300')],
  });
  // Quick and gate-free: the tests that need finished runs make their own.
  await createWorkflow(token, {
    tenant: TENANT,
    project: PROJECT,
    name: 'pair',
    globalVariables: [{ name: 'GREETING', value: 'hello' }],
    stages: [sh('greet', 'echo "greeting=${variables.GREETING}"'), sh('bye', 'echo bye', ['greet'])],
  });
  await createWorkflow(token, {
    tenant: TENANT,
    project: PROJECT,
    name: 'chatty',
    stages: [
      sh(
        'talk',
        `for i in $(seq 1 20); do echo "tick $i"; done; ${waitFor('talk')}; for i in $(seq 21 40); do echo "tick $i"; sleep 0.05; done`,
      ),
    ],
  });
});

const phaseOf = (page: Page, stage: string) => page.getByTestId(`stage-node-${stage}`);

async function waitForRun(id: string, phase: string) {
  await expect.poll(() => runPhase(token, id), { timeout: 45_000 }).toBe(phase);
}

test('starts a run with parameters, watches the stages turn green live and reads a log line', async ({ page }) => {
  test.setTimeout(180_000);
  await signInTo(page, TENANT);
  await page.goto(runsUrl('diamond'));
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
  await expect(page.getByText('No runs yet')).toBeVisible();

  await page.locator('header').getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Run diamond' });
  await expect(dialog.getByLabel('GREETING')).toHaveValue('hello');
  await dialog.getByLabel('GREETING').fill('bonjour');
  await dialog.getByRole('button', { name: 'Start run' }).click();

  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Run #1' })).toBeVisible({ timeout: 30_000 });
  // Live: checkout is seen running, then every stage succeeds, without a reload.
  await expect(phaseOf(page, 'test')).toHaveAttribute('data-phase', 'RUNNING', { timeout: 60_000 });
  await expect(phaseOf(page, 'package')).toHaveAttribute('data-phase', 'PENDING');
  open('test');
  for (const stage of ['checkout', 'build', 'test', 'package']) {
    await expect(phaseOf(page, stage)).toHaveAttribute('data-phase', 'SUCCEEDED', { timeout: 60_000 });
  }
  await expect(page.getByTestId('run-phase')).toHaveText('Succeeded');
  await expect(page.getByRole('region', { name: 'Parameters' })).toContainText('variables.GREETING');
  await expect(page.getByRole('region', { name: 'Outputs' })).toContainText('checkout.commit');
  await expect(page.getByRole('region', { name: 'Outputs' })).toContainText('shop:1.0');

  await page.screenshot({ path: path.join(screenshots, 'run-dashboard-dag.png'), fullPage: true });

  // The timeline rows open the stage drawer (keyboard reachable buttons).
  await page.getByRole('button', { name: /^checkout: Succeeded/ }).click();
  const drawer = page.getByRole('dialog', { name: 'Stage checkout' });
  const log = drawer.getByRole('log', { name: 'Log of stage checkout' });
  await expect(log).toContainText('greeting=bonjour');
  await expect(log).toContainText('colour ok');
  await expect(log).not.toContainText('[32m');
  await expect(log.locator('[data-stream="STDERR"]')).toContainText('careful: this goes to stderr');
  await expect(drawer.getByRole('status')).toContainText('Complete');
  await page.screenshot({ path: path.join(screenshots, 'run-dashboard.png'), fullPage: true });

  // Search with next/previous.
  await drawer.getByRole('button', { name: 'Close the stage panel' }).click();
  await page.getByRole('button', { name: /^build: Succeeded/ }).click();
  const buildDrawer = page.getByRole('dialog', { name: 'Stage build' });
  await expect(buildDrawer.getByTestId('log-lines')).toHaveAttribute('data-line-count', '200');
  await buildDrawer.getByLabel('Search the log').fill('line 19');
  await expect(buildDrawer.getByText('0 of 11')).toBeVisible();
  await buildDrawer.getByRole('button', { name: 'Next' }).click();
  await expect(buildDrawer.getByText('1 of 11')).toBeVisible();
  await buildDrawer.getByRole('button', { name: 'Previous' }).click();
  await expect(buildDrawer.getByText('11 of 11')).toBeVisible();
  await expect(buildDrawer.locator('[data-match="current"]')).toContainText('build line 199');
  await page.keyboard.press('Escape');
  await expect(buildDrawer).toBeHidden();
});

test('stops a long run and shows it CANCELLED', async ({ page }) => {
  test.setTimeout(120_000);
  const run = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'sleeper' });
  await signInTo(page, TENANT);
  await page.goto(`${runsUrl('sleeper')}/${run.id}`);
  await expect(phaseOf(page, 'wait')).toHaveAttribute('data-phase', 'RUNNING', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-phase')).toHaveText('Cancelled', { timeout: 20_000 });
  await expect(phaseOf(page, 'wait')).toHaveAttribute('data-phase', 'CANCELLED');
  await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
});

test('a queued run says why it waits and its place, and starts live when the slot frees', async ({ page }) => {
  test.setTimeout(120_000);
  const first = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'solo' });
  const second = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'solo' });
  await signInTo(page, TENANT);
  await page.goto(`${runsUrl('solo')}/${second.id}`);
  await expect(page.getByTestId('run-wait')).toHaveText(
    'Queued: number 1 in line (this workflow runs at most 1 at once)',
    {
      timeout: 20_000,
    },
  );
  await page.screenshot({ path: path.join(screenshots, 'run-queued.png'), fullPage: true });
  // The overview's active runs say it too.
  await page.goto('/');
  await expect(page.getByTestId(`active-run-wait-${second.number}`)).toHaveText(
    'Queued: number 1 in line (this workflow runs at most 1 at once)',
    { timeout: 20_000 },
  );
  await page.goto(`${runsUrl('solo')}/${second.id}`);
  await gql('mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }', { id: first.id }, token);
  await expect(phaseOf(page, 'wait')).toHaveAttribute('data-phase', 'RUNNING', { timeout: 30_000 });
  await expect(page.getByTestId('run-wait')).toBeHidden();
  await gql('mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }', { id: second.id }, token);
});

test('retries from a stage: the stages before it are reused, the rest run again', async ({ page }) => {
  test.setTimeout(180_000);
  open('test');
  const first = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'diamond' });
  await waitForRun(first.id, 'SUCCEEDED');
  await signInTo(page, TENANT);
  await page.goto(`${runsUrl('diamond')}/${first.id}`);
  await page.getByRole('button', { name: /^build: Succeeded/ }).click();
  await page.getByRole('button', { name: 'Retry from build' }).click();

  await expect(page).not.toHaveURL(new RegExp(first.id));
  await expect(page.getByRole('heading', { level: 1, name: `Run #${first.number + 1}` })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Run summary' })).toContainText(`Retry of #${first.number}`);
  for (const stage of ['build', 'package']) {
    await expect(phaseOf(page, stage)).toHaveAttribute('data-phase', 'SUCCEEDED', { timeout: 60_000 });
  }
  await expect(page.getByTestId('run-phase')).toHaveText('Succeeded');
  // checkout and test were reused, not run again.
  for (const stage of ['checkout', 'test']) {
    await page.getByRole('button', { name: new RegExp(`^${stage}: Succeeded`) }).click();
    const drawer = page.getByRole('dialog', { name: `Stage ${stage}` });
    await expect(drawer).toContainText(`reused from run #${first.number}`);
    // The drawer covers part of the page on narrow screens: close it before the next row.
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
  }
});

test('a dropped connection resumes the log after the last line: none missed, none twice', async ({ page, context }) => {
  test.setTimeout(180_000);
  const run = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'chatty' });
  // Keep hold of the page's WebSockets, to drop them the way a network failure does.
  await page.addInitScript(() => {
    const sockets: WebSocket[] = [];
    (window as unknown as { sockets: WebSocket[] }).sockets = sockets;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
  await signInTo(page, TENANT);
  await page.goto(`${runsUrl('chatty')}/${run.id}`);
  await page.getByRole('button', { name: /^talk: / }).click();
  const drawer = page.getByRole('dialog', { name: 'Stage talk' });
  const log = drawer.getByRole('log');
  await expect(log).toContainText('tick 20', { timeout: 60_000 });

  await context.setOffline(true);
  await page.evaluate(() => {
    for (const socket of (window as unknown as { sockets: WebSocket[] }).sockets) socket.close(4000, 'network drop');
  });
  await expect(drawer.getByRole('status')).toContainText('Reconnecting');
  // The stage prints the rest while this page is offline.
  open('talk');
  await page.waitForTimeout(3_000);
  await context.setOffline(false);

  await expect(page.getByTestId('run-phase')).toHaveText('Succeeded', { timeout: 45_000 });
  await expect(drawer.getByRole('status')).toContainText('Complete', { timeout: 20_000 });
  await expect(drawer.getByTestId('log-lines')).toHaveAttribute('data-line-count', '40');
  // Every tick once, in order: the rendered rows carry their seq numbers.
  await drawer.getByRole('button', { name: 'Follow' }).click();
  const seqs = await log
    .locator('[data-stream]')
    .evaluateAll((rows) => rows.map((row) => Number(row.firstElementChild?.textContent)));
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
});

test('lists runs with filters and compares two side by side', async ({ page }) => {
  test.setTimeout(120_000);
  const bonjour = await startRun(token, {
    tenant: TENANT,
    project: PROJECT,
    workflow: 'pair',
    parameters: [{ name: 'variables.GREETING', value: 'bonjour' }],
  });
  const plain = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'pair' });
  await waitForRun(bonjour.id, 'SUCCEEDED');
  await waitForRun(plain.id, 'SUCCEEDED');
  await signInTo(page, TENANT);
  await page.goto(runsUrl('pair'));
  await expect(page.getByRole('status').filter({ hasText: /runs$/ })).toHaveText(/[2-9] runs/);
  await page.getByLabel('Status').selectOption('SUCCEEDED');
  await expect(page.getByRole('table').getByRole('row')).not.toHaveCount(1);
  await page.getByLabel('Created').selectOption('day');
  // The Trigger column says what started each run; the trigger filter narrows by it.
  const table = page.getByRole('table', { name: 'Runs' });
  await expect(table.getByRole('columnheader', { name: 'Trigger' })).toBeVisible();
  await expect(table.getByTestId('run-trigger').first()).toHaveText('Manual');
  await page.screenshot({ path: path.join(screenshots, 'runs-list.png'), fullPage: true });
  await page.getByRole('combobox', { name: /^Trigger/ }).selectOption('CRON');
  await expect(table.getByTestId('run-trigger')).toHaveCount(0);
  await page.getByRole('combobox', { name: /^Trigger/ }).selectOption('MANUAL');
  await expect(table.getByTestId('run-trigger').first()).toHaveText('Manual');

  await page.getByLabel(`Pick run #${bonjour.number} to compare`).check();
  await page.getByLabel(`Pick run #${plain.number} to compare`).check();
  await page.getByRole('link', { name: 'Compare' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Compare runs' })).toBeVisible();
  const params = page.getByRole('table', { name: 'Parameters' });
  await expect(params.getByRole('row', { name: /variables\.GREETING differs/ })).toContainText('bonjour');
  const stages = page.getByRole('table', { name: 'Stages' });
  for (const stage of ['greet', 'bye']) {
    await expect(stages.getByRole('row', { name: new RegExp(`^${stage}`) })).toContainText('Succeeded');
  }
  await page.screenshot({ path: path.join(screenshots, 'runs-compare.png'), fullPage: true });
});

test('the overview counts runs, charts them and lists what runs now, live', async ({ page }) => {
  test.setTimeout(120_000);
  // A finished run for the success rate.
  const done = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'pair' });
  await waitForRun(done.id, 'SUCCEEDED');
  const run = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'sleeper' });
  await signInTo(page, TENANT);
  const summary = page.getByRole('region', { name: 'Summary' });
  await expect(summary.getByTestId('stat-projects')).toContainText('1');
  await expect(summary.getByTestId('stat-workflows')).toContainText('5');
  await expect(summary.getByTestId('stat-success-rate')).toContainText('%');
  await expect(page.getByRole('img', { name: 'Runs per day' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Duration trend' })).toBeVisible();
  const running = page.getByRole('table', { name: 'Running now' });
  const row = running.getByRole('row', { name: new RegExp(`#${run.number}`) });
  await expect(row).toContainText('sleeper');
  await expect(row).toContainText('Running', { timeout: 20_000 });
  // Live: a run started after the page loaded joins the list without a reload.
  const next = await startRun(token, { tenant: TENANT, project: PROJECT, workflow: 'sleeper' });
  const nextRow = running.getByRole('row', { name: new RegExp(`#${next.number}\\b`) });
  await expect(nextRow).toContainText('sleeper', { timeout: 20_000 });
  await expect(nextRow).toContainText('Running', { timeout: 20_000 });
  await page.screenshot({ path: path.join(screenshots, 'overview-runs.png'), fullPage: true });
  for (const id of [run.id, next.id]) {
    await page.evaluate(
      async ({ id: runId, t }) => {
        await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` },
          body: JSON.stringify({
            query: 'mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }',
            variables: { id: runId },
          }),
        });
      },
      { id, t: token },
    );
  }
  // Live: the stopped runs leave the list without a reload.
  await expect(running.getByRole('row', { name: new RegExp(`#${run.number}\\b`) })).toHaveCount(0, {
    timeout: 20_000,
  });
  await expect(nextRow).toHaveCount(0, { timeout: 20_000 });
});
