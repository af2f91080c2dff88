import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const APPLY =
  'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action target message } }';
const RUNS =
  'query { workflow(tenant: "acme", project: "web", name: "shop-ci") { yaml runs(first: 10) { phase message } } }';

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
type Applied = { kind: string; name: string; action: string; target: string; message: string | null };
const code = (r: Result) => r.errors?.[0]?.extensions?.code;

/** The multi-document fixture of packages/manifests: every kind, ending with a WorkflowRun. */
const pipeline = readFileSync(
  new URL('../../../../../packages/manifests/src/fixtures/pipeline.yaml', import.meta.url),
  'utf8',
);

const runDocument = (name: string, spec: string) =>
  `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowRun\nmetadata: {name: ${name}}\nspec:\n  workflowRef: {kind: workflow.cyclone.dev, name: shop-ci}\n${spec}`;

describe('applyManifests: WorkflowRun documents', () => {
  let api: TestApi;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let db: Db;
  const apply = (yaml: string, token = roles.DEVELOPER) =>
    api.graphql(APPLY, { input: { tenant: 'acme', project: 'web', yaml } }, token) as Promise<
      Result & { data?: { applyManifests: Applied[] } }
    >;
  const runs = async () =>
    db.workflowRun.findMany({ orderBy: { number: 'asc' }, include: { version: { select: { version: true } } } });

  beforeAll(async () => {
    api = await startTestApi({ CYCLONE_ROLE: 'server' }); // no controller: these tests look at queued runs;
    const admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] });
    db = createPrismaClient(api.databaseUrl);
    await api.graphql(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
      { input: { tenant: 'acme', name: 'shop-github', type: 'GITHUB', config: {}, secret: { webhookSecret: 'x' } } },
      admin,
    );
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('queues a PENDING run of the current version once, however often the document is applied', async () => {
    const first = await apply(pipeline);
    expect(first.errors).toBeUndefined();
    expect(first.data?.applyManifests.at(-1)).toEqual({
      kind: 'WorkflowRun',
      name: 'shop-ci-manual',
      action: 'CREATED',
      target: 'WORKFLOW_RUN',
      message: 'run #1 of workflow "shop-ci" (version 1) is queued',
    });
    const [run] = await runs();
    const developer = await db.user.findUniqueOrThrow({ where: { email: 'developer@acme.test' } });
    expect(run).toMatchObject({
      number: 1,
      name: 'shop-ci-manual',
      phase: 'PENDING',
      parameters: [{ name: 'stages.compile.GOFLAGS', value: '-mod=vendor' }],
      timeoutSeconds: 1800,
      version: { version: 1 },
      createdById: developer.id,
      startedAt: null,
    });

    const second = await apply(pipeline);
    expect(second.data?.applyManifests.map((o) => o.action)).toEqual(Array(8).fill('UNCHANGED'));
    expect(second.data?.applyManifests.at(-1)?.message).toBe('run #1 exists already (PENDING)');
    expect(await db.workflowRun.count()).toBe(1);

    const view = await api.graphql<{ workflow: { yaml: string; runs: { phase: string; message: string }[] } }>(
      RUNS,
      {},
      roles.DEVELOPER,
    );
    expect(view.data?.workflow.runs).toEqual([{ phase: 'PENDING', message: '' }]);
    // The export is the desired state: runs are not part of it.
    expect(view.data?.workflow.yaml).not.toContain('WorkflowRun');
  });

  it('numbers runs per workflow, binds a run to the version applied with it, keeps resource parameters and globalVariables', async () => {
    const changed = pipeline.replace('golang:1.22', 'golang:1.23').replace('shop-ci-manual', 'shop-ci-second');
    const doc = runDocument(
      'with-resources',
      '  timeout: 1h30m\n  resources:\n  - name: shop-source\n    parameters:\n    - {name: SCM_REVISION, value: v2}\n' +
        '  globalVariables:\n  - {name: REGION, value: eu-west}\n  serviceAccount: builder\n',
    );
    const applied = await apply(`${doc}---\n${changed}`);
    expect(applied.errors).toBeUndefined();
    expect(applied.data?.applyManifests.filter((o) => o.kind === 'WorkflowRun')).toMatchObject([
      { name: 'with-resources', action: 'CREATED', message: expect.stringMatching(/^run #2 .*\(version 2\)/) },
      { name: 'shop-ci-second', action: 'CREATED', message: expect.stringMatching(/^run #3 /) },
    ]);
    const [, withResources, secondRun] = await runs();
    expect(withResources).toMatchObject({
      number: 2,
      timeoutSeconds: 5400,
      parameters: [
        { name: 'resources.shop-source.SCM_REVISION', value: 'v2' },
        { name: 'variables.REGION', value: 'eu-west' },
      ],
      version: { version: 2 },
      serviceAccount: 'builder',
    });
    expect(secondRun).toMatchObject({
      number: 3,
      name: 'shop-ci-second',
      version: { version: 2 },
      serviceAccount: null,
    });
  });

  it('refuses a changed run, unknown workflows, stages and resources, writing nothing', async () => {
    const before = await db.workflowRun.count();
    const changed = await apply(pipeline.replace('timeout: 30m', 'timeout: 45m'));
    expect(code(changed)).toBe('CONFLICT');
    expect(changed.errors?.[0]?.message).toMatch(/^WorkflowRun "shop-ci-manual" is already run #1 .*new name/);

    const unknownWorkflow = await apply(
      'apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowRun\nmetadata: {name: r}\nspec: {workflowRef: {name: nope}}\n',
    );
    expect(unknownWorkflow.errors?.[0]).toMatchObject({
      message: 'documents[0].spec.workflowRef.name: no Workflow "nope" in this file or in project "web"',
      extensions: { code: 'BAD_USER_INPUT', field: 'documents[0].spec.workflowRef.name' },
    });
    const resource =
      'apiVersion: cyclone.dev/v1alpha1\nkind: Resource\nmetadata: {name: extra}\nspec: {type: KV}\n---\n';
    const badStage = await apply(`${resource}${runDocument('r', '  stages:\n  - {name: ghost, parameters: []}\n')}`);
    expect(badStage.errors?.[0]?.extensions?.field).toBe('documents[1].spec.stages[0].name');
    const badResource = await apply(runDocument('r', '  resources:\n  - {name: ghost}\n'));
    expect(badResource.errors?.[0]?.extensions?.field).toBe('documents[0].spec.resources[0].name');
    const twice = await apply(
      runDocument(
        'r',
        '  stages:\n  - name: compile\n    parameters: [{name: A, value: "1"}, {name: A, value: "2"}]\n',
      ),
    );
    expect(twice.errors?.[0]?.extensions?.field).toBe('documents[0].spec.stages[0].parameters[1].name');
    const badTimeout = await apply(runDocument('r', '  timeout: soon\n'));
    expect(badTimeout.errors?.[0]?.extensions?.field).toBe('input.yaml');
    expect(badTimeout.errors?.[0]?.message).toMatch(/^documents\[0\]\.spec\.timeout: must be a duration/);

    expect(await db.workflowRun.count()).toBe(before);
    expect(await db.resource.count({ where: { name: 'extra' } })).toBe(0);
    const audit = await db.auditEvent.findFirst({
      where: { action: 'manifests.apply', outcome: 'FAILURE' },
      orderBy: { id: 'desc' },
    });
    expect(audit?.message).toMatch(/^BAD_USER_INPUT: /);
  });
});
