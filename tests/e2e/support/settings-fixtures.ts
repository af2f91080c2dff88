import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { signIn } from './auth';
import { gql } from './runs-fixtures';

export const screenshotDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test-results/screenshots',
);
mkdirSync(screenshotDir, { recursive: true });

/** A name no other spec run uses (tenants, integrations, users are global to the platform). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

export async function createTenant(token: string, tenant: string): Promise<void> {
  await gql(
    'mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }',
    { input: { name: tenant } },
    token,
  );
}

export async function createUser(token: string, email: string): Promise<void> {
  await gql(
    'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
    { input: { email, name: 'Grace Hopper', password: 'grace-password-1' } },
    token,
  );
}

/** Signs in through the login form with `tenant` picked in the tenant switcher. */
export async function signInToTenant(page: Page, tenant: string, path = '/'): Promise<void> {
  await page.addInitScript((name) => window.localStorage.setItem('cyclone.tenant', name), tenant);
  await page.goto(path);
  await signIn(page);
}

/** A loopback TCP port nobody listens on (bound a moment ago, then released). */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
