// Resource types a tenant registers, through GraphQL and Cyclone YAML: listed with the
// built-ins, checked against the resources that use them, exported with a workflow
// that uses one, and kept while resources have them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const scope = { tenant: 'typed', project: 'p' };
const TYPE = `{ type builtin name resolvedBy resolver operations parameters { name required description } bind { integrationType paramBindings { name value } } }`;

const MAVEN_TYPE = `apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata:
  name: resource-type-maven
  labels:
    resource.cyclone.dev/template: "true"
spec:
  type: Maven
  resolver: registry.example.com/resolvers/maven:v1
  operations:
  - pull
  - push
  parameters:
  - name: REPO_URL
    required: true
    description: >
      Where the artifacts are.
  - name: ARTIFACT
    required: true
  - name: REPO_TOKEN
  bind:
    integrationType: General
    paramBindings:
      REPO_URL: general.server
      REPO_TOKEN: general.token
`;

describe('registered resource types', () => {
  let api: TestApi;
  let tokens: Record<string, string>;

  async function call<T>(query: string, variables: Record<string, unknown>, token = tokens.DEVELOPER as string) {
    return api.graphql<T>(query, variables, token);
  }
  async function must<T>(query: string, variables: Record<string, unknown>, token?: string) {
    const result = await call<T>(query, variables, token);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data as T;
  }
  const apply = (yaml: string, token?: string) =>
    call<{ applyManifests: { kind: string; name: string; action: string; target: string }[] }>(
      'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action target } }',
      { input: { ...scope, yaml } },
      token,
    );

  beforeAll(async () => {
    api = await startTestApi();
    const admin = await api.loginAsAdmin();
    tokens = await seedTenant(api, admin, scope.tenant, {
      projects: [scope.project],
      roles: ['ADMIN', 'DEVELOPER', 'VIEWER'],
    });
    await must(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }',
      {
        input: {
          tenant: scope.tenant,
          name: 'nexus',
          type: 'GENERAL',
          config: { server: 'https://nexus.example.com' },
          secret: { token: 'n3xus-token' },
        },
      },
      tokens.ADMIN,
    );
    await must(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }',
      {
        input: {
          tenant: scope.tenant,
          name: 'gitlab',
          type: 'GITLAB',
          config: { server: 'https://gitlab.example.com' },
        },
      },
      tokens.ADMIN,
    );
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('registers a type from a labelled Resource document, and lists it after the built-ins', async () => {
    const applied = await apply(MAVEN_TYPE);
    expect(applied.errors).toBeUndefined();
    expect(applied.data?.applyManifests).toEqual([
      { kind: 'Resource', name: 'resource-type-maven', action: 'CREATED', target: 'RESOURCE_TYPE' },
    ]);
    expect((await apply(MAVEN_TYPE)).data?.applyManifests[0]?.action).toBe('UNCHANGED');

    const { resourceTypes } = await must<{ resourceTypes: { type: string; builtin: boolean }[] }>(
      `query($tenant: String!) { resourceTypes(tenant: $tenant) ${TYPE} }`,
      { tenant: scope.tenant },
      tokens.VIEWER,
    );
    expect(resourceTypes.map((t) => `${t.type}${t.builtin ? '' : '*'}`)).toEqual([
      'Git',
      'Svn',
      'Image',
      'KV',
      'General',
      'Http',
      'Maven*',
    ]);
    expect(resourceTypes.at(-1)).toEqual({
      type: 'Maven',
      builtin: false,
      name: 'resource-type-maven',
      resolvedBy: 'RESOLVER_IMAGE',
      resolver: 'registry.example.com/resolvers/maven:v1',
      operations: ['pull', 'push'],
      parameters: [
        { name: 'REPO_URL', required: true, description: 'Where the artifacts are.' },
        { name: 'ARTIFACT', required: true, description: '' },
        { name: 'REPO_TOKEN', required: false, description: '' },
      ],
      bind: {
        integrationType: 'General',
        paramBindings: [
          { name: 'REPO_URL', value: 'general.server' },
          { name: 'REPO_TOKEN', value: 'general.token' },
        ],
      },
    });
  });

  it('refuses a type named like a built-in, a bad operation and a binding of no parameter, naming the field', async () => {
    const cases: [string, string, string][] = [
      ['type: Maven', 'type: Git', 'documents[0].spec.type: Git is built into Cyclone'],
      ['  - push\n', '  - fetch\n', 'documents[0].spec.operations[1]: must be pull or push'],
      ['      REPO_TOKEN: general.token', '      NEXUS: general.token', 'documents[0].spec.bind.paramBindings.NEXUS'],
    ];
    for (const [from, to, message] of cases) {
      const result = await apply(MAVEN_TYPE.replace(from, to));
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain(message);
    }
    const viaGraphql = await call(
      `mutation($input: ResourceTypeInput!) { createResourceType(input: $input) ${TYPE} }`,
      {
        input: { tenant: scope.tenant, type: 'Http', resolver: 'x/y:1', operations: ['push'] },
      },
    );
    expect(viaGraphql.errors?.[0]?.message).toContain('type: Http is built into Cyclone');
    const readOnly = await call(
      `mutation($input: ResourceTypeInput!) { createResourceType(input: $input) ${TYPE} }`,
      {
        input: { tenant: scope.tenant, type: 'Gradle', resolver: 'x/y:1', operations: ['pull'] },
      },
      tokens.VIEWER,
    );
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('checks a resource of a registered type: the type exists, required parameters, the bound integration type', async () => {
    const resource = (spec: string) =>
      `apiVersion: cyclone.dev/v1alpha1\nkind: Resource\nmetadata: {name: libs}\nspec:\n${spec}`;
    const refusals: [string, string][] = [
      ['  type: Gradle\n', 'documents[0].spec.type: no resource type "Gradle" in this tenant'],
      [
        '  type: Maven\n  parameters: [{name: REPO_URL, value: "https://m.example.com"}]\n',
        'documents[0].spec.parameters: a Maven resource needs the parameter ARTIFACT',
      ],
      [
        '  type: Maven\n  integration: gitlab\n  parameters: [{name: ARTIFACT, value: shop}]\n',
        'documents[0].spec.integration: a Maven resource binds a General integration (GENERAL); "gitlab" is GITLAB',
      ],
    ];
    for (const [spec, message] of refusals) {
      const result = await apply(resource(spec));
      expect(result.errors?.[0]?.message, spec).toContain(message);
    }
    // REPO_URL comes from the bound integration, so it need not be given.
    const bound = await apply(
      resource('  type: Maven\n  integration: nexus\n  parameters: [{name: ARTIFACT, value: shop}]\n'),
    );
    expect(bound.errors).toBeUndefined();
    const { resource: row } = await must<{ resource: { type: string; registeredType: string; integration: string } }>(
      'query { resource(tenant: "typed", project: "p", name: "libs") { type registeredType integration } }',
      {},
      tokens.VIEWER,
    );
    expect(row).toEqual({ type: 'REGISTERED', registeredType: 'Maven', integration: 'nexus' });

    const created = await call(
      'mutation($input: CreateResourceInput!) { createResource(input: $input) { type registeredType } }',
      { input: { ...scope, name: 'more', type: 'REGISTERED', parameters: [{ name: 'ARTIFACT', value: 'x' }] } },
    );
    expect(created.errors?.[0]?.message).toContain('registeredType: required when type is REGISTERED');
    const http = await must<{ createResource: { type: string } }>(
      'mutation($input: CreateResourceInput!) { createResource(input: $input) { type registeredType } }',
      {
        input: {
          ...scope,
          name: 'upload',
          type: 'HTTP',
          parameters: [{ name: 'URL', value: 'https://up.example.com' }],
        },
      },
    );
    expect(http.createResource).toEqual({ type: 'HTTP', registeredType: null });
  });

  it('exports the registered type with a workflow that uses it, and the export applies as it is', async () => {
    const workflow = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: build}
spec:
  pod:
    inputs:
      resources: [{name: libs, path: /workspace/libs}]
    outputs:
      resources: [{name: upload, path: /workspace/dist}]
    spec:
      containers: [{image: alpine:3.20, command: [ls]}]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: shop}
spec:
  stages: [{name: build}]
`;
    expect((await apply(workflow)).errors).toBeUndefined();
    const read = async () =>
      (
        await must<{ workflow: { yaml: string } }>(
          'query { workflow(tenant: "typed", project: "p", name: "shop") { yaml } }',
          {},
          tokens.VIEWER,
        )
      ).workflow.yaml;
    const yaml = await read();
    expect(yaml.indexOf('resource.cyclone.dev/template: "true"')).toBeGreaterThan(-1);
    expect(yaml.indexOf('type: Maven')).toBeLessThan(yaml.indexOf('name: libs'));
    expect(yaml).toContain('path: /workspace/dist');
    const again = await apply(yaml);
    expect(again.errors).toBeUndefined();
    expect(again.data?.applyManifests.every((o) => o.action === 'UNCHANGED')).toBe(true);
    expect(await read()).toBe(yaml);
  });

  it('keeps a type while resources have it, and deletes it after', async () => {
    const remove = () => call('mutation { deleteResourceType(input: {tenant: "typed", type: "Maven"}) }', {});
    const refused = await remove();
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toContain('is used by resources p/libs');

    await must('mutation { deleteWorkflow(input: {tenant: "typed", project: "p", name: "shop"}) }', {});
    await must('mutation { deleteStage(input: {tenant: "typed", project: "p", name: "build"}) }', {});
    await must('mutation { deleteResource(input: {tenant: "typed", project: "p", name: "libs"}) }', {});
    expect((await remove()).data).toEqual({ deleteResourceType: true });
  });
});
