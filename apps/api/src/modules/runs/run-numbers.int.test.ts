import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { type RunView, runWorkflow, STOP_RUN } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }';

describe('run numbers', () => {
  let api: TestApi;
  let dev: string;
  let db: Db;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-run-numbers-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function createWorkflow(name: string): Promise<string> {
    const stages = [{ name: 'wait', image: 'alpine:3.20', command: ['sleep', '30'] }];
    const result = await api.graphql<{ createWorkflow: { id: string } }>(
      CREATE_WORKFLOW,
      { input: { tenant: 'acme', project: 'web', name, stages } },
      dev,
    );
    expect(result.errors).toBeUndefined();
    return result.data?.createWorkflow.id as string;
  }

  /** Stopped at once: these tests are about numbers, not about running stages. */
  async function run(workflow: string): Promise<RunView> {
    const created = await runWorkflow(api, dev, { tenant: 'acme', project: 'web', workflow });
    await api.graphql(STOP_RUN, { id: created.id }, dev);
    return created;
  }

  it('gives runs submitted together distinct numbers 1..n, per workflow', async () => {
    await createWorkflow('burst');
    await createWorkflow('other');
    const [burst, other] = await Promise.all([
      Promise.all(Array.from({ length: 12 }, () => run('burst'))),
      Promise.all(Array.from({ length: 3 }, () => run('other'))),
    ]);
    expect(burst.map((r) => r.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(other.map((r) => r.number).sort((a, b) => a - b)).toEqual([1, 2, 3]);
    const stored = await db.workflow.findFirstOrThrow({ where: { name: 'burst' }, select: { lastRunNumber: true } });
    expect(stored.lastRunNumber).toBe(12);
  });

  it('continues after the highest stored number, even one the counter did not give out', async () => {
    const workflowId = await createWorkflow('imported');
    const version = await db.workflowVersion.findFirstOrThrow({ where: { workflowId } });
    await db.workflowRun.create({ data: { workflowId, versionId: version.id, number: 41, phase: 'SUCCEEDED' } });
    expect((await run('imported')).number).toBe(42);
    expect((await run('imported')).number).toBe(43);
  });

  it('never gives a number twice, even after the newest run is deleted', async () => {
    await createWorkflow('pruned');
    const first = await run('pruned');
    const second = await run('pruned');
    await db.workflowRun.delete({ where: { id: second.id } });
    expect([first.number, second.number, (await run('pruned')).number]).toEqual([1, 2, 3]);
  });
});
