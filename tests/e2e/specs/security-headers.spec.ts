import { expect, type Page, test } from '@playwright/test';
import { signIn } from '../support/auth';

/** CSP violations the page reports (Chromium also logs them to the console). */
function collectViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return violations;
}

test('every page carries a nonce CSP and the security headers; the app works under them', async ({ page }) => {
  const violations = collectViolations(page);
  const response = await page.goto('/login');
  const headers = response?.headers() ?? {};
  const policy = headers['content-security-policy'] ?? '';
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  expect(nonce, policy).toBeTruthy();
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
  });

  // Every script Next rendered carries this response's nonce.
  const nonces = await page
    .locator('script')
    .evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
  expect(nonces.length).toBeGreaterThan(0);
  expect(new Set(nonces)).toEqual(new Set([nonce]));

  // A second request gets another nonce.
  const again = await page.request.get('/login');
  expect(again.headers()['content-security-policy']).not.toContain(`'nonce-${nonce}'`);

  // Built assets are served with nosniff too.
  const asset = await page.locator('script[src^="/_next/static/"]').first().getAttribute('src');
  const assetResponse = await page.request.get(asset as string);
  expect(assetResponse.headers()['x-content-type-options']).toBe('nosniff');

  // The app signs in, streams live and draws a workflow graph with no violation.
  await signIn(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  expect(violations).toEqual([]);
});

test('injected markup runs no script: inline event handlers are blocked', async ({ page }) => {
  const violations = collectViolations(page);
  await page.goto('/login');
  // What a stored cross-site scripting attack would slip into a page.
  await page.evaluate(() =>
    document.body.insertAdjacentHTML('beforeend', '<img src="/no-such-image" onerror="window.__injected = true">'),
  );
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
});
