// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings hold Cyclone references (${variables…}, ${secrets…}) on purpose.
// preflightWorkflow through the real API against real servers on loopback: the
// docker-registry binary (htpasswd auth) and git http-backend (Basic auth).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow, must, sh } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import {
  pushTinyImage,
  type RunningRegistry,
  startDockerRegistry,
} from '../integration-checks/testing/docker-registry.js';
import { freePort } from '../integration-checks/testing/processes.js';
import { startGitHttpServer } from '../integration-checks/testing/repositories.js';

const PREFLIGHT = `query($workflow: String!, $parameters: [NameValueInput!]) {
  preflightWorkflow(tenant: "acme", project: "web", workflow: $workflow, parameters: $parameters) { stage check ok message }
}`;
const USER = { username: 'ci', password: 'registry-secret-9' };

interface Check {
  stage: string | null;
  check: string;
  ok: boolean;
  message: string;
}

describe('preflightWorkflow', () => {
  let api: TestApi;
  let registry: RunningRegistry;
  let git: Awaited<ReturnType<typeof startGitHttpServer>>;
  let dev: string;
  let admin: string;
  let outsider: string;
  let host: string;

  beforeAll(async () => {
    registry = await startDockerRegistry({ htpasswd: USER });
    await pushTinyImage(registry, 'team/app', '1.0');
    git = await startGitHttpServer(USER);
    host = new URL(registry.url).host;
    api = await startTestApi({ CYCLONE_ROLE: 'server' });
    admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    outsider = (await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] })).OWNER;
    const integrations = [
      {
        name: 'registry',
        type: 'DOCKER_REGISTRY',
        config: { server: registry.url, username: USER.username },
        secret: { password: USER.password },
      },
      { name: 'vault', type: 'GENERAL', config: { server: 'https://vault.example' }, secret: { token: 't0ken' } },
    ];
    for (const input of integrations) {
      await must(api, admin, 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }', {
        input: { tenant: 'acme', ...input },
      });
    }
    const resource = (name: string, revision: string) => ({
      tenant: 'acme',
      project: 'web',
      name,
      type: 'GIT',
      parameters: [
        { name: 'SCM_URL', value: git.url },
        { name: 'SCM_REVISION', value: revision },
        { name: 'SCM_AUTH', value: `${USER.username}:${USER.password}` },
      ],
    });
    for (const input of [resource('src', 'main'), resource('stale', 'release-9')]) {
      await must(api, dev, 'mutation($input: CreateResourceInput!) { createResource(input: $input) { name } }', {
        input,
      });
    }
    await createWorkflow(api, dev, {
      tenant: 'acme',
      project: 'web',
      name: 'release',
      globalVariables: [{ name: 'TAG', value: '1.0' }],
      stages: [
        sh('build', 'make', {
          image: `${host}/team/app:\${variables.TAG}`,
          env: [{ name: 'TOKEN', value: '${secrets.vault.token}' }],
          inputs: { resources: [{ name: 'src', path: 'src' }] },
          when: "trigger.branch == '' || trigger.branch == 'main'",
        }),
        sh('package', 'make package', {
          image: `${host}/team/app:9.9`,
          dependsOn: ['build'],
          env: [
            { name: 'A', value: '${secrets.vault.password}' },
            { name: 'B', value: '${secrets.ghost.token}' },
          ],
          inputs: { resources: [{ name: 'stale', path: 'old' }] },
        }),
        sh('lint', 'true', { image: 'alpine:3.20' }),
        sh('dynamic', 'true', { image: '${stages.build.outputs.image}', dependsOn: ['build'] }),
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await registry?.stop();
    await git?.stop();
  });

  const preflight = async (parameters?: { name: string; value: string }[]) =>
    (await must<{ preflightWorkflow: Check[] }>(api, dev, PREFLIGHT, { workflow: 'release', parameters }))
      .preflightWorkflow;
  const find = (checks: Check[], stage: string | null, check: string) =>
    checks.filter((c) => c.stage === stage && c.check === check);

  it('checks every stage against the systems it names, with the integrations’ credentials', async () => {
    const checks = await preflight();
    expect(find(checks, 'build', 'CONDITION')).toEqual([
      { stage: 'build', check: 'CONDITION', ok: true, message: 'the condition compiles' },
    ]);
    expect(find(checks, 'build', 'IMAGE')[0]).toMatchObject({
      ok: true,
      message: `${host} has team/app:1.0 (integration "registry")`,
    });
    expect(find(checks, 'package', 'IMAGE')[0]).toMatchObject({
      ok: false,
      message: `${host} has no team/app:9.9 (integration "registry")`,
    });
    expect(find(checks, 'lint', 'IMAGE')[0]).toMatchObject({
      ok: true,
      message: 'not checked: no registry integration of the tenant serves docker.io',
    });
    expect(find(checks, 'dynamic', 'IMAGE')[0]).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^not checked: /),
    });

    expect(find(checks, 'build', 'SECRET')).toEqual([
      { stage: 'build', check: 'SECRET', ok: true, message: '${secrets.vault.token} is set' },
    ]);
    expect(find(checks, 'package', 'SECRET').map((c) => [c.ok, c.message])).toEqual([
      [false, '${secrets.vault.password}: integration "vault" has no secret field "password" (it has: token)'],
      [false, '${secrets.ghost.token}: the tenant has no integration "ghost"'],
    ]);
    expect(find(checks, 'build', 'RESOURCE')).toEqual([
      { stage: 'build', check: 'RESOURCE', ok: true, message: 'resource "src" exists' },
    ]);
    const refs = find(checks, null, 'GIT_REF').map((c) => [c.ok, c.message]);
    expect(refs).toContainEqual([true, `resource "src": ${new URL(git.url).host} has ref main`]);
    expect(refs).toContainEqual([
      false,
      `resource "stale": ${new URL(git.url).host} has no branch, tag or ref "release-9"`,
    ]);
    expect(find(checks, null, 'CLUSTER')).toEqual([]);
  });

  it('checks with the run parameters given', async () => {
    const checks = await preflight([
      { name: 'variables.TAG', value: '2.0' },
      { name: 'resources.stale.SCM_REVISION', value: 'main' },
    ]);
    expect(find(checks, 'build', 'IMAGE')[0]).toMatchObject({
      ok: false,
      message: `${host} has no team/app:2.0 (integration "registry")`,
    });
    expect(find(checks, null, 'GIT_REF').every((c) => c.ok)).toBe(true);
  });

  it('asks no registry about stages that run no image (an approval stage, a child workflow)', async () => {
    await createWorkflow(api, dev, {
      tenant: 'acme',
      project: 'web',
      name: 'gated',
      stages: [
        { name: 'sign-off', approval: {} },
        { name: 'ship', workflow: { name: 'release' } },
      ],
    });
    const checks = (await must<{ preflightWorkflow: Check[] }>(api, dev, PREFLIGHT, { workflow: 'gated' }))
      .preflightWorkflow;
    expect(checks.filter((c) => c.check === 'IMAGE')).toEqual([]);
  });

  it('checks an unsaved draft instead of the current version, even of a workflow not saved yet', async () => {
    const DRAFT = `query($workflow: String!, $stages: [StageInput!], $globalVariables: [NameValueInput!]) {
      preflightWorkflow(tenant: "acme", project: "web", workflow: $workflow, stages: $stages,
        globalVariables: $globalVariables) { stage check ok message } }`;
    const draft = {
      workflow: 'not-saved-yet',
      globalVariables: [{ name: 'TAG', value: '9.9' }],
      stages: [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference.
        { ...sh('build', 'make'), image: `${host}/team/app:\${variables.TAG}` },
        { ...sh('deploy', 'ship'), dependsOn: ['build'], when: "variables['TAG'] ==" },
      ],
    };
    const checks = (await must<{ preflightWorkflow: Check[] }>(api, dev, DRAFT, draft)).preflightWorkflow;
    expect(find(checks, 'build', 'IMAGE')[0]).toMatchObject({
      ok: false,
      message: `${host} has no team/app:9.9 (integration "registry")`,
    });
    expect(find(checks, 'deploy', 'CONDITION')[0]).toMatchObject({ ok: false });
    // Nothing was saved.
    const saved = await api.graphql(PREFLIGHT, { workflow: 'not-saved-yet' }, dev);
    expect(saved.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // A draft the schema refuses names the stage.
    const bad = await api.graphql(DRAFT, { workflow: 'release', stages: [{ ...sh('b', 'x'), image: '' }] }, dev);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(bad.errors?.[0]?.message).toMatch(/^input\.stages\[0\]/);
  });

  it("says when the workflow's worker cluster does not answer, or is not an integration of the tenant", async () => {
    const port = await freePort();
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n');
    await must(api, admin, 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }', {
      input: { tenant: 'acme', name: 'gone-cluster', type: 'KUBERNETES', secret: { kubeconfig } },
    });
    await createWorkflow(api, dev, {
      tenant: 'acme',
      project: 'web',
      name: 'on-cluster',
      executionCluster: 'gone-cluster',
      stages: [sh('build', 'make')],
    });
    const checks = (await must<{ preflightWorkflow: Check[] }>(api, dev, PREFLIGHT, { workflow: 'on-cluster' }))
      .preflightWorkflow;
    const [cluster] = find(checks, null, 'CLUSTER');
    expect(cluster).toMatchObject({ ok: false });
    expect(cluster?.message).toMatch(/^cluster "gone-cluster" failed: /);
  });

  it('tells a workflow that does not exist, and shows another tenant nothing', async () => {
    const missing = await api.graphql(PREFLIGHT, { workflow: 'nope' }, dev);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const other = await api.graphql(PREFLIGHT, { workflow: 'release' }, outsider);
    expect(['NOT_FOUND', 'FORBIDDEN']).toContain(other.errors?.[0]?.extensions?.code);
  });
});
