import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../app.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { startControllerApi } from '../testing/controller-process.js';
import { CREATE_WORKFLOW, isEnded, runWorkflow } from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { stageProcesses, survivorsOf } from '../testing/stage-processes.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { waitFor } from '../testing/wait.js';

/**
 * The API here serves GraphQL only; the tests start and stop controller processes
 * (role `controller`) on the same database themselves.
 */
describe('run controller', () => {
  let api: TestApi;
  let dev: string;
  let db: Db;
  let dataDir: string;
  const controllers: RunningApi[] = [];

  async function startController(): Promise<RunningApi> {
    const controller = await startControllerApi(api.databaseUrl, dataDir);
    controllers.push(controller);
    return controller;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-controller-'));
    api = await startTestApi({ CYCLONE_ROLE: 'server', CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
  });

  afterAll(async () => {
    for (const controller of controllers) await controller.stop().catch(() => undefined);
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function createWorkflow(name: string, stages: unknown[]) {
    const result = await api.graphql(CREATE_WORKFLOW, { input: { tenant: 'acme', project: 'web', name, stages } }, dev);
    expect(result.errors).toBeUndefined();
  }

  const run = async (workflow: string) =>
    (await runWorkflow(api, dev, { tenant: 'acme', project: 'web', workflow })).id;

  it('two controllers on one database never start the same stage twice', async () => {
    await createWorkflow('counted', [
      { name: 'one', image: 'alpine', command: ['sh', '-c', 'echo x >> "$CYCLONE_WORKSPACE/$CYCLONE_STAGE.count"'] },
      {
        name: 'two',
        image: 'alpine',
        command: ['sh', '-c', 'echo x >> "$CYCLONE_WORKSPACE/$CYCLONE_STAGE.count"'],
        dependsOn: ['one'],
      },
    ]);
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(await run('counted'));
    await Promise.all([startController(), startController()]);
    const runs = await waitFor(
      () => db.workflowRun.findMany({ where: { id: { in: ids } }, include: { stageRuns: true } }),
      { until: (rows) => rows.every(isEnded), what: 'every run to end', timeoutMs: 30_000 },
    );
    expect(runs.map((row) => row.phase)).toEqual(ids.map(() => 'SUCCEEDED'));
    for (const row of runs) {
      expect(row.stageRuns.map((stage) => stage.attempt)).toEqual([1, 1]);
      for (const stage of ['one', 'two']) {
        expect(readFileSync(join(dataDir, 'workspaces', row.id, `${stage}.count`), 'utf8')).toBe('x\n');
      }
    }
    while (controllers.length > 0) await controllers.pop()?.stop();
  });

  it('after a controller stops mid-stage, the next one fails that attempt and retries it', async () => {
    await createWorkflow('restartable', [
      {
        name: 'long',
        image: 'alpine',
        retries: 1,
        command: ['sh', '-c'],
        args: [
          'if [ -f "$CYCLONE_WORKSPACE/marker" ]; then echo second; exit 0; fi; touch "$CYCLONE_WORKSPACE/marker"; echo first; echo $$ > "$CYCLONE_WORKSPACE/pid"; exec sleep 60',
        ],
      },
    ]);
    const id = await run('restartable');
    const first = await startController();
    const pidFile = join(dataDir, 'workspaces', id, 'pid');
    await waitFor(async () => existsSync(pidFile), { what: 'the stage to write its pid', timeoutMs: 30_000 });
    expect(stageProcesses(id).length).toBeGreaterThan(0);
    await first.stop();
    controllers.splice(controllers.indexOf(first), 1);
    expect(await survivorsOf(() => stageProcesses(id))).toEqual([]);
    const between = await db.stageRun.findFirstOrThrow({ where: { runId: id } });
    expect(between).toMatchObject({ phase: 'RUNNING', attempt: 1 });

    await startController();
    const finished = await waitFor(
      () => db.workflowRun.findUniqueOrThrow({ where: { id }, include: { stageRuns: true } }),
      { until: isEnded, what: 'the run to end', timeoutMs: 30_000 },
    );
    expect(finished.phase).toBe('SUCCEEDED');
    expect(finished.stageRuns[0]).toMatchObject({ phase: 'SUCCEEDED', attempt: 2 });
    const lines = await db.logLine.findMany({ where: { runId: id }, orderBy: { seq: 'asc' } });
    expect(lines.map((line) => [Number(line.seq), line.text])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
  });
});
