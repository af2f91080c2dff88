import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { seedBuiltinTemplates } from './builtin-seed.js';
import { BUILTIN_TEMPLATES } from './builtin-templates.js';

const TEMPLATE =
  'name kind isBuiltin description image command workingDir arguments { name value description } outputs { artifacts { name path } }';
const LIST = `query($tenant: String!) { stageTemplates(tenant: $tenant) { ${TEMPLATE} } }`;
const GET = `query($tenant: String!, $name: String!) { stageTemplate(tenant: $tenant, name: $name) { ${TEMPLATE} } }`;
const CREATE = `mutation($input: CreateStageTemplateInput!) { createStageTemplate(input: $input) { ${TEMPLATE} } }`;
const UPDATE = `mutation($input: UpdateStageTemplateInput!) { updateStageTemplate(input: $input) { ${TEMPLATE} } }`;
const DELETE = 'mutation($input: StageTemplateRefInput!) { deleteStageTemplate(input: $input) }';
const CREATE_STAGE = `mutation($input: CreateStageInput!) {
  createStage(input: $input) { name image command workingDir template outputs { artifacts { name path } } }
}`;

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
const code = (r: Result) => r.errors?.[0]?.extensions?.code;
const field = (r: Result) => r.errors?.[0]?.extensions?.field;

describe('stage templates', () => {
  let api: TestApi;
  let admin: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let outsider: Awaited<ReturnType<typeof seedTenant>>;
  let db: Db;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    outsider = await seedTenant(api, admin, 'other', { roles: ['OWNER'] });
    db = createPrismaClient(api.databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('has the built-ins after boot, and seeding again changes nothing', async () => {
    const list = await api.graphql<{ stageTemplates: { name: string; kind: string; isBuiltin: boolean }[] }>(
      LIST,
      { tenant: 'acme' },
      roles.VIEWER,
    );
    expect(list.data?.stageTemplates.map((t) => [t.name, t.kind, t.isBuiltin])).toEqual([
      ['build', 'build', true],
      ['deploy', 'deploy', true],
      ['image-build', 'image-build', true],
      ['sonarqube-scan', 'code-scan', true],
      ['unit-test', 'unit-test', true],
    ]);
    const before = await db.stageTemplate.findMany({ orderBy: { name: 'asc' } });
    expect(await seedBuiltinTemplates(db, pino({ level: 'silent' }))).toEqual({ created: 0, updated: 0 });
    expect(await db.stageTemplate.findMany({ orderBy: { name: 'asc' } })).toEqual(before);
    // Concurrent boots do not duplicate them.
    await Promise.all([1, 2, 3].map(() => seedBuiltinTemplates(db, pino({ level: 'silent' }))));
    expect(await db.stageTemplate.count()).toBe(BUILTIN_TEMPLATES.length);
    // A changed definition in the code is brought in on the next boot.
    const changed = BUILTIN_TEMPLATES.map((t) => (t.name === 'build' ? { ...t, description: 'new words' } : t));
    expect(await seedBuiltinTemplates(db, pino({ level: 'silent' }), changed)).toEqual({ created: 0, updated: 1 });
    await seedBuiltinTemplates(db, pino({ level: 'silent' }));
  });

  it('makes a stage from a built-in template, explicit fields overriding', async () => {
    const cmd = 'echo "it\'s built"\ngo build -o /out/app ./cmd/app';
    const made = await api.graphql(
      CREATE_STAGE,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          name: 'compile',
          template: 'build',
          arguments: [
            { name: 'image', value: 'golang:1.22' },
            { name: 'cmd', value: cmd },
            { name: 'output-path', value: '/out/app' },
          ],
          workingDir: '/src',
        },
      },
      roles.DEVELOPER,
    );
    expect(made.errors).toBeUndefined();
    expect(made.data).toEqual({
      createStage: {
        name: 'compile',
        image: 'golang:1.22',
        command: ['/bin/sh', '-e', '-c', cmd],
        workingDir: '/src',
        template: 'build',
        outputs: { artifacts: [{ name: 'build', path: '/out/app' }] },
      },
    });
    const missing = await api.graphql(
      CREATE_STAGE,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          name: 'x',
          template: 'build',
          arguments: [{ name: 'image', value: 'a' }],
        },
      },
      roles.DEVELOPER,
    );
    expect(missing.errors?.[0]).toMatchObject({
      message: 'input.arguments: argument "cmd" needs a value',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const unknown = await api.graphql(
      CREATE_STAGE,
      { input: { tenant: 'acme', project: 'web', name: 'x', template: 'nope' } },
      roles.DEVELOPER,
    );
    expect(field(unknown)).toBe('input.template');
  });

  it('lets developers manage tenant templates, but not built-ins', async () => {
    const input = {
      tenant: 'acme',
      name: 'lint',
      kind: 'unit-test',
      description: 'Lints',
      image: '{{ image }}',
      command: ['/bin/sh', '-c', '{{{ cmd }}}'],
      arguments: [
        { name: 'image', value: 'node:20' },
        { name: 'cmd', description: 'what to run' },
      ],
    };
    const created = await api.graphql(CREATE, { input }, roles.DEVELOPER);
    expect(created.data).toMatchObject({
      createStageTemplate: {
        name: 'lint',
        kind: 'unit-test',
        isBuiltin: false,
        arguments: [
          { name: 'image', value: 'node:20' },
          { name: 'cmd', value: null },
        ],
      },
    });
    expect(code(await api.graphql(CREATE, { input }, roles.DEVELOPER))).toBe('CONFLICT');
    expect(code(await api.graphql(CREATE, { input: { ...input, name: 'v' } }, roles.VIEWER))).toBe('FORBIDDEN');
    expect(code(await api.graphql(CREATE, { input: { ...input, tenant: 'acme' } }, outsider.OWNER))).toBe('NOT_FOUND');
    const badKind = await api.graphql(CREATE, { input: { ...input, name: 'k', kind: 'paint' } }, roles.DEVELOPER);
    expect(field(badKind)).toBe('input.kind');

    const updated = await api.graphql(
      UPDATE,
      { input: { tenant: 'acme', name: 'lint', description: 'Lints well' } },
      roles.DEVELOPER,
    );
    expect(updated.data).toMatchObject({ updateStageTemplate: { description: 'Lints well', image: '{{ image }}' } });
    expect(
      code(await api.graphql(UPDATE, { input: { tenant: 'acme', name: 'build', description: 'x' } }, roles.DEVELOPER)),
    ).toBe('FORBIDDEN');
    expect(code(await api.graphql(DELETE, { input: { tenant: 'acme', name: 'deploy' } }, roles.DEVELOPER))).toBe(
      'FORBIDDEN',
    );

    // Tenant templates are the tenant's own.
    const theirs = await api.graphql<{ stageTemplates: { name: string }[] }>(LIST, { tenant: 'other' }, outsider.OWNER);
    expect(theirs.data?.stageTemplates.map((t) => t.name)).not.toContain('lint');
    expect((await api.graphql(GET, { tenant: 'other', name: 'lint' }, outsider.OWNER)).data).toEqual({
      stageTemplate: null,
    });
    expect(code(await api.graphql(GET, { tenant: 'acme', name: 'lint' }, outsider.OWNER))).toBe('NOT_FOUND');

    const stage = await api.graphql(
      CREATE_STAGE,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          name: 'lint',
          template: 'lint',
          arguments: [{ name: 'cmd', value: 'npm run lint' }],
        },
      },
      roles.DEVELOPER,
    );
    expect(stage.data).toMatchObject({ createStage: { image: 'node:20', command: ['/bin/sh', '-c', 'npm run lint'] } });

    expect((await api.graphql(DELETE, { input: { tenant: 'acme', name: 'lint' } }, roles.DEVELOPER)).data).toEqual({
      deleteStageTemplate: true,
    });
    expect(code(await api.graphql(DELETE, { input: { tenant: 'acme', name: 'lint' } }, roles.DEVELOPER))).toBe(
      'NOT_FOUND',
    );
  });

  it('makes a sonarqube-scan stage with the server and token of the SONARQUBE integration', async () => {
    const integration = (name: string, server: string) =>
      api.graphql(
        'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }',
        { input: { tenant: 'acme', name, type: 'SONARQUBE', config: { server }, secret: { token: 'squ_test' } } },
        admin,
      );
    expect((await integration('sonarqube', 'https://sonar.example.com')).errors).toBeUndefined();
    expect((await integration('sonar-eu', 'https://sonar-eu.example.com')).errors).toBeUndefined();
    const scan = (name: string, args: { name: string; value: string }[]) =>
      api.graphql<{ createStage: { command: string[]; env: { name: string; value: string }[]; template: string } }>(
        `mutation($input: CreateStageInput!) { createStage(input: $input) { command env { name value } template } }`,
        { input: { tenant: 'acme', project: 'web', name, template: 'sonarqube-scan', arguments: args } },
        roles.DEVELOPER,
      );
    const script = (server: string, key: string) =>
      `sonar-scanner -Dsonar.host.url=${server} -Dsonar.projectKey=${key} -Dsonar.sources=. `;
    const token = (integration: string) => [{ name: 'SONAR_TOKEN', value: `\${secrets.${integration}.token}` }];

    // The default integration "sonarqube": its config.server, its secret token (resolved at run time).
    const byDefault = await scan('scan', [{ name: 'project-key', value: 'web' }]);
    expect(byDefault.errors).toBeUndefined();
    expect(byDefault.data?.createStage).toEqual({
      command: ['/bin/sh', '-e', '-c', script('https://sonar.example.com', 'web')],
      env: token('sonarqube'),
      template: 'sonarqube-scan',
    });
    // Another integration named by the argument.
    const named = await scan('scan-eu', [
      { name: 'project-key', value: 'web' },
      { name: 'sonarqube', value: 'sonar-eu' },
    ]);
    expect(named.data?.createStage.command[3]).toBe(script('https://sonar-eu.example.com', 'web'));
    expect(named.data?.createStage.env).toEqual(token('sonar-eu'));
    // A server given as an argument still wins, as before.
    const given = await scan('scan-given', [
      { name: 'sonarqube', value: 'sonar-eu' },
      { name: 'server', value: 'https://sonar.internal' },
      { name: 'project-key', value: 'web' },
    ]);
    expect(given.data?.createStage.command[3]).toBe(script('https://sonar.internal', 'web'));
    // Without the integration and without a server there is nothing to scan against.
    const missing = await scan('scan-missing', [
      { name: 'project-key', value: 'web' },
      { name: 'sonarqube', value: 'nowhere' },
    ]);
    expect(code(missing)).toBe('BAD_USER_INPUT');
    expect(field(missing)).toBe('input.arguments[1].name');
    expect(missing.errors?.[0]?.message).toContain(
      'argument "server" needs a value: there is no SONARQUBE integration "nowhere" in this tenant',
    );
    expect(await db.stage.count({ where: { name: 'scan-missing' } })).toBe(0);
  });

  it('fills a template as a new stage would get it, for viewers too, writing nothing', async () => {
    const FILL = `query($tenant: String!, $name: String!, $arguments: [NameValueInput!]) {
      filledStageTemplate(tenant: $tenant, name: $name, arguments: $arguments) { name isBuiltin image command env { name value } workingDir arguments { name } }
    }`;
    type Filled = {
      filledStageTemplate: {
        name: string;
        isBuiltin: boolean;
        image: string;
        command: string[];
        env: { name: string; value: string }[];
        workingDir: string;
        arguments: { name: string }[];
      };
    };
    const fill = (name: string, args: { name: string; value: string }[] | undefined, token = roles.VIEWER) =>
      api.graphql<Filled>(FILL, { tenant: 'acme', name, arguments: args }, token);
    const stagesBefore = await db.stage.count();

    // sonarqube-scan: the server from the SONARQUBE integration "sonarqube" (made by the test above).
    const scan = await fill('sonarqube-scan', [{ name: 'project-key', value: 'shop' }]);
    expect(scan.errors).toBeUndefined();
    expect(scan.data?.filledStageTemplate).toEqual({
      name: 'sonarqube-scan',
      isBuiltin: true,
      image: 'sonarsource/sonar-scanner-cli:11',
      command: [
        '/bin/sh',
        '-e',
        '-c',
        'sonar-scanner -Dsonar.host.url=https://sonar.example.com -Dsonar.projectKey=shop -Dsonar.sources=. ',
      ],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone secret reference, resolved at run time
      env: [{ name: 'SONAR_TOKEN', value: '${secrets.sonarqube.token}' }],
      workingDir: '/workspace',
      arguments: [],
    });
    // Defaults fill what is not given; given values win.
    const deploy = await fill('deploy', [
      { name: 'namespace', value: 'prod' },
      { name: 'deployment', value: 'shop' },
      { name: 'container', value: 'app' },
      { name: 'new-image', value: 'registry.example.com/shop:2' },
      { name: 'timeout', value: '2m' },
    ]);
    expect(deploy.data?.filledStageTemplate.command[3]).toBe(
      'kubectl -n prod set image deployment/shop app=registry.example.com/shop:2\nkubectl -n prod rollout status deployment/shop --timeout=2m',
    );
    expect(deploy.data?.filledStageTemplate.image).toBe('bitnami/kubectl:1.31');

    // What is missing or unknown is named.
    const missing = await fill('deploy', [{ name: 'namespace', value: 'prod' }]);
    expect(code(missing)).toBe('BAD_USER_INPUT');
    expect(field(missing)).toBe('arguments');
    expect(missing.errors?.[0]?.message).toContain('argument "deployment" needs a value');
    const unknown = await fill('build', [{ name: 'colour', value: 'blue' }]);
    expect(field(unknown)).toBe('arguments[0].name');
    expect(unknown.errors?.[0]?.message).toContain('the template has no argument "colour"');
    const noTemplate = await fill('no-such-template', []);
    expect(code(noTemplate)).toBe('BAD_USER_INPUT');
    expect(field(noTemplate)).toBe('name');
    // Another tenant's member sees nothing of this tenant.
    expect(code(await fill('build', [], outsider.OWNER))).toBe('NOT_FOUND');
    expect(await db.stage.count()).toBe(stagesBefore);
  });

  it("lets a tenant template shadow a built-in's name for that tenant, until it is deleted", async () => {
    const input = { tenant: 'acme', name: 'build', description: 'Our build', image: 'alpine', command: ['make'] };
    const created = await api.graphql(CREATE, { input }, roles.DEVELOPER);
    expect(created.data).toMatchObject({ createStageTemplate: { name: 'build', isBuiltin: false } });
    expect(code(await api.graphql(CREATE, { input }, roles.DEVELOPER))).toBe('CONFLICT');
    const both = await api.graphql<{ stageTemplates: { name: string; isBuiltin: boolean }[] }>(
      LIST,
      { tenant: 'acme' },
      roles.VIEWER,
    );
    expect(both.data?.stageTemplates.filter((t) => t.name === 'build').map((t) => t.isBuiltin)).toEqual([true, false]);
    expect((await api.graphql(GET, { tenant: 'acme', name: 'build' }, roles.VIEWER)).data).toMatchObject({
      stageTemplate: { description: 'Our build', isBuiltin: false },
    });
    // A stage made from "build" now takes the tenant's template.
    const stage = await api.graphql(
      CREATE_STAGE,
      { input: { tenant: 'acme', project: 'web', name: 'ours', template: 'build' } },
      roles.DEVELOPER,
    );
    expect(stage.data).toMatchObject({ createStage: { image: 'alpine', command: ['make'], template: 'build' } });
    // Other tenants still see the built-in.
    expect((await api.graphql(GET, { tenant: 'other', name: 'build' }, outsider.OWNER)).data).toMatchObject({
      stageTemplate: { isBuiltin: true },
    });
    // Updating and deleting "build" act on the tenant's template; the built-in is back afterwards.
    const updated = await api.graphql(
      UPDATE,
      { input: { tenant: 'acme', name: 'build', description: 'x' } },
      roles.DEVELOPER,
    );
    expect(updated.data).toMatchObject({ updateStageTemplate: { description: 'x', isBuiltin: false } });
    expect((await api.graphql(DELETE, { input: { tenant: 'acme', name: 'build' } }, roles.DEVELOPER)).data).toEqual({
      deleteStageTemplate: true,
    });
    expect((await api.graphql(GET, { tenant: 'acme', name: 'build' }, roles.VIEWER)).data).toMatchObject({
      stageTemplate: { isBuiltin: true },
    });
    expect(code(await api.graphql(DELETE, { input: { tenant: 'acme', name: 'build' } }, roles.DEVELOPER))).toBe(
      'FORBIDDEN',
    );
  });
});
