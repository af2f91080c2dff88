// A tenant floods the run queue: its queued runs must neither push other tenants'
// runs out of admission nor grow without bound.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { waitFor } from '../testing/wait.js';

const RUN = 'mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id phase } }';
const GET = 'query($id: ID!) { workflowRun(id: $id) { id phase message } }';
const STOP = 'mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }';
const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }';
const QUOTA = 'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { name } }';

type Result<T> = { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };

describe('queue limits', () => {
  let api: TestApi;
  let admin: string;
  let db: Db;
  let dataDir: string;
  let gates: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-queue-limits-'));
    gates = mkdtempSync(join(tmpdir(), 'cyclone-queue-limits-gates-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir, CYCLONE_MAX_QUEUED_RUNS_PER_TENANT: '3' });
    admin = await api.loginAsAdmin();
    for (const tenant of ['flood', 'busy', 'calm', 'burst', 'spread']) {
      const projects = tenant === 'spread' ? ['web', 'api'] : ['web'];
      tokens[tenant] = (await seedTenant(api, admin, tenant, { projects, roles: ['DEVELOPER'] })).DEVELOPER;
      const gate = `while [ ! -f "${gates}/$CYCLONE_RUN_ID" ]; do sleep 0.05; done`;
      for (const project of projects) {
        const created = await api.graphql(
          CREATE_WORKFLOW,
          {
            input: {
              tenant,
              project,
              name: 'gate',
              stages: [{ name: 'wait', image: 'alpine', command: ['sh', '-c', gate] }],
            },
          },
          tokens[tenant],
        );
        expect(created.errors).toBeUndefined();
      }
    }
    for (const tenant of ['flood', 'busy', 'burst', 'spread']) {
      const quota = await api.graphql(QUOTA, { input: { name: tenant, quota: { maxConcurrentRuns: 1 } } }, admin);
      expect(quota.errors).toBeUndefined();
    }
    db = createPrismaClient(api.databaseUrl);
  });
  afterAll(async () => {
    for (const run of await db.workflowRun.findMany({ select: { id: true } })) writeFileSync(join(gates, run.id), '');
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(gates, { recursive: true, force: true });
  });

  const run = async (tenant: string, project = 'web') =>
    (await api.graphql(RUN, { input: { tenant, project, workflow: 'gate' } }, tokens[tenant])) as Result<{
      runWorkflow: { id: string };
    }>;
  const phaseOf = async (id: string, tenant: string) =>
    ((await api.graphql(GET, { id }, tokens[tenant])) as Result<{ workflowRun: { phase: string } }>).data?.workflowRun
      .phase;
  const waitForPhase = async (id: string, tenant: string, phases: string[], timeoutMs = 30_000) =>
    (await waitFor(() => phaseOf(id, tenant), {
      until: (phase) => phases.includes(phase as string),
      what: `run ${id} to be ${phases.join(' or ')}`,
      timeoutMs,
    })) as string;

  it("admits another tenant's run although 5,001 older queued runs wait before it", async () => {
    // flood holds its one slot, so all its queued runs wait on its tenant limit.
    const first = (await run('flood')).data?.runWorkflow.id as string;
    await waitForPhase(first, 'flood', ['RUNNING']);
    // 5,001 older queued runs: what many tenants at their queue limit add up to
    // (written directly: thousands of runWorkflow calls would only make the test slow).
    const workflow = await db.workflow.findFirstOrThrow({
      where: { name: 'gate', project: { tenant: { name: 'flood' } } },
    });
    await db.$executeRaw`
      INSERT INTO workflow_runs (id, workflow_id, version_id, number, phase, created_at)
      SELECT gen_random_uuid(), w.id, v.id, 1000 + g, 'WAITING', now() - interval '1 hour' + g * interval '1 ms'
      FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version,
           generate_series(1, 5001) AS g
      WHERE w.id = ${workflow.id}::uuid`;
    await db.$executeRaw`
      INSERT INTO stage_runs (id, run_id, stage, phase, attempt, message, outputs)
      SELECT gen_random_uuid(), r.id, 'wait', 'PENDING', 0, '', '[]'::jsonb
      FROM workflow_runs r WHERE r.workflow_id = ${workflow.id}::uuid AND r.number > 1000`;
    const victim = (await run('calm')).data?.runWorkflow.id as string;
    expect(await waitForPhase(victim, 'calm', ['RUNNING'])).toBe('RUNNING');
    writeFileSync(join(gates, victim), '');
  }, 60_000);

  it('refuses a run beyond the queued runs a tenant may have, with a clear error', async () => {
    const active = (await run('busy')).data?.runWorkflow.id as string;
    await waitForPhase(active, 'busy', ['RUNNING']);
    const queued: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const result = await run('busy');
      expect(result.errors).toBeUndefined();
      queued.push(result.data?.runWorkflow.id as string);
    }
    const refused = await run('busy');
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toBe(
      'tenant "busy" already has 3 queued runs, the most one tenant may queue (CYCLONE_MAX_QUEUED_RUNS_PER_TENANT); wait for some to start, or stop some, then try again',
    );
    // Nothing was half-written; other tenants queue as before.
    expect(await db.workflowRun.count({ where: { workflow: { project: { tenant: { name: 'busy' } } } } })).toBe(4);
    const calm = await run('calm');
    expect(calm.errors).toBeUndefined();
    writeFileSync(join(gates, calm.data?.runWorkflow.id as string), '');
    // A stopped queued run makes room again.
    await api.graphql(STOP, { id: queued[0] }, tokens.busy);
    await waitForPhase(queued[0] as string, 'busy', ['CANCELLED']);
    expect((await run('busy')).errors).toBeUndefined();
  }, 60_000);

  it('lets exactly the limit in when many submissions arrive at once', async () => {
    const active = (await run('burst')).data?.runWorkflow.id as string;
    await waitForPhase(active, 'burst', ['RUNNING']);
    const results = await Promise.all(Array.from({ length: 10 }, () => run('burst')));
    const accepted = results.filter((result) => result.errors === undefined);
    const refused = results.filter((result) => result.errors?.[0]?.extensions?.code === 'CONFLICT');
    expect([accepted.length, refused.length]).toEqual([3, 7]);
    const queued = await db.workflowRun.count({
      where: {
        workflow: { project: { tenant: { name: 'burst' } } },
        admittedAt: null,
        phase: { in: ['PENDING', 'WAITING'] },
      },
    });
    expect(queued).toBe(3);
    writeFileSync(join(gates, active), '');
    for (const result of accepted) writeFileSync(join(gates, result.data?.runWorkflow.id as string), '');
  }, 60_000);

  it("counts the tenant's queued runs over all its projects and workflows, and no one else's", async () => {
    const active = (await run('spread', 'api')).data?.runWorkflow.id as string;
    await waitForPhase(active, 'spread', ['RUNNING']);
    // Queued: two in web, one in api. Neither the running run nor flood's 5,001 queued runs count.
    for (const project of ['web', 'api', 'web']) expect((await run('spread', project)).errors).toBeUndefined();
    const refused = await run('spread', 'api');
    expect(refused.errors?.[0]?.message).toMatch(/^tenant "spread" already has 3 queued runs/);
  }, 60_000);
});
