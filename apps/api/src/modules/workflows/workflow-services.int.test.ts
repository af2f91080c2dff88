import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../../testing/seed.js';
import { runHelpers, stageOf } from '../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const SERVICES = 'services { name image command args env { name value } readiness { command tcpPort timeout } }';
const CREATE = `mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { version yaml stages { name ${SERVICES} } } }`;
const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action } }';
const GET = `query($name: String!) { workflow(tenant: "acme", project: "web", name: $name) { version yaml stages { name ${SERVICES} } } }`;

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
const problem = (r: Result) => {
  const error = r.errors?.[0];
  return error && { code: error.extensions?.code, field: error.extensions?.field, message: error.message };
};

const db = {
  name: 'db',
  image: 'local/redis:bookworm',
  command: ['redis-server'],
  args: ['--port', '6379'],
  env: [{ name: 'LANG', value: 'C.UTF-8' }],
  readiness: { tcpPort: 6379, timeout: '1m' },
};
const cache = { name: 'cache', image: 'memcached:1', readiness: { command: ['sh', '-c', 'echo ok'] } };

/** Stage services through GraphQL and Cyclone YAML, and the host executor's refusal. */
describe('stage services', () => {
  let api: TestApi;
  let dev: string;
  const inWeb = (input: Record<string, unknown>) => ({ input: { tenant: 'acme', project: 'web', ...input } });
  const create = (name: string, services: unknown[]) =>
    api.graphql(
      CREATE,
      inWeb({
        name,
        stages: [{ name: 'test', image: 'debian', command: ['redis-cli', '-h', 'db', 'ping'], services }],
      }),
      dev,
    ) as Promise<
      Result & { data?: { createWorkflow: { version: number; yaml: string; stages: { services: unknown[] }[] } } }
    >;

  beforeAll(async () => {
    api = await startTestApi();
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
  });
  afterAll(async () => {
    await api.stop();
  });

  it('stores services as given, and exported YAML applies back to the same version', async () => {
    const created = await create('with-db', [db, cache]);
    expect(created.errors).toBeUndefined();
    expect(created.data?.createWorkflow.stages[0]?.services).toEqual([
      { ...db, readiness: { ...db.readiness, command: null } },
      { ...cache, command: [], args: [], env: [], readiness: { ...cache.readiness, tcpPort: null, timeout: null } },
    ]);
    const yaml = created.data?.createWorkflow.yaml ?? '';
    expect(yaml).toContain('      services:\n        - name: db\n          image: local/redis:bookworm\n');
    const applied = (await api.graphql(APPLY, { input: { tenant: 'acme', project: 'web', yaml } }, dev)) as Result & {
      data: { applyManifests: { kind: string; action: string }[] };
    };
    expect(applied.errors).toBeUndefined();
    // The Stage document becomes a project stage; the workflow is the same version.
    expect(applied.data.applyManifests).toEqual([
      { kind: 'Stage', name: 'test', action: 'CREATED' },
      { kind: 'Workflow', name: 'with-db', action: 'UNCHANGED' },
    ]);
    const again = (await api.graphql(GET, { name: 'with-db' }, dev)) as {
      data: { workflow: { version: number; yaml: string } };
    };
    expect(again.data.workflow).toEqual({ ...again.data.workflow, version: 1, yaml });
  });

  it('refuses bad services with BAD_USER_INPUT naming the field', async () => {
    expect(problem(await create('bad-1', [db, { ...cache, name: 'db' }]))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.stages[0].services[1].name',
      message: expect.stringContaining('service "db" is repeated'),
    });
    expect(problem(await create('bad-2', [{ ...db, name: 'test' }]))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.stages[0].services[0].name',
    });
    expect(problem(await create('bad-3', [{ ...db, name: 'Db_1' }]))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.stages[0].services[0].name',
    });
    expect(problem(await create('bad-4', [{ ...db, readiness: { tcpPort: 6379, command: ['true'] } }]))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.stages[0].services[0].readiness',
      message: expect.stringContaining('needs exactly one of command or tcpPort'),
    });
    expect(problem(await create('bad-5', [{ ...db, readiness: {} }]))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.stages[0].services[0].readiness',
    });
  });

  it('the host executor refuses a stage with services: it runs no containers', async () => {
    const h = runHelpers(api, () => dev);
    await h.createWorkflow('host-db', [{ name: 'test', image: 'debian', command: ['true'], services: [db] }]);
    const run = await h.waitEnd(await h.start('host-db'));
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'test').message).toBe(
      'could not start: the host executor runs no containers, so it cannot start stage services: use the container or Kubernetes executor',
    );
  });
});
