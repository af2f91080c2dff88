import { expect, type Page } from '@playwright/test';

/** The administrator seeded on first boot (docs/contract.md §1). */
export const ADMIN = {
  email: process.env.CYCLONE_ADMIN_EMAIL ?? 'admin@cyclone.local',
  password: process.env.CYCLONE_ADMIN_PASSWORD ?? 'cyclone-admin',
};

/** Fills the login form the way a user does (fields found by their labels). */
export async function signIn(page: Page, credentials = ADMIN): Promise<void> {
  await expect(page).toHaveURL(/\/login(\?|$)/);
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The session this browser holds: an httpOnly cookie, readable here but by no page script. */
export const browserToken = async (page: Page) =>
  (await page.context().cookies()).find((cookie) => cookie.name === 'cyclone_session')?.value ?? null;
