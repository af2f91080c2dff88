import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { SecretBox } from '../integrations/secret-box.js';
import { upsertResource } from '../resources/resources.repository.js';
import { listStageDefinitions, upsertStage } from './stages.repository.js';

const RESOURCE = 'name type parameters { name value } resolver persistent { pvc path pullPolicy } integration';
const STAGE =
  'name image command args env { name value } workingDir template inputs { resources { name path } artifacts { name path } } outputs { resources { name } artifacts { name path } }';
const CREATE_RESOURCE = `mutation($input: CreateResourceInput!) { createResource(input: $input) { ${RESOURCE} } }`;
const UPDATE_RESOURCE = `mutation($input: UpdateResourceInput!) { updateResource(input: $input) { ${RESOURCE} } }`;
const DELETE_RESOURCE = 'mutation($input: ProjectObjectRefInput!) { deleteResource(input: $input) }';
const CREATE_STAGE = `mutation($input: CreateStageInput!) { createStage(input: $input) { ${STAGE} } }`;
const UPDATE_STAGE = `mutation($input: UpdateStageInput!) { updateStage(input: $input) { ${STAGE} } }`;
const DELETE_STAGE = 'mutation($input: ProjectObjectRefInput!) { deleteStage(input: $input) }';
const PROJECT = `query { project(tenant: "acme", name: "web") { resources { name } stages { name image } } }`;
const GET =
  'query($name: String!) { resource(tenant: "acme", project: "web", name: $name) { name } stage(tenant: "acme", project: "web", name: $name) { name } }';

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
const code = (r: Result) => r.errors?.[0]?.extensions?.code;
const field = (r: Result) => r.errors?.[0]?.extensions?.field;
const git = { name: 'SCM_URL', value: 'https://github.com/acme/web.git' };

describe('resources and stages', () => {
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
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('creates resources with type-specific checks naming the field', async () => {
    const created = await api.graphql(
      CREATE_RESOURCE,
      inWeb({ name: 'code', type: 'GIT', parameters: [git, { name: 'SCM_REVISION', value: 'main' }] }),
      roles.DEVELOPER,
    );
    expect(created.data).toEqual({
      createResource: {
        name: 'code',
        type: 'GIT',
        parameters: [git, { name: 'SCM_REVISION', value: 'main' }],
        resolver: null,
        persistent: null,
        integration: null,
      },
    });
    const image = await api.graphql(
      CREATE_RESOURCE,
      inWeb({
        name: 'image',
        type: 'IMAGE',
        parameters: [{ name: 'IMAGE', value: 'registry.example/acme/web:v1' }],
        persistent: { pvc: 'cache', path: '/images', pullPolicy: 'IfNotExist' },
      }),
      roles.DEVELOPER,
    );
    expect(image.data).toMatchObject({
      createResource: { persistent: { pvc: 'cache', path: '/images', pullPolicy: 'IfNotExist' } },
    });

    const noUrl = await api.graphql(
      CREATE_RESOURCE,
      inWeb({ name: 'x', type: 'GIT', parameters: [] }),
      roles.DEVELOPER,
    );
    expect(noUrl.errors?.[0]?.message).toBe('input.parameters: a Git resource needs the parameter SCM_URL');
    const noImage = await api.graphql(CREATE_RESOURCE, inWeb({ name: 'x', type: 'IMAGE' }), roles.DEVELOPER);
    expect(field(noImage)).toBe('input.parameters');
    const badName = await api.graphql(CREATE_RESOURCE, inWeb({ name: 'X!', type: 'KV' }), roles.DEVELOPER);
    expect(field(badName)).toBe('input.name');
    const pull = await api.graphql(
      CREATE_RESOURCE,
      inWeb({ name: 'x', type: 'KV', persistent: { pvc: 'a', path: '/b', pullPolicy: 'Sometimes' } }),
      roles.DEVELOPER,
    );
    expect(field(pull)).toBe('input.persistent.pullPolicy');
    const duplicate = await api.graphql(CREATE_RESOURCE, inWeb({ name: 'code', type: 'KV' }), roles.DEVELOPER);
    expect(code(duplicate)).toBe('CONFLICT');
    const noIntegration = await api.graphql(
      CREATE_RESOURCE,
      inWeb({ name: 'x', type: 'GIT', parameters: [git], integration: 'nope' }),
      roles.DEVELOPER,
    );
    expect(noIntegration.errors?.[0]?.message).toBe('input.integration: no integration "nope" in this tenant');
  });

  it('updates resources: omitted fields stay, null clears', async () => {
    const updated = await api.graphql(
      UPDATE_RESOURCE,
      inWeb({
        name: 'image',
        parameters: [{ name: 'IMAGE', value: 'registry.example/acme/web:v2' }],
        persistent: null,
      }),
      roles.DEVELOPER,
    );
    expect(updated.data).toMatchObject({
      updateResource: {
        type: 'IMAGE',
        parameters: [{ name: 'IMAGE', value: 'registry.example/acme/web:v2' }],
        persistent: null,
      },
    });
    expect(code(await api.graphql(UPDATE_RESOURCE, inWeb({ name: 'ghost' }), roles.DEVELOPER))).toBe('NOT_FOUND');
  });

  it('enforces roles and hides other tenants', async () => {
    expect(code(await api.graphql(CREATE_RESOURCE, inWeb({ name: 'v', type: 'KV' }), roles.VIEWER))).toBe('FORBIDDEN');
    expect(code(await api.graphql(CREATE_STAGE, inWeb({ name: 'v', image: 'alpine' }), roles.VIEWER))).toBe(
      'FORBIDDEN',
    );
    expect(code(await api.graphql(CREATE_RESOURCE, inWeb({ name: 'v', type: 'KV' }), outsider.OWNER))).toBe(
      'NOT_FOUND',
    );
    expect(code(await api.graphql(GET, { name: 'code' }, outsider.OWNER))).toBe('NOT_FOUND');
    expect(code(await api.graphql(DELETE_RESOURCE, inWeb({ name: 'code' }), outsider.OWNER))).toBe('NOT_FOUND');
    // The same project name in another tenant is another project.
    const theirs = await api.graphql<{ project: { resources: unknown[] } }>(
      'query { project(tenant: "other", name: "web") { resources { name } } }',
      {},
      outsider.OWNER,
    );
    expect(theirs.data?.project.resources).toEqual([]);
  });

  it('creates stages whose resources must exist in the project', async () => {
    const created = await api.graphql(
      CREATE_STAGE,
      inWeb({
        name: 'compile',
        image: 'golang:1.22',
        command: ['/bin/sh', '-c', 'go build ./...'],
        env: [{ name: 'CGO_ENABLED', value: '0' }],
        workingDir: '/go/src/app',
        inputs: { resources: [{ name: 'code', path: '/go/src/app' }] },
        outputs: { resources: [{ name: 'image' }], artifacts: [{ name: 'bin', path: '/go/bin/app' }] },
      }),
      roles.DEVELOPER,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data).toMatchObject({
      createStage: {
        name: 'compile',
        args: [],
        template: null,
        inputs: { resources: [{ name: 'code', path: '/go/src/app' }], artifacts: [] },
        outputs: { resources: [{ name: 'image' }] },
      },
    });
    const missing = await api.graphql(
      CREATE_STAGE,
      inWeb({
        name: 'lint',
        image: 'alpine',
        inputs: {
          resources: [
            { name: 'code', path: '/a' },
            { name: 'nowhere', path: '/b' },
          ],
        },
      }),
      roles.DEVELOPER,
    );
    expect(missing.errors?.[0]).toMatchObject({
      message: 'input.inputs.resources[1].name: no resource "nowhere" in this project',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.inputs.resources[1].name' },
    });
    expect(field(await api.graphql(CREATE_STAGE, inWeb({ name: 'noimage' }), roles.DEVELOPER))).toBe('input.image');
    // Nothing of the refused stages was written.
    expect(await db.stage.count()).toBe(1);

    const updated = await api.graphql(
      UPDATE_STAGE,
      inWeb({ name: 'compile', args: ['-v'], workingDir: null }),
      roles.DEVELOPER,
    );
    expect(updated.data).toMatchObject({ updateStage: { image: 'golang:1.22', args: ['-v'], workingDir: null } });
    const project = await api.graphql(PROJECT, {}, roles.VIEWER);
    expect(project.data).toEqual({
      project: {
        resources: [{ name: 'code' }, { name: 'image' }],
        stages: [{ name: 'compile', image: 'golang:1.22' }],
      },
    });
  });

  it('refuses to delete a resource a stage uses, and a stage a current workflow version uses', async () => {
    const refused = await api.graphql(DELETE_RESOURCE, inWeb({ name: 'code' }), roles.DEVELOPER);
    expect(code(refused)).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toContain('stage compile');

    const project = await db.project.findFirstOrThrow({ where: { name: 'web', tenant: { name: 'acme' } } });
    const workflow = await db.workflow.create({ data: { projectId: project.id, name: 'ci', currentVersion: 2 } });
    await db.workflowVersion.create({
      data: { workflowId: workflow.id, version: 1, spec: { stages: [{ name: 'old-stage' }] } },
    });
    await db.workflowVersion.create({
      data: {
        workflowId: workflow.id,
        version: 2,
        spec: { stages: [{ name: 'compile', inputs: { resources: [{ name: 'code', path: '/x' }] } }] },
      },
    });
    const inUse = await api.graphql(DELETE_STAGE, inWeb({ name: 'compile' }), roles.DEVELOPER);
    expect(code(inUse)).toBe('CONFLICT');
    expect(inUse.errors?.[0]?.message).toContain('workflow ci');

    await db.workflow.update({ where: { id: workflow.id }, data: { currentVersion: 1 } });
    expect((await api.graphql(DELETE_STAGE, inWeb({ name: 'compile' }), roles.DEVELOPER)).data).toEqual({
      deleteStage: true,
    });
    expect((await api.graphql(DELETE_RESOURCE, inWeb({ name: 'code' }), roles.DEVELOPER)).data).toEqual({
      deleteResource: true,
    });
    expect(code(await api.graphql(DELETE_STAGE, inWeb({ name: 'compile' }), roles.DEVELOPER))).toBe('NOT_FOUND');
    const audit = await db.auditEvent.findMany({
      where: { action: { in: ['stage.delete', 'resource.delete'] }, tenant: { name: 'acme' } },
    });
    expect(audit.map((a) => `${a.action}:${a.outcome}`).sort()).toEqual([
      'resource.delete:FAILURE',
      'resource.delete:SUCCESS',
      'stage.delete:FAILURE',
      'stage.delete:FAILURE',
      'stage.delete:SUCCESS',
    ]);
  });

  it('upserts specs for the YAML apply and reports what changed', async () => {
    const project = await db.project.findFirstOrThrow({ where: { name: 'web', tenant: { name: 'acme' } } });
    const scope = { tenantId: project.tenantId, projectId: project.id };
    const spec = { name: 'src', type: 'Git' as const, parameters: [git] };
    const stage = {
      name: 'unit',
      image: 'node:20',
      command: ['npm', 'test'],
      args: [],
      env: [],
      inputs: { resources: [{ name: 'src', path: '/w' }], artifacts: [], arguments: [] },
      outputs: { resources: [], artifacts: [] },
    };
    const box = new SecretBox(randomBytes(32));
    const outcomes = await db.$transaction(async (tx) => [
      await upsertResource(tx, scope, spec, { box }),
      await upsertResource(tx, scope, spec, { box }),
      await upsertResource(tx, scope, { ...spec, parameters: [git, { name: 'SCM_REVISION', value: 'dev' }] }, { box }),
      await upsertStage(tx, scope, stage),
      await upsertStage(tx, scope, stage),
      await upsertStage(tx, scope, { ...stage, args: ['--ci'] }),
    ]);
    expect(outcomes).toEqual(['CREATED', 'UNCHANGED', 'UPDATED', 'CREATED', 'UNCHANGED', 'UPDATED']);
    expect((await listStageDefinitions(db, project.id)).map((s) => s.args)).toEqual([['--ci']]);
  });
});
