import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { ADMIN, signIn } from '../support/auth';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-results/screenshots');
mkdirSync(screenshots, { recursive: true });

const NAV_ITEMS = ['Overview', 'Projects', 'Templates', 'Workflows', 'Integration Center'];

test('signs in and lands on the overview', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Cyclone' })).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'login.png'), fullPage: true });

  await signIn(page);

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  for (const name of NAV_ITEMS) await expect(nav.getByRole('link', { name })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  for (const label of ['Projects', 'Workflows', 'Runs today', 'Success rate']) {
    await expect(page.getByRole('region', { name: 'Summary' }).getByText(label, { exact: true })).toBeVisible();
  }
  await expect(page.getByRole('button', { name: /Account menu for/ })).toBeVisible();
  // The app's own graphql-ws client holds a live connection through the proxy.
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await expect(page).toHaveTitle('Overview · Cyclone');
  // Where stages run: the embedded default without a container engine runs them on the host.
  await expect(page.getByTestId('engine-line')).toHaveAttribute('data-executor', 'host');
  await expect(page.getByTestId('engine-line')).toContainText('Stages run as processes on this machine');

  await page.screenshot({ path: path.join(screenshots, 'overview.png'), fullPage: true });
});

test('refuses a wrong password with a message that says so', async ({ page }) => {
  await page.goto('/login');
  await signIn(page, { email: ADMIN.email, password: 'not-the-password' });
  await expect(page.getByText('The email or password is incorrect.')).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel('Password')).toHaveValue('not-the-password');
});

test('a GraphQL subscription streams through the web server WebSocket proxy', async ({ page }) => {
  await page.goto('/login');
  await signIn(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

  // graphql-transport-ws by hand, from the page, to the same origin the app uses: the
  // session is the httpOnly cookie the upgrade request carries, the init sends no token.
  const result = await page.evaluate(async () => {
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const seen: string[] = [];
    try {
      return await new Promise<{ protocol: string; seen: string[]; heartbeat: unknown }>((resolve, reject) => {
        const timer = window.setTimeout(() => reject(new Error(`timed out; messages: ${seen.join(', ')}`)), 15_000);
        socket.onerror = () => reject(new Error('WebSocket error'));
        socket.onclose = (event) => reject(new Error(`closed ${event.code} ${event.reason}`));
        socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data));
          seen.push(message.type);
          if (message.type === 'connection_ack') {
            socket.send(
              JSON.stringify({
                id: '1',
                type: 'subscribe',
                payload: { query: 'subscription Smoke { heartbeat(intervalSeconds: 1) }' },
              }),
            );
          } else if (message.type === 'next' && message.id === '1') {
            window.clearTimeout(timer);
            resolve({ protocol: socket.protocol, seen: [...seen], heartbeat: message.payload?.data?.heartbeat });
          } else if (message.type === 'error') {
            window.clearTimeout(timer);
            reject(new Error(`subscription error: ${JSON.stringify(message.payload)}`));
          }
        };
      });
    } finally {
      socket.onclose = null;
      socket.close(1000);
    }
  });

  expect(result.protocol).toBe('graphql-transport-ws');
  expect(result.seen.slice(0, 2)).toEqual(['connection_ack', 'next']);
  expect(typeof result.heartbeat).toBe('string');
  expect(Math.abs(Date.now() - Date.parse(String(result.heartbeat)))).toBeLessThan(5 * 60_000);
});

test('returns to the requested page after signing in, and signs out from the user menu', async ({ page }) => {
  await page.goto('/workflows');
  await expect(page).toHaveURL(/\/login\?next=%2Fworkflows$/);
  await signIn(page);
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Workflows' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText('Workflows');

  await page.getByRole('button', { name: /Account menu for/ }).click();
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { level: 1, name: '工作流' })).toBeVisible();
  await page.getByLabel('语言').selectOption('en');
  await expect(page.getByRole('heading', { level: 1, name: 'Workflows' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});
