import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../app.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { startControllerApi } from '../testing/controller-process.js';
import { CREATE_WORKFLOW, must, PAUSE_RUN, RESUME_RUN, runWorkflow, STOP_RUN } from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { waitFor } from '../testing/wait.js';
import { workspaceGates } from '../testing/workspace-gates.js';

/**
 * One API serves GraphQL only (role server), another one runs the controller (role
 * controller) on the same database. The controller's own passes are set 10 minutes
 * apart, so anything it does within the test's waits was woken by the server's
 * mutation through LISTEN/NOTIFY.
 */
describe('cross-process wake-up', () => {
  let server: TestApi;
  let controller: RunningApi;
  let dev: string;
  let db: Db;
  let dataDir: string;
  let gates: ReturnType<typeof workspaceGates>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-wake-'));
    gates = workspaceGates(dataDir);
    server = await startTestApi({ CYCLONE_ROLE: 'server', CYCLONE_DATA_DIR: dataDir });
    const admin = await server.loginAsAdmin();
    dev = (await seedTenant(server, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(server.databaseUrl);
    controller = await startControllerApi(server.databaseUrl, dataDir, { CYCLONE_CONTROLLER_RESYNC: '10m' });
    const stages = [
      {
        name: 'a',
        image: 'alpine',
        command: ['sh', '-c', gates.script('$CYCLONE_RUN_ID')],
      },
      { name: 'b', image: 'alpine', command: ['true'], dependsOn: ['a'] },
    ];
    await must(server, dev, CREATE_WORKFLOW, { input: { tenant: 'acme', project: 'web', name: 'two', stages } });
  });

  afterAll(async () => {
    gates?.close();
    await controller?.stop();
    await db?.$disconnect();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const stageRow = (runId: string, stage: string) =>
    db.stageRun.findUniqueOrThrow({ where: { runId_stage: { runId, stage } } });
  const run = async () => (await runWorkflow(server, dev, { tenant: 'acme', project: 'web', workflow: 'two' })).id;
  const idle = () => new Promise((resolve) => setTimeout(resolve, 600));

  it('starts a run created on another process at once, and acts on pause, resume and stop from there', async () => {
    for (let i = 0; i < 3; i += 1) {
      await idle();
      const id = await run();
      await waitFor(() => stageRow(id, 'a'), {
        until: (row) => row.startedAt !== null,
        what: 'stage a to start',
        intervalMs: 20,
      });

      await must(server, dev, PAUSE_RUN, { id });
      gates.open(id);
      await waitFor(() => db.workflowRun.findUniqueOrThrow({ where: { id }, include: { stageRuns: true } }), {
        until: (run) =>
          run.phase === 'WAITING' && run.stageRuns.some((s) => s.stage === 'a' && s.phase === 'SUCCEEDED'),
        what: 'the paused run to finish stage a',
        intervalMs: 20,
      });
      await idle();
      expect((await stageRow(id, 'b')).phase).toBe('PENDING');
      await must(server, dev, RESUME_RUN, { id });
      await waitFor(() => stageRow(id, 'b'), {
        until: (row) => row.startedAt !== null,
        what: 'stage b to start after the resume',
        intervalMs: 20,
      });
      await waitFor(() => db.workflowRun.findUniqueOrThrow({ where: { id } }), {
        until: (run) => run.phase === 'SUCCEEDED',
        what: 'the run to succeed',
        intervalMs: 20,
      });

      await idle();
      const other = await run();
      await waitFor(() => stageRow(other, 'a'), {
        until: (row) => row.phase === 'RUNNING',
        what: 'stage a of the other run to run',
        intervalMs: 20,
      });
      await idle();
      await must(server, dev, STOP_RUN, { id: other });
      await waitFor(() => db.workflowRun.findUniqueOrThrow({ where: { id: other } }), {
        until: (row) => row.phase === 'CANCELLED',
        what: 'the other run to be cancelled',
        intervalMs: 20,
      });
    }
  }, 120_000);
});
