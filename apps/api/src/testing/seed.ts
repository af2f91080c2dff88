import type { TestApi } from './test-api.js';
import { createUserAndLogin } from './users.js';

type Role = 'OWNER' | 'ADMIN' | 'DEVELOPER' | 'VIEWER';

const CREATE_TENANT = 'mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }';
const CREATE_PROJECT = 'mutation($input: CreateProjectInput!) { createProject(input: $input) { id name } }';
const ADD_MEMBER = 'mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { role } }';

async function must(result: Promise<{ errors?: unknown[] }>, what: string): Promise<void> {
  const { errors } = await result;
  if (errors) throw new Error(`${what} failed: ${JSON.stringify(errors)}`);
}

/**
 * Creates a tenant with projects through the API, and one signed-in user per
 * requested role (emails `<role>@<tenant>.test`). Returns their tokens by role.
 */
export async function seedTenant(
  api: Pick<TestApi, 'graphql'>,
  adminToken: string,
  tenant: string,
  options: { projects?: string[]; roles?: Role[] } = {},
): Promise<Record<Role, string>> {
  await must(api.graphql(CREATE_TENANT, { input: { name: tenant } }, adminToken), `createTenant ${tenant}`);
  for (const project of options.projects ?? []) {
    await must(
      api.graphql(CREATE_PROJECT, { input: { tenant, name: project } }, adminToken),
      `createProject ${project}`,
    );
  }
  const tokens = {} as Record<Role, string>;
  for (const role of options.roles ?? []) {
    const email = `${role.toLowerCase()}@${tenant}.test`;
    tokens[role] = await createUserAndLogin(api, adminToken, email);
    await must(api.graphql(ADD_MEMBER, { input: { tenant, email, role } }, adminToken), `addTenantMember ${email}`);
  }
  return tokens;
}
