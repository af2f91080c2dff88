import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import {
  PAUSE_RUN,
  RESUME_RUN,
  type RunView,
  readRun,
  runWorkflow,
  STOP_RUN,
  waitForRuns,
} from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { workspaceGates } from '../testing/workspace-gates.js';

const CREATE_WORKFLOW =
  'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name maxConcurrentRuns runRetention } }';
type Errors = { message: string; extensions?: { code?: string; field?: string } }[] | undefined;

/** The API admits at most 3 runs at once in total; tenant acme at most 2. */
describe('run queue and concurrency limits', () => {
  let api: TestApi;
  let admin: string;
  const tokens: Record<string, string> = {};
  let db: Db;
  let dataDir: string;
  let gates: ReturnType<typeof workspaceGates>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-queue-'));
    gates = workspaceGates(dataDir);
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir, CYCLONE_MAX_ACTIVE_RUNS: '3' });
    admin = await api.loginAsAdmin();
    for (const tenant of ['acme', 'big', 'small']) {
      tokens[tenant] = (await seedTenant(api, admin, tenant, { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
      await createWorkflow(tenant, 'gate');
    }
    const quota = await api.graphql(
      'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { name } }',
      { input: { name: 'acme', quota: { maxConcurrentRuns: 2 } } },
      admin,
    );
    expect(quota.errors).toBeUndefined();
    db = createPrismaClient(api.databaseUrl);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    gates?.close();
  });

  /** Its one stage waits until the test releases its run. */
  async function createWorkflow(tenant: string, name: string, extra: Record<string, unknown> = {}) {
    const gate = gates.script('$CYCLONE_RUN_ID');
    const result = await api.graphql<{ createWorkflow: { maxConcurrentRuns: number | null } }>(
      CREATE_WORKFLOW,
      {
        input: {
          tenant,
          project: 'web',
          name,
          stages: [{ name: 'wait', image: 'alpine', command: ['sh', '-c', gate] }],
          ...extra,
        },
      },
      tokens[tenant],
    );
    expect(result.errors).toBeUndefined();
    return result.data?.createWorkflow;
  }

  async function run(tenant: string, workflow = 'gate'): Promise<string> {
    const { id } = await runWorkflow(api, tokens[tenant], { tenant, project: 'web', workflow });
    started.push(id);
    return id;
  }

  /** Every run a test started is released afterwards, so a failing test cannot block the next. */
  const started: string[] = [];
  afterEach(() => {
    release(...started.splice(0));
  });

  const get = (id: string, tenant = 'acme') => readRun(api, tokens[tenant], id);
  const release = (...ids: string[]) => {
    gates.open(...ids);
  };

  /** WorkflowRun.wait of a run: why it waits, its place, its limit, about when. */
  const waitOf = async (id: string, tenant = 'acme') => {
    const result = await api.graphql<{
      workflowRun: {
        wait: { reason: string; position: number | null; limit: number | null; estimatedStartAt: string | null } | null;
      };
    }>(
      'query($id: ID!) { workflowRun(id: $id) { wait { reason position limit estimatedStartAt } } }',
      { id },
      tokens[tenant],
    );
    expect(result.errors).toBeUndefined();
    return result.data?.workflowRun.wait;
  };

  const isRunning = (run: RunView) => run.phase === 'RUNNING' && run.stages[0]?.phase === 'RUNNING';
  const phases = (runs: RunView[]) => runs.map((r) => r.phase);

  it('queues runs over the tenant limit FIFO, with the reason and a queue position', async () => {
    const ids = [await run('acme'), await run('acme'), await run('acme'), await run('acme')];
    let runs = await waitForRuns(api, tokens.acme, ids, {
      until: (r) => isRunning(r[0] as RunView) && isRunning(r[1] as RunView) && r[3]?.phase === 'WAITING',
      timeoutMs: 60_000,
    });
    expect(runs.map((r) => [r.phase, r.message, r.queuePosition])).toEqual([
      ['RUNNING', '', null],
      ['RUNNING', '', null],
      ['WAITING', 'queued: 2 runs of this tenant are active (limit 2)', 1],
      ['WAITING', 'queued: 2 runs of this tenant are active (limit 2)', 2],
    ]);
    expect(runs[2]?.stages[0]).toMatchObject({ phase: 'PENDING', attempt: 0 });
    expect(await waitOf(ids[0] as string)).toBeNull();
    // No run of this workflow has finished yet: no estimate.
    expect(await waitOf(ids[2] as string)).toEqual({
      reason: 'TENANT_LIMIT',
      position: 1,
      limit: 2,
      estimatedStartAt: null,
    });
    expect(await waitOf(ids[3] as string)).toMatchObject({ reason: 'TENANT_LIMIT', position: 2, limit: 2 });
    release(ids[0] as string);
    runs = await waitForRuns(api, tokens.acme, ids, { until: (r) => isRunning(r[2] as RunView), timeoutMs: 60_000 });
    expect(phases(runs)).toEqual(['SUCCEEDED', 'RUNNING', 'RUNNING', 'WAITING']);
    expect(runs[3]?.queuePosition).toBe(1);
    // One run finished: the estimate is now plus that run's duration (one round of 2 slots).
    const first = await db.workflowRun.findUniqueOrThrow({ where: { id: ids[0] as string } });
    const took = (first.finishedAt as Date).getTime() - (first.startedAt as Date).getTime();
    const before = Date.now();
    const fourth = await waitOf(ids[3] as string);
    expect(fourth).toMatchObject({ reason: 'TENANT_LIMIT', position: 1, limit: 2 });
    const estimate = Date.parse(fourth?.estimatedStartAt as string);
    expect(estimate).toBeGreaterThanOrEqual(before + took - 1_000);
    expect(estimate).toBeLessThanOrEqual(Date.now() + took + 1_000);
    release(...ids);
    runs = await waitForRuns(api, tokens.acme, ids, {
      until: (r) => r.every((x) => x.phase === 'SUCCEEDED'),
      timeoutMs: 60_000,
    });
    const rows = await db.workflowRun.findMany({ where: { id: { in: ids } }, orderBy: { number: 'asc' } });
    // FIFO: #3 started only after #1 finished, #4 after #3 had started.
    expect((rows[2]?.startedAt as Date) >= (rows[0]?.finishedAt as Date)).toBe(true);
    expect((rows[3]?.startedAt as Date) >= (rows[2]?.startedAt as Date)).toBe(true);
  }, 90_000);

  it('honours a workflow limit set on createWorkflow; a queued run stops without starting', async () => {
    const bad = await api.graphql(
      CREATE_WORKFLOW,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          name: 'bad',
          stages: [{ name: 's', image: 'alpine', command: ['true'] }],
          maxConcurrentRuns: 0,
        },
      },
      tokens.acme,
    );
    expect((bad.errors as Errors)?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.maxConcurrentRuns',
    });
    expect(await createWorkflow('acme', 'solo', { maxConcurrentRuns: 1, runRetention: 7 })).toMatchObject({
      maxConcurrentRuns: 1,
      runRetention: 7,
    });
    const ids = [await run('acme', 'solo'), await run('acme', 'solo')];
    let runs = await waitForRuns(api, tokens.acme, ids, {
      until: (r) => isRunning(r[0] as RunView) && r[1]?.phase === 'WAITING',
      timeoutMs: 60_000,
    });
    expect(runs[1]?.message).toBe('queued: 1 run of this workflow is active (limit 1)');
    expect(await waitOf(ids[1] as string)).toMatchObject({ reason: 'WORKFLOW_LIMIT', position: 1, limit: 1 });

    await api.graphql(STOP_RUN, { id: ids[1] }, tokens.acme);
    runs = await waitForRuns(api, tokens.acme, ids, { until: (r) => r[1]?.phase === 'CANCELLED', timeoutMs: 60_000 });
    expect(runs[1]).toMatchObject({ message: 'stopped before it started', startedAt: null, queuePosition: null });
    expect(runs[1]?.stages[0]).toMatchObject({ phase: 'CANCELLED', attempt: 0 });
    release(...ids);
    await waitForRuns(api, tokens.acme, ids, { until: (r) => r[0]?.phase === 'SUCCEEDED', timeoutMs: 60_000 });
  }, 90_000);

  it('a paused queued run keeps waiting without holding a place; resumed, it queues again', async () => {
    const ids = [await run('acme'), await run('acme'), await run('acme'), await run('acme')];
    await waitForRuns(api, tokens.acme, ids, {
      until: (r) => isRunning(r[0] as RunView) && isRunning(r[1] as RunView),
      timeoutMs: 60_000,
    });
    await api.graphql(PAUSE_RUN, { id: ids[2] }, tokens.acme);
    let runs = await waitForRuns(api, tokens.acme, ids, {
      until: (r) => r[2]?.message === 'paused before it started',
      timeoutMs: 60_000,
    });
    expect(runs[2]).toMatchObject({ phase: 'WAITING', isPaused: true, queuePosition: null });
    expect(await waitOf(ids[2] as string)).toEqual({
      reason: 'PAUSED',
      position: null,
      limit: null,
      estimatedStartAt: null,
    });
    expect(runs[3]?.queuePosition).toBe(1);
    release(ids[0] as string);
    runs = await waitForRuns(api, tokens.acme, ids, { until: (r) => isRunning(r[3] as RunView), timeoutMs: 60_000 });
    expect(runs[2]).toMatchObject({ phase: 'WAITING', isPaused: true });
    await api.graphql(RESUME_RUN, { id: ids[2] }, tokens.acme);
    runs = await waitForRuns(api, tokens.acme, ids, {
      until: (r) => r[2]?.message === 'queued: 2 runs of this tenant are active (limit 2)',
      timeoutMs: 60_000,
    });
    expect(runs[2]).toMatchObject({ isPaused: false, queuePosition: 1 });
    release(ids[1] as string);
    await waitForRuns(api, tokens.acme, ids, { until: (r) => isRunning(r[2] as RunView), timeoutMs: 60_000 });
    release(...ids);
    await waitForRuns(api, tokens.acme, ids, {
      until: (r) => r.every((x) => x.phase === 'SUCCEEDED'),
      timeoutMs: 60_000,
    });
  }, 90_000);

  it('shares the installation limit round-robin: one run of a small tenant is not starved by a big one', async () => {
    const big: string[] = [];
    for (let i = 0; i < 6; i += 1) big.push(await run('big'));
    await waitForRuns(api, tokens.big, big, { until: (r) => r.filter(isRunning).length === 3, timeoutMs: 60_000 });
    const small = await run('small');
    let [smallRun] = await waitForRuns(api, tokens.small, [small], {
      until: (r) => r[0]?.phase === 'WAITING',
      timeoutMs: 60_000,
    });
    expect(smallRun?.message).toBe('queued: 3 runs are active in total (limit 3)');
    expect(await waitOf(small, 'small')).toMatchObject({ reason: 'GLOBAL_LIMIT', limit: 3 });
    release(big[0] as string);
    [smallRun] = await waitForRuns(api, tokens.small, [small], {
      until: (r) => isRunning(r[0] as RunView),
      timeoutMs: 60_000,
    });
    const bigRuns = await Promise.all(big.map((id) => get(id, 'big')));
    expect(phases(bigRuns)).toEqual(['SUCCEEDED', 'RUNNING', 'RUNNING', 'WAITING', 'WAITING', 'WAITING']);
    release(...big, small);
    await waitForRuns(api, tokens.big, big, {
      until: (r) => r.every((x) => x.phase === 'SUCCEEDED'),
      timeoutMs: 60_000,
    });
  }, 90_000);
});
