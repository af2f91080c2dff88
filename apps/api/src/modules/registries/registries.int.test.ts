import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import {
  pushTinyImage,
  type RunningRegistry,
  startDockerRegistry,
} from '../integration-checks/testing/docker-registry.js';

const CREATE_INTEGRATION = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }';
const CREATE_RESOURCE = 'mutation($input: CreateResourceInput!) { createResource(input: $input) { name } }';
const TEST =
  'mutation($input: IntegrationRefInput!) { testIntegration(input: $input) { ok stage code message latencyMs } }';
const REPOS = 'query($name: String!) { integration(tenant: "acme", name: $name) { registryRepositories(first: 10) } }';
const TAGS =
  'query($name: String!, $repo: String!) { integration(tenant: "acme", name: $name) { registryTags(repository: $repo) } }';
const CHECK =
  'query($name: String!) { checkImageResource(tenant: "acme", project: "web", name: $name) { ok stage code message } }';
const USER = { username: 'ci', password: 'registry-secret-9' };

type Result = { errors?: { message: string; extensions?: Record<string, unknown> }[]; data?: unknown };

/** The API against the real docker-registry binary with htpasswd auth. */
describe('registry integrations over GraphQL', () => {
  let api: TestApi;
  let registry: RunningRegistry;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let outsider: Awaited<ReturnType<typeof seedTenant>>;

  beforeAll(async () => {
    registry = await startDockerRegistry({ htpasswd: USER });
    await pushTinyImage(registry, 'team/app', '1.0');
    await pushTinyImage(registry, 'team/worker', '3.2');
    await pushTinyImage(registry, 'tools/lint', 'latest');
    api = await startTestApi({ CYCLONE_ROLE: 'server' });
    const admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    outsider = await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] });
    const config = { server: registry.url, username: USER.username };
    for (const [name, type, secret] of [
      ['registry', 'DOCKER_REGISTRY', { password: USER.password }],
      ['badpass', 'DOCKER_REGISTRY', { password: 'wrong' }],
      ['harbor', 'HARBOR', { password: USER.password }],
      ['sonar', 'SONARQUBE', {}],
    ] as const) {
      const created = await api.graphql(
        CREATE_INTEGRATION,
        {
          input: {
            tenant: 'acme',
            name,
            type,
            config: name === 'harbor' ? { ...config, project: 'team' } : config,
            secret,
          },
        },
        admin,
      );
      expect(created.errors).toBeUndefined();
    }
    for (const [name, image, integration] of [
      ['app', `${new URL(registry.url).host}/team/app:1.0`, 'registry'],
      ['missing', 'team/app:9.9', 'registry'],
      ['elsewhere', 'quay.io/team/app:1.0', 'registry'],
    ]) {
      const created = await api.graphql(
        CREATE_RESOURCE,
        {
          input: {
            tenant: 'acme',
            project: 'web',
            name,
            type: 'IMAGE',
            parameters: [{ name: 'IMAGE', value: image }],
            integration,
          },
        },
        roles.DEVELOPER,
      );
      expect(created.errors).toBeUndefined();
    }
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await registry?.stop();
  });

  it('testIntegration pings /v2/ with the credentials and reports a wrong password as AUTH', async () => {
    const good = await api.graphql(TEST, { input: { tenant: 'acme', name: 'registry' } }, roles.DEVELOPER);
    expect(good.data).toMatchObject({ testIntegration: { ok: true, stage: 'RESPONSE', code: 'OK' } });
    const bad = await api.graphql(TEST, { input: { tenant: 'acme', name: 'badpass' } }, roles.DEVELOPER);
    expect(bad.data).toMatchObject({ testIntegration: { ok: false, stage: 'AUTH', code: 'HTTP_401' } });
  });

  it('lists repositories and tags for any member; a Harbor project filters the catalog', async () => {
    expect((await api.graphql(REPOS, { name: 'registry' }, roles.VIEWER)).data).toEqual({
      integration: { registryRepositories: ['team/app', 'team/worker', 'tools/lint'] },
    });
    expect((await api.graphql(TAGS, { name: 'registry', repo: 'team/worker' }, roles.VIEWER)).data).toEqual({
      integration: { registryTags: ['3.2'] },
    });
    expect((await api.graphql(REPOS, { name: 'harbor' }, roles.VIEWER)).data).toEqual({
      integration: { registryRepositories: ['team/app', 'team/worker'] },
    });
    expect((await api.graphql(REPOS, { name: 'registry' }, outsider.OWNER)).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('answers BAD_USER_INPUT for a bad repository name, a non-registry integration and a failing registry', async () => {
    const badName = (await api.graphql(TAGS, { name: 'registry', repo: 'Team/App' }, roles.VIEWER)) as Result;
    expect(badName.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'repository' });
    const sonar = (await api.graphql(REPOS, { name: 'sonar' }, roles.VIEWER)) as Result;
    expect(sonar.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'integration' });
    const failing = (await api.graphql(REPOS, { name: 'badpass' }, roles.VIEWER)) as Result;
    expect(failing.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      stage: 'AUTH',
      reason: 'HTTP_401',
    });
  });

  it('checks IMAGE resources against their registry', async () => {
    expect((await api.graphql(CHECK, { name: 'app' }, roles.VIEWER)).data).toMatchObject({
      checkImageResource: { ok: true, message: expect.stringContaining('team/app:1.0') },
    });
    expect((await api.graphql(CHECK, { name: 'missing' }, roles.VIEWER)).data).toMatchObject({
      checkImageResource: { ok: false, stage: 'RESPONSE', code: 'TAG_NOT_FOUND' },
    });
    expect((await api.graphql(CHECK, { name: 'elsewhere' }, roles.VIEWER)).data).toMatchObject({
      checkImageResource: { ok: false, code: 'OTHER_REGISTRY' },
    });
    const foreign = (await api.graphql(CHECK, { name: 'app' }, outsider.OWNER)) as Result;
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
