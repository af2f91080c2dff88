import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { createUserAndLogin } from '../../testing/users.js';

const CREATE_TENANT = 'mutation($input: CreateTenantInput!) { createTenant(input: $input) { id } }';
const ADD = 'mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { role } }';
const CREATE = `mutation($input: CreateProjectInput!) {
  createProject(input: $input) { id name description tenant { name } creator { email } }
}`;
const UPDATE = 'mutation($input: UpdateProjectInput!) { updateProject(input: $input) { description } }';
const DELETE = 'mutation($input: ProjectRefInput!) { deleteProject(input: $input) }';
const PROJECT = 'query($t: String!, $n: String!) { project(tenant: $t, name: $n) { name } }';
const AUDIT = `query($t: String!, $filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(tenant: $t, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { action objectType objectName outcome message actorEmail } }
  }
}`;

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
const code = (result: Result) => result.errors?.[0]?.extensions?.code;

function dataOf<T>(result: { data?: T; errors?: unknown }): T {
  if (!result.data) throw new Error(`no data: ${JSON.stringify(result.errors)}`);
  return result.data;
}

describe('projects', () => {
  let api: TestApi;
  let db: Db;
  let admin: string;
  let dev: string;
  let viewer: string;
  let outsider: string;
  beforeAll(async () => {
    api = await startTestApi();
    db = createPrismaClient(api.databaseUrl);
    admin = await api.loginAsAdmin();
    dev = await createUserAndLogin(api, admin, 'dev@example.test');
    viewer = await createUserAndLogin(api, admin, 'viewer@example.test');
    outsider = await createUserAndLogin(api, admin, 'outsider@example.test');
    await api.graphql(CREATE_TENANT, { input: { name: 'acme' } }, admin);
    await api.graphql(CREATE_TENANT, { input: { name: 'other' } }, admin);
    await api.graphql(ADD, { input: { tenant: 'acme', email: 'dev@example.test', role: 'DEVELOPER' } }, admin);
    await api.graphql(ADD, { input: { tenant: 'acme', email: 'viewer@example.test', role: 'VIEWER' } }, admin);
    await api.graphql(ADD, { input: { tenant: 'other', email: 'outsider@example.test', role: 'OWNER' } }, admin);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('lets DEVELOPERs create and edit projects, not VIEWERs, and checks names', async () => {
    const created = await api.graphql(CREATE, { input: { tenant: 'acme', name: 'web', description: 'site' } }, dev);
    expect(created.data).toEqual({
      createProject: {
        id: expect.any(String),
        name: 'web',
        description: 'site',
        tenant: { name: 'acme' },
        creator: { email: 'dev@example.test' },
      },
    });
    expect(code(await api.graphql(CREATE, { input: { tenant: 'acme', name: 'api' } }, viewer))).toBe('FORBIDDEN');
    expect(code(await api.graphql(CREATE, { input: { tenant: 'acme', name: 'web' } }, dev))).toBe('CONFLICT');
    const bad = await api.graphql(CREATE, { input: { tenant: 'acme', name: 'Web Site' } }, dev);
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.name' } });
    expect(
      (await api.graphql(UPDATE, { input: { tenant: 'acme', name: 'web', description: 'new' } }, dev)).data,
    ).toEqual({
      updateProject: { description: 'new' },
    });
    const listed = await api.graphql('query { tenant(name: "acme") { projects { name } } }', {}, viewer);
    expect(listed.data).toEqual({ tenant: { projects: [{ name: 'web' }] } });
    expect((await api.graphql(PROJECT, { t: 'acme', n: 'web' }, viewer)).data).toEqual({ project: { name: 'web' } });
  });

  it("hides another tenant's projects from non-members, even by exact name", async () => {
    expect(code(await api.graphql(PROJECT, { t: 'acme', n: 'web' }, outsider))).toBe('NOT_FOUND');
    expect(code(await api.graphql(PROJECT, { t: 'acme', n: 'nope' }, outsider))).toBe('NOT_FOUND');
    const update = await api.graphql(UPDATE, { input: { tenant: 'acme', name: 'web', description: 'x' } }, outsider);
    expect(update.errors?.[0]?.message).toBe('tenant "acme" was not found');
    expect(code(await api.graphql(DELETE, { input: { tenant: 'acme', name: 'web' } }, outsider))).toBe('NOT_FOUND');
    expect(code(await api.graphql('query { tenant(name: "acme") { name } }', {}, outsider))).toBe('NOT_FOUND');
    const tenants = await api.graphql('{ tenants { name } }', {}, outsider);
    expect(tenants.data).toEqual({ tenants: [{ name: 'other' }] });
  });

  it('refuses to delete a project or its tenant while a run is active, and deletes once it has finished', async () => {
    await api.graphql(CREATE, { input: { tenant: 'acme', name: 'busy' } }, dev);
    const project = await db.project.findFirstOrThrow({ where: { name: 'busy', tenant: { name: 'acme' } } });
    const workflow = await db.workflow.create({ data: { projectId: project.id, name: 'build', currentVersion: 1 } });
    const version = await db.workflowVersion.create({ data: { workflowId: workflow.id, version: 1, spec: {} } });
    const run = await db.workflowRun.create({
      data: { workflowId: workflow.id, versionId: version.id, number: 7, phase: 'RUNNING' },
    });

    expect(code(await api.graphql(DELETE, { input: { tenant: 'acme', name: 'busy' } }, dev))).toBe('FORBIDDEN');
    const refused = await api.graphql(DELETE, { input: { tenant: 'acme', name: 'busy' } }, admin);
    expect(refused.errors?.[0]).toMatchObject({
      message:
        'project "busy" has 1 active run: busy/build #7 (RUNNING); stop them or wait until they finish, then delete again',
      extensions: { code: 'CONFLICT' },
    });
    const tenantRefused = await api.graphql('mutation { deleteTenant(name: "acme") }', {}, admin);
    expect(tenantRefused.errors?.[0]?.message).toMatch(/^tenant "acme" has 1 active run: busy\/build #7/);
    // Nothing was deleted.
    expect(await db.workflowRun.count({ where: { id: run.id } })).toBe(1);

    await db.workflowRun.update({ where: { id: run.id }, data: { phase: 'SUCCEEDED' } });
    expect((await api.graphql(DELETE, { input: { tenant: 'acme', name: 'busy' } }, admin)).data).toEqual({
      deleteProject: true,
    });
    expect(await db.project.findUnique({ where: { id: project.id } })).toBeNull();
    expect(await db.workflowRun.count({ where: { id: run.id } })).toBe(0);
  });

  it('audits every mutation; a failure writes nothing but its FAILURE row; ADMINs read the log page by page', async () => {
    const before = await db.project.count();
    const failed = await api.graphql(CREATE, { input: { tenant: 'acme', name: 'web' } }, dev);
    expect(code(failed)).toBe('CONFLICT');
    expect(await db.project.count()).toBe(before);

    const failures = await api.graphql<{ auditEvents: { edges: { node: Record<string, unknown> }[] } }>(
      AUDIT,
      { t: 'acme', filter: { action: 'project.create', outcome: 'FAILURE', actorEmail: 'DEV@example.test' }, first: 1 },
      admin,
    );
    expect(failures.data?.auditEvents.edges[0]?.node).toEqual({
      action: 'project.create',
      objectType: 'Project',
      objectName: 'web',
      outcome: 'FAILURE',
      message: 'CONFLICT: project "web" already exists in tenant "acme"',
      actorEmail: 'dev@example.test',
    });

    // Newest first, across pages without overlap.
    const page1 = await api.graphql<{
      auditEvents: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { action: string } }[];
      };
    }>(AUDIT, { t: 'acme', first: 2 }, admin);
    const connection = dataOf(page1).auditEvents;
    expect(connection.edges[0]?.node.action).toBe('project.create');
    expect(connection.pageInfo.hasNextPage).toBe(true);
    const page2 = await api.graphql<typeof page1.data>(
      AUDIT,
      { t: 'acme', first: 100, after: connection.pageInfo.endCursor },
      admin,
    );
    expect(connection.edges.length + dataOf(page2).auditEvents.edges.length).toBe(connection.totalCount);
    const actions = [...connection.edges, ...dataOf(page2).auditEvents.edges].map((edge) => edge.node.action);
    expect(actions).toEqual(
      expect.arrayContaining(['project.delete', 'project.update', 'tenant.member.add', 'tenant.create']),
    );
    expect(actions.at(-1)).toBe('tenant.create');

    expect(code(await api.graphql(AUDIT, { t: 'acme' }, dev))).toBe('FORBIDDEN');
    expect(code(await api.graphql(AUDIT, { t: 'acme' }, outsider))).toBe('NOT_FOUND');
    expect(code(await api.graphql(AUDIT, { t: 'acme', after: 'garbage' }, admin))).toBe('BAD_USER_INPUT');
  });
});
