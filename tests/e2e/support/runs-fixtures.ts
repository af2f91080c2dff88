import { expect, type Page } from '@playwright/test';
import { ADMIN } from './auth';

/** GraphQL against the platform under test, through the web origin (as the app does). */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const base = process.env.E2E_BASE_URL as string;
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
}

export async function adminToken(): Promise<string> {
  const data = await gql<{ login: { token: string } }>(
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input: { email: ADMIN.email, password: ADMIN.password } },
  );
  return data.login.token;
}

/** A tenant and project of their own per test file, so specs do not see each other's runs. */
export async function createTenantWithProject(token: string, tenant: string, project: string): Promise<void> {
  await gql(
    'mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }',
    { input: { name: tenant } },
    token,
  );
  await gql(
    'mutation($input: CreateProjectInput!) { createProject(input: $input) { name } }',
    { input: { tenant, name: project } },
    token,
  );
}

export const sh = (name: string, script: string, dependsOn: string[] = []) => ({
  name,
  image: 'alpine:3.20',
  command: ['sh', '-c'],
  args: [script],
  dependsOn,
});

export async function createWorkflow(
  token: string,
  input: {
    tenant: string;
    project: string;
    name: string;
    globalVariables?: { name: string; value: string }[];
    stages: unknown[];
    maxConcurrentRuns?: number;
  },
): Promise<void> {
  await gql('mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }', { input }, token);
}

export async function startRun(
  token: string,
  input: { tenant: string; project: string; workflow: string; parameters?: { name: string; value: string }[] },
): Promise<{ id: string; number: number }> {
  const data = await gql<{ runWorkflow: { id: string; number: number } }>(
    'mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id number } }',
    { input },
    token,
  );
  return data.runWorkflow;
}

export async function runPhase(token: string, id: string): Promise<string> {
  const data = await gql<{ workflowRun: { phase: string } }>(
    'query($id: ID!) { workflowRun(id: $id) { phase } }',
    { id },
    token,
  );
  return data.workflowRun.phase;
}

/** Signs in through the form and makes `tenant` the current tenant of the browser. */
export async function signInTo(page: Page, tenant: string): Promise<void> {
  await page.addInitScript((name) => window.localStorage.setItem('cyclone.tenant', name), tenant);
  await page.goto('/login');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/$/, { timeout: 60_000 });
}
