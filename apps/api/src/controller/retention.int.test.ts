import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { CREATE_WORKFLOW, must, RETRY_RUN, type RunView, runWorkflow } from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { waitFor } from '../testing/wait.js';

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

  const isFinished = async (id: string) =>
    (await db.workflowRun.findUniqueOrThrow({ where: { id } })).finishedAt !== null;
  /** Retention works in the controller's passes: give it the time it takes. */
  const patiently = (what: string) => ({ what, timeoutMs: 30_000, intervalMs: 100 });

  async function runToEnd(workflow: string): Promise<string> {
    const { id } = await runWorkflow(api, dev, { tenant: 'acme', project: 'web', workflow });
    await waitFor(() => isFinished(id), patiently('the run to end'));
    return id;
  }
  const numbersOf = async (workflow: string) =>
    (await db.workflowRun.findMany({ where: { workflow: { name: workflow } }, orderBy: { number: 'asc' } })).map(
      (run) => run.number,
    );

  it('deletes older finished runs with their stages, logs and workspaces', async () => {
    await createWorkflow('keep2', 'echo hello; echo kept > file');
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push(await runToEnd('keep2'));
    await waitFor(async () => (await numbersOf('keep2')).length === 2, patiently('retention to keep 2 runs'));
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
    await waitFor(async () => (await numbersOf('keep3')).length === 3, patiently('retention to keep 3 runs'));
    expect(await numbersOf('keep3')).toEqual([2, 3, 4]);

    await createWorkflow('origin', 'exit 1', { runRetention: 1 });
    const failed = await runToEnd('origin');
    const retried = await must<{ retryWorkflowRun: RunView }>(api, dev, RETRY_RUN, { id: failed });
    const retryId = retried.retryWorkflowRun.id;
    await waitFor(() => isFinished(retryId), patiently('the retry to end'));
    await runToEnd('keep3');
    // Run #1 is over the limit of 1, but the kept run #2 was retried from it.
    expect(await numbersOf('origin')).toEqual([1, 2]);
  }, 90_000);
});
