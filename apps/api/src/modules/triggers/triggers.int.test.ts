import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const TRIGGER =
  'name type cron nextFireAt enabled webhookUrl parameters { name value } scm { integration repo push { branches } tagRelease pullRequest { branches } pullRequestComment { comments } }';
const CREATE = `mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { ${TRIGGER} } }`;
const UPDATE = `mutation($input: UpdateWorkflowTriggerInput!) { updateWorkflowTrigger(input: $input) { ${TRIGGER} } }`;
const DELETE = 'mutation($input: WorkflowTriggerRefInput!) { deleteWorkflowTrigger(input: $input) }';
const LIST = '{ workflow(tenant: "acme", project: "web", name: "ci") { triggers { name type } } }';
const CREATE_INTEGRATION = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id name } }';

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
const code = (r: Result) => r.errors?.[0]?.extensions?.code;
const field = (r: Result) => r.errors?.[0]?.extensions?.field;

describe('workflow triggers', () => {
  let api: TestApi;
  let admin: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let outsider: Awaited<ReturnType<typeof seedTenant>>;
  let db: Db;
  let githubId: string;
  const onCi = (input: Record<string, unknown>) => ({
    input: { tenant: 'acme', project: 'web', workflow: 'ci', ...input },
  });

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    outsider = await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] });
    db = createPrismaClient(api.databaseUrl);
    const workflow = await api.graphql(
      'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
      { input: { tenant: 'acme', project: 'web', name: 'ci', stages: [{ name: 'a', image: 'alpine' }] } },
      roles.DEVELOPER,
    );
    expect(workflow.errors).toBeUndefined();
    const integration = (await api.graphql(
      CREATE_INTEGRATION,
      {
        input: {
          tenant: 'acme',
          name: 'github',
          type: 'GITHUB',
          config: { server: 'https://github.com' },
          secret: { webhookSecret: 's3cret' },
        },
      },
      admin,
    )) as { data: { createIntegration: { id: string } } };
    githubId = integration.data.createIntegration.id;
    for (const [tenant, name, type] of [
      ['acme', 'registry', 'DOCKER_REGISTRY'],
      ['other', 'theirs', 'GITHUB'],
    ]) {
      const config = { server: 'https://registry.example.com' };
      const created = await api.graphql(
        CREATE_INTEGRATION,
        { input: { tenant, name, type, config, secret: {} } },
        admin,
      );
      expect(created.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('creates a CRON trigger with its next fire time in UTC', async () => {
    const before = Date.now();
    const result = (await api.graphql(
      CREATE,
      onCi({ name: 'nightly', type: 'CRON', cron: '30 3 * * *', parameters: [{ name: 'REV', value: 'main' }] }),
      roles.DEVELOPER,
    )) as Result & { data: { createWorkflowTrigger: { nextFireAt: string } } };
    expect(result.errors).toBeUndefined();
    expect(result.data.createWorkflowTrigger).toMatchObject({
      name: 'nightly',
      type: 'CRON',
      cron: '30 3 * * *',
      enabled: true,
      webhookUrl: null,
      scm: null,
      parameters: [{ name: 'REV', value: 'main' }],
    });
    const next = new Date(result.data.createWorkflowTrigger.nextFireAt);
    expect(next.getUTCHours()).toBe(3);
    expect(next.getUTCMinutes()).toBe(30);
    expect(next.getTime()).toBeGreaterThan(before);
    expect(next.getTime() - before).toBeLessThanOrEqual(24 * 3600 * 1000);
  });

  it.each([
    [{ type: 'CRON', cron: '61 * * * *' }, 'input.cron', /61/],
    [{ type: 'CRON', cron: '* * * *' }, 'input.cron', /5/],
    [{ type: 'CRON' }, 'input.cron', /schedule/],
    [{ type: 'WEBHOOK', cron: '* * * * *' }, 'input.cron', /only CRON/],
    [{ type: 'SCM' }, 'input.scm', /integration/],
    [{ type: 'SCM', scm: { integration: 'registry', repo: 'a/b' } }, 'input.scm.integration', /DOCKER_REGISTRY/],
    [{ type: 'SCM', scm: { integration: 'theirs', repo: 'a/b' } }, 'input.scm.integration', /no integration/],
    [{ type: 'WEBHOOK', name: 'Bad Name' }, 'input.name', /lower-case/],
  ])('refuses %j with BAD_USER_INPUT naming the field', async (input, expectedField, message) => {
    const result = (await api.graphql(CREATE, onCi({ name: 'bad', ...input }), roles.DEVELOPER)) as Result;
    expect(code(result)).toBe('BAD_USER_INPUT');
    expect(field(result)).toBe(expectedField);
    expect(result.errors?.[0]?.message).toMatch(message);
    expect(await db.workflowTrigger.count({ where: { name: 'bad' } })).toBe(0);
  });

  it('creates an SCM trigger with the webhook URL of its integration', async () => {
    const scm = {
      integration: 'github',
      repo: 'acme/web',
      push: { branches: ['main'] },
      tagRelease: true,
      pullRequestComment: { comments: ['/rerun'] },
    };
    const result = await api.graphql(CREATE, onCi({ name: 'on-push', type: 'SCM', scm }), roles.DEVELOPER);
    expect(result.data).toEqual({
      createWorkflowTrigger: {
        name: 'on-push',
        type: 'SCM',
        cron: null,
        nextFireAt: null,
        enabled: true,
        webhookUrl: `/webhooks/${githubId}`,
        parameters: [],
        scm: { ...scm, pullRequest: null },
      },
    });
  });

  it('updates, lists and deletes triggers; viewers and other tenants cannot', async () => {
    await api.graphql(CREATE, onCi({ name: 'hook', type: 'WEBHOOK' }), roles.DEVELOPER);
    expect(code((await api.graphql(CREATE, onCi({ name: 'hook', type: 'WEBHOOK' }), roles.DEVELOPER)) as Result)).toBe(
      'CONFLICT',
    );
    const updated = await api.graphql(
      UPDATE,
      onCi({ name: 'hook', type: 'CRON', cron: '0 * * * *', enabled: false }),
      roles.DEVELOPER,
    );
    expect(updated.data).toMatchObject({ updateWorkflowTrigger: { type: 'CRON', enabled: false, nextFireAt: null } });
    expect(code((await api.graphql(UPDATE, onCi({ name: 'ghost', type: 'WEBHOOK' }), roles.DEVELOPER)) as Result)).toBe(
      'NOT_FOUND',
    );
    expect(code((await api.graphql(CREATE, onCi({ name: 'v', type: 'WEBHOOK' }), roles.VIEWER)) as Result)).toBe(
      'FORBIDDEN',
    );
    expect(code((await api.graphql(DELETE, onCi({ name: 'hook' }), outsider.OWNER)) as Result)).toBe('NOT_FOUND');
    const listed = await api.graphql(LIST, {}, roles.VIEWER);
    expect(listed.data).toEqual({
      workflow: {
        triggers: [
          { name: 'hook', type: 'CRON' },
          { name: 'nightly', type: 'CRON' },
          { name: 'on-push', type: 'SCM' },
        ],
      },
    });
    expect((await api.graphql(DELETE, onCi({ name: 'hook' }), roles.DEVELOPER)).data).toEqual({
      deleteWorkflowTrigger: true,
    });
    expect(code((await api.graphql(DELETE, onCi({ name: 'hook' }), roles.DEVELOPER)) as Result)).toBe('NOT_FOUND');
    const audit = await db.auditEvent.findMany({ where: { objectType: 'WorkflowTrigger', objectName: 'ci/hook' } });
    expect(audit.map((e) => `${e.action}:${e.outcome}`)).toEqual(
      expect.arrayContaining([
        'workflowTrigger.create:SUCCESS',
        'workflowTrigger.update:SUCCESS',
        'workflowTrigger.delete:SUCCESS',
        'workflowTrigger.delete:FAILURE',
      ]),
    );
  });
});
