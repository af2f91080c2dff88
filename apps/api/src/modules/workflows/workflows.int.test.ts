import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const STAGE_FIELDS =
  'name image command args env { name value } workingDir dependsOn trivial timeout retries template inputs { resources { name path } artifacts { name path source } } outputs { resources { name } artifacts { name path } }';
const WORKFLOW = `id name version description globalVariables { name value } stages { ${STAGE_FIELDS} } versions { version creator { email } }`;
const CREATE = `mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { ${WORKFLOW} } }`;
const UPDATE = `mutation($input: UpdateWorkflowInput!) { updateWorkflow(input: $input) { ${WORKFLOW} } }`;
const DELETE = 'mutation($input: WorkflowRefInput!) { deleteWorkflow(input: $input) }';
const GET = `query($name: String!) { workflow(tenant: "acme", project: "web", name: $name) { ${WORKFLOW} } }`;
const CREATE_RESOURCE = 'mutation($input: CreateResourceInput!) { createResource(input: $input) { name } }';

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
const code = (r: Result) => r.errors?.[0]?.extensions?.code;
const field = (r: Result) => r.errors?.[0]?.extensions?.field;

const build = {
  name: 'build',
  image: 'golang:1.22',
  command: ['/bin/sh', '-c'],
  args: ['go build -o out/app . && echo "done ✓"\nls out'],
  env: [{ name: 'CGO_ENABLED', value: '0' }],
  workingDir: '/workspace',
  inputs: { resources: [{ name: 'code', path: '/workspace' }] },
  outputs: { artifacts: [{ name: 'app', path: '/workspace/out/app' }] },
  timeout: '10m',
  retries: 2,
};
const ship = {
  name: 'ship',
  image: 'alpine:3.20',
  command: ['sh', '-c', 'cp /in/app /dist'],
  dependsOn: ['build'],
  inputs: { artifacts: [{ name: 'app', path: '/in/app', source: 'build/app' }] },
  trivial: true,
};

describe('workflows', () => {
  let api: TestApi;
  let admin: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let outsider: Awaited<ReturnType<typeof seedTenant>>;
  let db: Db;
  const inWeb = (input: Record<string, unknown>) => ({ input: { tenant: 'acme', project: 'web', ...input } });

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    outsider = await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] });
    db = createPrismaClient(api.databaseUrl);
    const code = {
      name: 'code',
      type: 'GIT',
      parameters: [{ name: 'SCM_URL', value: 'https://git.example.com/a.git' }],
    };
    const created = await api.graphql(CREATE_RESOURCE, inWeb(code), roles.DEVELOPER);
    expect(created.errors).toBeUndefined();
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('creates version 1 with every stage field, readable by a viewer', async () => {
    const input = inWeb({
      name: 'ci',
      description: 'Build and ship',
      globalVariables: [{ name: 'TAG', value: '$(random:5)' }],
      stages: [build, ship],
    });
    const created = (await api.graphql(CREATE, input, roles.DEVELOPER)) as Result & {
      data: { createWorkflow: Record<string, unknown> };
    };
    expect(created.errors).toBeUndefined();
    expect(created.data.createWorkflow).toMatchObject({
      name: 'ci',
      version: 1,
      description: 'Build and ship',
      globalVariables: [{ name: 'TAG', value: '$(random:5)' }],
      versions: [{ version: 1, creator: { email: 'developer@acme.test' } }],
      stages: [
        {
          ...build,
          dependsOn: [],
          trivial: false,
          template: null,
          inputs: { resources: [{ name: 'code', path: '/workspace' }], artifacts: [] },
          outputs: { resources: [], artifacts: [{ name: 'app', path: '/workspace/out/app' }] },
        },
        {
          ...ship,
          args: [],
          env: [],
          workingDir: null,
          timeout: null,
          retries: 0,
          inputs: { resources: [], artifacts: [{ name: 'app', path: '/in/app', source: 'build/app' }] },
          outputs: { resources: [], artifacts: [] },
        },
      ],
    });
    const read = await api.graphql(GET, { name: 'ci' }, roles.VIEWER);
    expect(read.data).toEqual({ workflow: created.data.createWorkflow });
    const again = await api.graphql(CREATE, input, roles.DEVELOPER);
    expect(code(again)).toBe('CONFLICT');
  });

  it('adds an immutable version only when the spec changes', async () => {
    const base = inWeb({ name: 'versioned', stages: [build] });
    await api.graphql(CREATE, base, roles.DEVELOPER);
    const same = (await api.graphql(UPDATE, base, roles.DEVELOPER)) as {
      data: { updateWorkflow: { version: number } };
    };
    expect(same.data.updateWorkflow.version).toBe(1);
    const changed = await api.graphql(
      UPDATE,
      inWeb({ name: 'versioned', stages: [{ ...build, image: 'golang:1.23' }] }),
      admin,
    );
    expect(changed.data).toMatchObject({ updateWorkflow: { version: 2, stages: [{ image: 'golang:1.23' }] } });
    const versions = await db.workflowVersion.findMany({
      where: { workflow: { name: 'versioned' } },
      orderBy: { version: 'asc' },
    });
    expect(versions.map((v) => (v.spec as { stages: { image: string }[] }).stages[0]?.image)).toEqual([
      'golang:1.22',
      'golang:1.23',
    ]);
    // Each version answers with its own stages (the canvas compares two of them).
    const listed = await api.graphql<{ workflow: { versions: { version: number; stages: { image: string }[] }[] } }>(
      'query { workflow(tenant: "acme", project: "web", name: "versioned") { versions { version stages { image } } } }',
      {},
      roles.VIEWER,
    );
    expect(listed.data?.workflow.versions).toEqual([
      { version: 2, stages: [{ image: 'golang:1.23' }] },
      { version: 1, stages: [{ image: 'golang:1.22' }] },
    ]);
    const missing = await api.graphql(UPDATE, inWeb({ name: 'nope', stages: [build] }), roles.DEVELOPER);
    expect(code(missing)).toBe('NOT_FOUND');
  });

  it.each([
    [
      'a cycle, with its path',
      [
        { name: 'a', image: 'x', dependsOn: ['b'] },
        { name: 'b', image: 'x', dependsOn: ['a'] },
      ],
      'input.stages[0].dependsOn',
      /a → b → a|b → a → b/,
    ],
    [
      'an unknown dependency',
      [{ name: 'a', image: 'x', dependsOn: ['ghost'] }],
      'input.stages[0].dependsOn[0]',
      /ghost/,
    ],
    ['a self dependency', [{ name: 'a', image: 'x', dependsOn: ['a'] }], 'input.stages[0].dependsOn[0]', /itself/],
    [
      'a duplicate stage',
      [
        { name: 'a', image: 'x' },
        { name: 'a', image: 'y' },
      ],
      'input.stages[1].name',
      /more than once/,
    ],
    ['a stage name that is no DNS label', [{ name: 'Build_It', image: 'x' }], 'input.stages[0].name', /lower-case/],
    ['an empty image', [{ name: 'a', image: '' }], 'input.stages[0].image', /./],
    ['a bad timeout', [{ name: 'a', image: 'x', timeout: 'soon' }], 'input.stages[0].timeout', /duration/],
    ['too many retries', [{ name: 'a', image: 'x', retries: 11 }], 'input.stages[0].retries', /./],
    ['no stages', [], 'input.stages', /./],
    [
      'a missing resource',
      [{ name: 'a', image: 'x', inputs: { resources: [{ name: 'nope', path: '/w' }] } }],
      'input.stages[0].inputs.resources[0].name',
      /no resource "nope"/,
    ],
    [
      'a missing output resource',
      [{ name: 'a', image: 'x', outputs: { resources: [{ name: 'img' }] } }],
      'input.stages[0].outputs.resources[0].name',
      /no resource "img"/,
    ],
    [
      'an artifact source that is not upstream',
      [
        { name: 'a', image: 'x', outputs: { artifacts: [{ name: 'bin', path: '/b' }] } },
        { name: 'b', image: 'x', inputs: { artifacts: [{ name: 'bin', path: '/b', source: 'a/bin' }] } },
      ],
      'input.stages[1].inputs.artifacts[0].source',
      /must depend/,
    ],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_what, stages, expectedField, message) => {
    const result = (await api.graphql(CREATE, inWeb({ name: 'bad', stages }), roles.DEVELOPER)) as Result;
    expect(code(result)).toBe('BAD_USER_INPUT');
    expect(field(result)).toBe(expectedField);
    expect(result.errors?.[0]?.message).toMatch(message);
    expect(await db.workflow.count({ where: { name: 'bad' } })).toBe(0);
  });

  it('keeps default resources an update omits, removes them on null, and names a bad quantity', async () => {
    const RESOURCES = 'version resources { requests { cpu memory } limits { cpu memory } }';
    const save = async (mutation: 'create' | 'update', input: Record<string, unknown>) => {
      const query = `mutation($input: ${mutation === 'create' ? 'Create' : 'Update'}WorkflowInput!) { ${mutation}Workflow(input: $input) { ${RESOURCES} } }`;
      return (await api.graphql(
        query,
        inWeb({ name: 'sized', stages: [ship, build], ...input }),
        roles.DEVELOPER,
      )) as Result & {
        data?: Record<string, { version: number; resources: unknown }>;
      };
    };
    const limits = { cpu: '2', memory: '4Gi' };
    const created = await save('create', { resources: { limits } });
    expect(created.data?.createWorkflow).toEqual({ version: 1, resources: { requests: null, limits } });
    // An editor that does not show resources sends none: they stay, and nothing else changed.
    expect((await save('update', {})).data?.updateWorkflow).toEqual({
      version: 1,
      resources: { requests: null, limits },
    });
    expect((await save('update', { resources: null })).data?.updateWorkflow).toEqual({ version: 2, resources: null });
    const bad = await save('update', { resources: { limits: { cpu: 'lots' } } });
    expect(code(bad)).toBe('BAD_USER_INPUT');
    expect(field(bad)).toBe('input.resources.limits.cpu');
  });

  it('names a bad workflow name', async () => {
    const result = (await api.graphql(CREATE, inWeb({ name: 'Not OK', stages: [build] }), roles.DEVELOPER)) as Result;
    expect(field(result)).toBe('input.name');
  });

  it('lets viewers read but not write, and hides other tenants', async () => {
    const viewer = await api.graphql(CREATE, inWeb({ name: 'v', stages: [build] }), roles.VIEWER);
    expect(code(viewer)).toBe('FORBIDDEN');
    const foreignRead = await api.graphql(GET, { name: 'ci' }, outsider.OWNER);
    expect(code(foreignRead)).toBe('NOT_FOUND');
    const foreignDelete = await api.graphql(DELETE, inWeb({ name: 'ci' }), outsider.OWNER);
    expect(code(foreignDelete)).toBe('NOT_FOUND');
    const foreignUpdate = await api.graphql(UPDATE, inWeb({ name: 'ci', stages: [build] }), outsider.OWNER);
    expect(code(foreignUpdate)).toBe('NOT_FOUND');
    expect(await db.workflow.count({ where: { name: 'ci' } })).toBe(1);
  });

  it('records every write in the audit log, failures too', async () => {
    const events = await db.auditEvent.findMany({ where: { objectType: 'Workflow' }, orderBy: { id: 'asc' } });
    expect(events.some((e) => e.action === 'workflow.create' && e.objectName === 'ci' && e.outcome === 'SUCCESS')).toBe(
      true,
    );
    const failure = events.find((e) => e.objectName === 'bad' && e.outcome === 'FAILURE');
    expect(failure?.message).toMatch(/^BAD_USER_INPUT: /);
    expect(failure?.tenantId).not.toBeNull();
  });

  it('refuses to delete a workflow while a run is active, then deletes it', async () => {
    await api.graphql(CREATE, inWeb({ name: 'busy', stages: [build] }), roles.DEVELOPER);
    const workflow = await db.workflow.findFirstOrThrow({ where: { name: 'busy' }, include: { versions: true } });
    const run = await db.workflowRun.create({
      data: { workflowId: workflow.id, versionId: workflow.versions[0]?.id as string, number: 1, phase: 'RUNNING' },
    });
    const refused = (await api.graphql(DELETE, inWeb({ name: 'busy' }), roles.DEVELOPER)) as Result;
    expect(code(refused)).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/#1 \(RUNNING\)/);
    expect(await db.workflow.count({ where: { id: workflow.id } })).toBe(1);

    await db.workflowRun.update({ where: { id: run.id }, data: { phase: 'SUCCEEDED' } });
    const viewer = await api.graphql(DELETE, inWeb({ name: 'busy' }), roles.VIEWER);
    expect(code(viewer)).toBe('FORBIDDEN');
    const deleted = await api.graphql(DELETE, inWeb({ name: 'busy' }), roles.DEVELOPER);
    expect(deleted.data).toEqual({ deleteWorkflow: true });
    expect(await db.workflow.count({ where: { id: workflow.id } })).toBe(0);
    expect(code(await api.graphql(DELETE, inWeb({ name: 'busy' }), roles.DEVELOPER))).toBe('NOT_FOUND');
  });

  it('lists runs newest first, the latest run, and pages runs by phase', async () => {
    await api.graphql(CREATE, inWeb({ name: 'runner', stages: [build] }), roles.DEVELOPER);
    const workflow = await db.workflow.findFirstOrThrow({ where: { name: 'runner' }, include: { versions: true } });
    const phases = ['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'CANCELLED', 'SUCCEEDED'] as const;
    for (const [i, phase] of phases.entries()) {
      await db.workflowRun.create({
        data: {
          workflowId: workflow.id,
          versionId: workflow.versions[0]?.id as string,
          number: i + 1,
          phase,
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
        },
      });
    }
    const query = `query($after: String) { workflow(tenant: "acme", project: "web", name: "runner") {
      runs(first: 3) { number phase workflow { name } }
      latestRun { number }
      runsConnection(first: 2, after: $after, filter: { phases: [SUCCEEDED] }) { totalCount edges { node { number } } pageInfo { hasNextPage endCursor } }
    } }`;
    type Page = {
      workflow: {
        runs: unknown[];
        latestRun: { number: number };
        runsConnection: {
          totalCount: number;
          edges: { node: { number: number } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    const first = (await api.graphql<Page>(query, {}, roles.VIEWER)).data as Page;
    expect(first.workflow.runs).toEqual([
      { number: 5, phase: 'SUCCEEDED', workflow: { name: 'runner' } },
      { number: 4, phase: 'CANCELLED', workflow: { name: 'runner' } },
      { number: 3, phase: 'SUCCEEDED', workflow: { name: 'runner' } },
    ]);
    expect(first.workflow.latestRun).toEqual({ number: 5 });
    expect(first.workflow.runsConnection.totalCount).toBe(3);
    expect(first.workflow.runsConnection.edges.map((e) => e.node.number)).toEqual([5, 3]);
    expect(first.workflow.runsConnection.pageInfo.hasNextPage).toBe(true);
    const second = (
      await api.graphql<Page>(query, { after: first.workflow.runsConnection.pageInfo.endCursor }, roles.VIEWER)
    ).data as Page;
    expect(second.workflow.runsConnection.edges.map((e) => e.node.number)).toEqual([1]);
    expect(second.workflow.runsConnection.pageInfo.hasNextPage).toBe(false);
    const tooMany = await api.graphql(
      '{ workflow(tenant: "acme", project: "web", name: "runner") { runs(first: 501) { id } } }',
      {},
      admin,
    );
    expect(code(tooMany as Result)).toBe('BAD_USER_INPUT');
  });

  it('pages, filters and orders the workflows of a project', async () => {
    const query = `query($after: String, $order: WorkflowOrder) { project(tenant: "acme", name: "web") {
      workflows { name }
      workflowsConnection(first: 2, after: $after, filter: { nameContains: "R" }, orderBy: $order) {
        totalCount edges { node { name } } pageInfo { hasNextPage endCursor }
      } } }`;
    type Page = {
      project: {
        workflows: { name: string }[];
        workflowsConnection: {
          totalCount: number;
          edges: { node: { name: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    const all = (await api.graphql<Page>(query, {}, roles.VIEWER)).data as Page;
    const names = all.project.workflows.map((w) => w.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['ci', 'runner', 'versioned']));
    expect(all.project.workflowsConnection.totalCount).toBe(2);
    expect(all.project.workflowsConnection.edges.map((e) => e.node.name)).toEqual(['runner', 'versioned']);
    expect(all.project.workflowsConnection.pageInfo.hasNextPage).toBe(false);

    const order = { field: 'CREATED_AT', direction: 'DESC' };
    const byCreated = (await api.graphql<Page>(query.replace('"R"', '""'), { order }, roles.VIEWER)).data as Page;
    const page1 = byCreated.project.workflowsConnection;
    const page2 = (
      (await api.graphql<Page>(query.replace('"R"', '""'), { order, after: page1.pageInfo.endCursor }, roles.VIEWER))
        .data as Page
    ).project.workflowsConnection;
    const rows = await db.workflow.findMany({
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { name: true },
    });
    expect([...page1.edges, ...page2.edges].map((e) => e.node.name)).toEqual(rows.slice(0, 4).map((r) => r.name));
  });
});
