// Shared set-up of the web benchmarks: the built platform (as the e2e tests start it),
// Playwright's Chromium (from the e2e package), and GraphQL helpers.
import { createRequire } from 'node:module';

type PlaywrightTest = typeof import('../../tests/e2e/node_modules/@playwright/test');
export type Browser = import('../../tests/e2e/node_modules/@playwright/test').Browser;
export type Page = import('../../tests/e2e/node_modules/@playwright/test').Page;

// The benchmarks borrow the e2e package's Playwright instead of installing their own.
const requireFromE2e = createRequire(new URL('../../tests/e2e/package.json', import.meta.url));
export const { chromium } = requireFromE2e('@playwright/test') as PlaywrightTest;

export const ADMIN = {
  email: process.env.CYCLONE_ADMIN_EMAIL ?? 'admin@cyclone.local',
  password: process.env.CYCLONE_ADMIN_PASSWORD ?? 'cyclone-admin',
};

/**
 * The platform under test: E2E_BASE_URL when set, else the built platform started by the
 * e2e global set-up (node scripts/start.mjs on free ports). Returns the stop function.
 */
export async function startPlatform(): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  if (process.env.E2E_BASE_URL) return { baseUrl: process.env.E2E_BASE_URL, stop: async () => {} };
  const { default: globalSetup } = await import('../../tests/e2e/support/global-setup.ts');
  const stop = await globalSetup({} as never);
  return { baseUrl: process.env.E2E_BASE_URL as string, stop: stop ?? (async () => {}) };
}

export function graphql(baseUrl: string, token?: string) {
  return async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
    return body.data as T;
  };
}

export async function login(baseUrl: string): Promise<string> {
  const data = await graphql(baseUrl)<{ login: { token: string } }>(
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input: ADMIN },
  );
  return data.login.token;
}

/** A tenant and a project of the benchmark's own. */
export async function createTenantAndProject(baseUrl: string, token: string, tenant: string, project: string) {
  const gql = graphql(baseUrl, token);
  await gql('mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }', {
    input: { name: tenant },
  });
  await gql('mutation($input: CreateProjectInput!) { createProject(input: $input) { name } }', {
    input: { tenant, name: project },
  });
}

/**
 * `count` stages in `width` parallel lanes: stage i depends on stage i - width, and every
 * tenth also on its neighbour lane, so the graph has columns and cross edges like a real one.
 */
export function wideStages(count: number, width: number, script: string) {
  return Array.from({ length: count }, (_, i) => {
    const dependsOn: string[] = [];
    if (i >= width) dependsOn.push(`s${i - width}`);
    if (i >= width && i % 10 === 0 && (i - width + 1) % width !== 0) dependsOn.push(`s${i - width + 1}`);
    return { name: `s${i}`, image: 'alpine:3.20', command: ['sh', '-c'], args: [script], dependsOn };
  });
}

export async function createWorkflow(
  baseUrl: string,
  token: string,
  input: { tenant: string; project: string; name: string; stages: unknown[] },
) {
  await graphql(baseUrl, token)('mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }', {
    input,
  });
}

/** A browser page signed in as the admin, working in `tenant`. */
export async function signedInPage(browser: Browser, baseUrl: string, token: string, tenant: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } });
  // tsx keeps function names with a `__name` helper that page.evaluate bodies then call.
  await context.addInitScript('window.__name = (fn) => fn;');
  await context.addInitScript(
    ([t, n]) => {
      window.localStorage.setItem('cyclone.token', t as string);
      window.localStorage.setItem('cyclone.tenant', n as string);
    },
    [token, tenant],
  );
  return context.newPage();
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
