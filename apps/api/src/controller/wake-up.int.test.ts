import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../app.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { startControllerApi } from '../testing/controller-process.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { workspaceGates } from '../testing/workspace-gates.js';

const RUN = 'mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id } }';

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
    const created = await server.graphql(
      'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }',
      { input: { tenant: 'acme', project: 'web', name: 'two', stages } },
      dev,
    );
    expect(created.errors).toBeUndefined();
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
  async function waitUntil<T>(read: () => Promise<T>, isDone: (value: T) => boolean): Promise<T> {
    const until = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (isDone(value)) return value;
      if (Date.now() > until) throw new Error(`timed out; last seen ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const idle = () => new Promise((resolve) => setTimeout(resolve, 600));

  it('starts a run created on another process at once, and acts on pause, resume and stop from there', async () => {
    for (let i = 0; i < 3; i += 1) {
      await idle();
      const result = await server.graphql<{ runWorkflow: { id: string } }>(
        RUN,
        { input: { tenant: 'acme', project: 'web', workflow: 'two' } },
        dev,
      );
      const id = result.data?.runWorkflow.id as string;
      await waitUntil(
        () => stageRow(id, 'a'),
        (row) => row.startedAt !== null,
      );

      await server.graphql('mutation($id: ID!) { pauseWorkflowRun(id: $id) { id } }', { id }, dev);
      gates.open(id);
      await waitUntil(
        () => db.workflowRun.findUniqueOrThrow({ where: { id }, include: { stageRuns: true } }),
        (run) => run.phase === 'WAITING' && run.stageRuns.some((s) => s.stage === 'a' && s.phase === 'SUCCEEDED'),
      );
      await idle();
      expect((await stageRow(id, 'b')).phase).toBe('PENDING');
      await server.graphql('mutation($id: ID!) { resumeWorkflowRun(id: $id) { id } }', { id }, dev);
      await waitUntil(
        () => stageRow(id, 'b'),
        (row) => row.startedAt !== null,
      );
      await waitUntil(
        () => db.workflowRun.findUniqueOrThrow({ where: { id } }),
        (run) => run.phase === 'SUCCEEDED',
      );

      await idle();
      const other = (
        await server.graphql<{ runWorkflow: { id: string } }>(
          RUN,
          { input: { tenant: 'acme', project: 'web', workflow: 'two' } },
          dev,
        )
      ).data?.runWorkflow.id as string;
      await waitUntil(
        () => stageRow(other, 'a'),
        (row) => row.phase === 'RUNNING',
      );
      await idle();
      await server.graphql('mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }', { id: other }, dev);
      await waitUntil(
        () => db.workflowRun.findUniqueOrThrow({ where: { id: other } }),
        (row) => row.phase === 'CANCELLED',
      );
    }
  }, 120_000);
});
