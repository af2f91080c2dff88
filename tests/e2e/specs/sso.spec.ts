// Single sign-on in Chromium against a real OpenID Connect provider: Ory Hydra, started
// with the platform by the global setup (support/sso-provider.ts), with its login page
// (one "Sign in as <email>" button per test user).
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { browserToken } from '../support/auth';
import { adminToken, gql } from '../support/runs-fixtures';
import { screenshotDir, uniqueName } from '../support/settings-fixtures';
import { SSO_DEV_GROUP, SSO_USERS } from '../support/sso-provider';

test.describe('single sign-on', () => {
  const tenant = uniqueName('sso');

  test.beforeAll(async () => {
    const admin = await adminToken();
    await gql(
      'mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }',
      { input: { name: tenant } },
      admin,
    );
    await gql(
      'mutation($input: SetTenantSsoGroupRolesInput!) { setTenantSsoGroupRoles(input: $input) { name } }',
      { input: { tenant, groupRoles: [{ group: SSO_DEV_GROUP, role: 'DEVELOPER' }] } },
      admin,
    );
  });

  test('signs in with SSO: the first sign-in creates the user with the role of their group', async ({ page }) => {
    await page.goto('/projects');
    await expect(page).toHaveURL(/\/login\?/);
    const ssoButton = page.getByRole('button', { name: 'Sign in with SSO' });
    await expect(ssoButton).toBeVisible();
    // Password sign-in stays offered beside it (CYCLONE_PASSWORD_SIGN_IN is not off here).
    await expect(page.getByLabel('Password')).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, 'sign-in-with-sso.png'), fullPage: true });

    await ssoButton.click();
    // The provider's own page: Cyclone never sees a password here.
    await expect(page.getByRole('heading', { name: 'Test identity provider' })).toBeVisible();
    await page.getByRole('button', { name: `Sign in as ${SSO_USERS.developer.email}` }).click();

    // Back through /login/sso to the page the sign-in started from.
    await expect(page).toHaveURL(/\/projects$/);
    const token = await browserToken(page);
    expect(token).toBeTruthy();
    const seen = await gql<{ me: { email: string; name: string }; tenants: { name: string; myRole: string }[] }>(
      '{ me { email name } tenants { name myRole } }',
      {},
      token as string,
    );
    expect(seen.me).toEqual({ email: SSO_USERS.developer.email, name: SSO_USERS.developer.name });
    expect(seen.tenants).toContainEqual({ name: tenant, myRole: 'DEVELOPER' });
    await expect(page.getByText(SSO_USERS.developer.email)).toBeVisible();
    // No code is left in the address bar or the history.
    expect(page.url()).not.toContain('code=');
    await page.screenshot({ path: path.join(screenshotDir, 'signed-in-with-sso.png'), fullPage: true });
  });

  test('shows why a user whose groups give no role is refused', async ({ page }) => {
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.getByRole('button', { name: `Sign in as ${SSO_USERS.outsider.email}` }).click();
    // (Next's route announcer is an alert too: the message is the one with text.)
    const message = `${SSO_USERS.outsider.email} signed in with single sign-on, but none of your groups (marketing) is given a role in any Cyclone tenant`;
    await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
    expect(await browserToken(page)).toBeNull();
    await page.screenshot({ path: path.join(screenshotDir, 'sso-refused-group.png'), fullPage: true });
    await page.getByRole('link', { name: 'Back to sign-in' }).click();
    await expect(page.getByRole('button', { name: 'Sign in with SSO' })).toBeVisible();
  });

  test('a provider redirect opened in a tab that did not start the sign-in signs nobody in', async ({ page }) => {
    await page.goto('/login/sso?code=planted-by-someone-else&state=theirs');
    await expect(
      page.getByRole('alert').filter({ hasText: 'This sign-in was not started in this browser tab' }),
    ).toBeVisible();
    expect(await browserToken(page)).toBeNull();
  });
});
