import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }';
const RUN = 'mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id } }';

/** CYCLONE_RUN_RETENTION=2: each workflow keeps its 2 newest finished runs unless it says otherwise. */
describe('run retention', () => {
  let api: TestApi;
  let dev: string;
  let db: Db;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-retention-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir, CYCLONE_RUN_RETENTION: '2' });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function createWorkflow(name: string, script: string, extra: Record<string, unknown> = {}) {
    const stages = [{ name: 's', image: 'alpine', command: ['sh', '-c', script] }];
    const result = await api.graphql(
      CREATE_WORKFLOW,
      { input: { tenant: 'acme', project: 'web', name, stages, ...extra } },
      dev,
    );
    expect(result.errors).toBeUndefined();
  }

  async function runToEnd(workflow: string): Promise<string> {
    const result = await api.graphql<{ runWorkflow: { id: string } }>(
      RUN,
      { input: { tenant: 'acme', project: 'web', workflow } },
      dev,
    );
    const id = result.data?.runWorkflow.id as string;
    await waitUntil(async () => (await db.workflowRun.findUniqueOrThrow({ where: { id } })).finishedAt !== null);
    return id;
  }

  async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const numbersOf = async (workflow: string) =>
    (await db.workflowRun.findMany({ where: { workflow: { name: workflow } }, orderBy: { number: 'asc' } })).map(
      (run) => run.number,
    );

  it('deletes older finished runs with their stages, logs and workspaces', async () => {
    await createWorkflow('keep2', 'echo hello; echo kept > file');
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push(await runToEnd('keep2'));
    await waitUntil(async () => (await numbersOf('keep2')).length === 2);
    expect(await numbersOf('keep2')).toEqual([3, 4]);
    const [gone, kept] = [ids.slice(0, 2), ids.slice(2)];
    expect(await db.stageRun.count({ where: { runId: { in: gone } } })).toBe(0);
    expect(await db.logLine.count({ where: { runId: { in: gone } } })).toBe(0);
    expect(await db.stageRun.count({ where: { runId: { in: kept } } })).toBe(2);
    for (const id of gone) expect(existsSync(join(dataDir, 'workspaces', id))).toBe(false);
    for (const id of kept) expect(existsSync(join(dataDir, 'workspaces', id, 'file'))).toBe(true);
  }, 90_000);

  it("uses the workflow's runRetention over the default and keeps the origin of a kept retry", async () => {
    await createWorkflow('keep3', 'true', { runRetention: 3 });
    for (let i = 0; i < 4; i += 1) await runToEnd('keep3');
    await waitUntil(async () => (await numbersOf('keep3')).length === 3);
    expect(await numbersOf('keep3')).toEqual([2, 3, 4]);

    await createWorkflow('origin', 'exit 1', { runRetention: 1 });
    const failed = await runToEnd('origin');
    const retried = await api.graphql<{ retryWorkflowRun: { id: string } }>(
      'mutation($id: ID!) { retryWorkflowRun(id: $id) { id } }',
      { id: failed },
      dev,
    );
    const retryId = retried.data?.retryWorkflowRun.id as string;
    await waitUntil(
      async () => (await db.workflowRun.findUniqueOrThrow({ where: { id: retryId } })).finishedAt !== null,
    );
    await runToEnd('keep3');
    // Run #1 is over the limit of 1, but the kept run #2 was retried from it.
    expect(await numbersOf('origin')).toEqual([1, 2]);
  }, 90_000);
});
