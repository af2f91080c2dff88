import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const APPLY =
  'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action target message } }';
const TEMPLATE =
  'name kind isBuiltin description image arguments { name value } inputSlots { type path } outputSlots { type path } inputs { resources { name path } } outputs { resources { name } }';
const LIST = `query($tenant: String!) { stageTemplates(tenant: $tenant) { name isBuiltin } }`;
const GET = `query($tenant: String!, $name: String!) { stageTemplate(tenant: $tenant, name: $name) { ${TEMPLATE} } }`;
const CREATE_STAGE = `mutation($input: CreateStageInput!) {
  createStage(input: $input) { name image command inputs { resources { name path } } outputs { resources { name } } }
}`;

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
type Applied = { kind: string; name: string; action: string; target: string; message: string | null };
const code = (r: Result) => r.errors?.[0]?.extensions?.code;

/** Stage templates in the form of Cyclone's templates/cicd/*.yaml: a YAML list of labelled Stages. */
const TEMPLATES = readFileSync(new URL('./fixtures/stage-templates.yaml', import.meta.url), 'utf8');

const RESOURCES = `apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: app-source}
spec:
  type: Git
  parameters: [{name: SCM_URL, value: 'https://git.example.com/app.git'}]
---
apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: app-image}
spec:
  type: Image
  parameters: [{name: IMAGE, value: registry.example.com/app:v1}]
`;

describe('applyManifests: stage templates', () => {
  let api: TestApi;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let outsider: Awaited<ReturnType<typeof seedTenant>>;
  let db: Db;
  const apply = (yaml: string, token = roles.DEVELOPER, project = 'web') =>
    api.graphql(APPLY, { input: { tenant: 'acme', project, yaml } }, token) as Promise<
      Result & { data?: { applyManifests: Applied[] } }
    >;

  beforeAll(async () => {
    api = await startTestApi();
    const admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    outsider = await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] });
    db = createPrismaClient(api.databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('makes labelled Stage documents templates of the tenant, unchanged when applied again', async () => {
    const first = await apply(TEMPLATES);
    expect(first.errors).toBeUndefined();
    expect(first.data?.applyManifests).toEqual([
      { kind: 'Stage', name: 'build', action: 'CREATED', target: 'STAGE_TEMPLATE', message: null },
      { kind: 'Stage', name: 'publish', action: 'CREATED', target: 'STAGE_TEMPLATE', message: null },
    ]);
    // Templates belong to the tenant, not to the project.
    expect(await db.stage.count()).toBe(0);
    const again = await apply(TEMPLATES);
    expect(again.data?.applyManifests.map((o) => o.action)).toEqual(['UNCHANGED', 'UNCHANGED']);
    const changed = await apply(TEMPLATES.replace('Pushes the built image', 'Pushes the image'));
    expect(changed.data?.applyManifests.map((o) => [o.name, o.action])).toEqual([
      ['build', 'UNCHANGED'],
      ['publish', 'UPDATED'],
    ]);

    const publish = await api.graphql(GET, { tenant: 'acme', name: 'publish' }, roles.VIEWER);
    expect(publish.data).toEqual({
      stageTemplate: {
        name: 'publish',
        kind: 'deploy', // Cyclone's `cd`
        isBuiltin: false,
        description: 'Pushes the image',
        image: 'docker:24-dind',
        arguments: [{ name: 'config', value: '{\n  "registry": "registry.example.com"\n}' }],
        inputSlots: [{ type: 'Git', path: '/workspace' }],
        outputSlots: [{ type: 'Image', path: null }],
        inputs: { resources: [] },
        outputs: { resources: [] },
      },
    });
    const row = await db.stageTemplate.findFirstOrThrow({ where: { name: 'publish' }, include: { tenant: true } });
    expect(row.tenant?.name).toBe('acme');
    expect(row.isBuiltin).toBe(false);
  });

  it('lets a tenant template shadow the built-in of the same name for that tenant only', async () => {
    const ours = await api.graphql<{ stageTemplates: { name: string; isBuiltin: boolean }[] }>(
      LIST,
      { tenant: 'acme' },
      roles.VIEWER,
    );
    expect(ours.data?.stageTemplates.filter((t) => t.name === 'build')).toEqual([
      { name: 'build', isBuiltin: true },
      { name: 'build', isBuiltin: false },
    ]);
    const build = await api.graphql<{ stageTemplate: { isBuiltin: boolean; description: string } }>(
      GET,
      { tenant: 'acme', name: 'build' },
      roles.VIEWER,
    );
    expect(build.data?.stageTemplate).toMatchObject({ isBuiltin: false, description: 'Builds the sources with make' });
    const theirs = await api.graphql<{ stageTemplate: { isBuiltin: boolean } }>(
      GET,
      { tenant: 'other', name: 'build' },
      outsider.OWNER,
    );
    expect(theirs.data?.stageTemplate.isBuiltin).toBe(true);
    expect((await api.graphql(GET, { tenant: 'other', name: 'publish' }, outsider.OWNER)).data).toEqual({
      stageTemplate: null,
    });
  });

  it('binds typed slots with the resources given to createStage', async () => {
    expect((await apply(RESOURCES)).errors).toBeUndefined();
    const base = { tenant: 'acme', project: 'web', template: 'build', arguments: [{ name: 'cmd', value: 'make' }] };
    const unbound = await api.graphql(CREATE_STAGE, { input: { ...base, name: 'compile' } }, roles.DEVELOPER);
    expect(unbound.errors?.[0]).toMatchObject({
      message:
        'input.inputs.resources: template "build" takes a Git resource at /workspace: give inputs.resources with the project\'s resource, e.g. [{name, path: "/workspace"}]',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.inputs.resources' },
    });
    const bound = await api.graphql(
      CREATE_STAGE,
      { input: { ...base, name: 'compile', inputs: { resources: [{ name: 'app-source', path: '/workspace' }] } } },
      roles.DEVELOPER,
    );
    expect(bound.errors).toBeUndefined();
    expect(bound.data).toEqual({
      createStage: {
        name: 'compile',
        image: 'alpine:3.20',
        command: ['/bin/sh', '-e', '-c', 'make'],
        inputs: { resources: [{ name: 'app-source', path: '/workspace' }] },
        outputs: { resources: [] },
      },
    });

    const push = { tenant: 'acme', project: 'web', name: 'push', template: 'publish' };
    const inputs = { resources: [{ name: 'app-source', path: '/workspace' }] };
    const noOutput: Result = await api.graphql(CREATE_STAGE, { input: { ...push, inputs } }, roles.DEVELOPER);
    expect(noOutput.errors?.[0]?.extensions?.field).toBe('input.outputs.resources');
    const pushed = await api.graphql(
      CREATE_STAGE,
      { input: { ...push, inputs, outputs: { resources: [{ name: 'app-image' }] } } },
      roles.DEVELOPER,
    );
    expect(pushed.errors).toBeUndefined();
    expect(pushed.data).toMatchObject({ createStage: { outputs: { resources: [{ name: 'app-image' }] } } });
  });

  it('refuses unknown template kinds and viewers, writing nothing', async () => {
    const before = await db.stageTemplate.count();
    const badKind = await apply(`${RESOURCES}---\n${TEMPLATES.replace('template-kind: cd', 'template-kind: paint')}`);
    expect(code(badKind)).toBe('BAD_USER_INPUT');
    expect(badKind.errors?.[0]?.message).toMatch(
      /^documents\[3\]\.metadata\.labels\.stage\.cyclone\.dev\/template-kind: must be one of build, .*, cd, codescan/,
    );
    expect(code(await apply(TEMPLATES.replace('make', 'gmake'), roles.VIEWER))).toBe('FORBIDDEN');
    expect(code(await apply(TEMPLATES, outsider.OWNER))).toBe('NOT_FOUND');
    expect(await db.stageTemplate.count()).toBe(before);
  });
});
