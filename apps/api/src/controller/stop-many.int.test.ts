import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningApi } from '../app.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { startControllerApi } from '../testing/controller-process.js';
import { CREATE_WORKFLOW, must, runWorkflow, STOP_RUN } from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { stageProcesses, survivorsOf } from '../testing/stage-processes.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { waitFor } from '../testing/wait.js';

const UPDATED = 'subscription($id: ID!) { workflowRunUpdated(id: $id) { phase stages { name phase } } }';
/** Parallel stages in the stopped run (each a real process group). */
const WIDTH = 40;

interface Update {
  phase: string;
  stages: { name: string; phase: string }[];
}

/**
 * Stopping a wide run: every running stage is killed and recorded CANCELLED together,
 * and a controller that died in the middle of a stop leaves nothing running or FAILED.
 * A server API (GraphQL) and controller processes (role controller) share a database.
 */
describe('stopping a run with many running stages', () => {
  let server: TestApi;
  let dev: string;
  let db: Db;
  let dataDir: string;
  const controllers: RunningApi[] = [];

  async function startController(): Promise<RunningApi> {
    const controller = await startControllerApi(server.databaseUrl, dataDir);
    controllers.push(controller);
    return controller;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-stop-'));
    server = await startTestApi({ CYCLONE_ROLE: 'server', CYCLONE_DATA_DIR: dataDir });
    const admin = await server.loginAsAdmin();
    dev = (await seedTenant(server, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(server.databaseUrl);
    const stages = [
      ...Array.from({ length: WIDTH }, (_, i) => ({
        name: `s${i}`,
        image: 'alpine',
        command: ['sh', '-c'],
        args: ['mkdir -p "$CYCLONE_WORKSPACE/pids"; echo $$ > "$CYCLONE_WORKSPACE/pids/$CYCLONE_STAGE"; exec sleep 60'],
      })),
      { name: 'after', image: 'alpine', command: ['true'], dependsOn: ['s0'] },
    ];
    await must(server, dev, CREATE_WORKFLOW, { input: { tenant: 'acme', project: 'web', name: 'wide', stages } });
  });

  afterAll(async () => {
    while (controllers.length > 0) await controllers.pop()?.stop();
    await db?.$disconnect();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async () => (await runWorkflow(server, dev, { tenant: 'acme', project: 'web', workflow: 'wide' })).id;
  const stop = (id: string) => must(server, dev, STOP_RUN, { id });

  const stageRows = (runId: string) =>
    db.stageRun.findMany({ where: { runId }, select: { stage: true, phase: true, message: true } });
  const runRow = (runId: string) => db.workflowRun.findUniqueOrThrow({ where: { id: runId } });

  /**
   * Every wide stage RUNNING with its process's pid written; returns the processes
   * of the run's stages on this machine (found by their CYCLONE_RUN_ID: in a sandbox
   * the pid a stage writes is the one its own PID namespace gives it).
   */
  async function allRunning(runId: string): Promise<number[]> {
    const pidOf = (i: number) => join(dataDir, 'workspaces', runId, 'pids', `s${i}`);
    const isReady = (i: number) => existsSync(pidOf(i)) && readFileSync(pidOf(i), 'utf8').trim() !== '';
    await waitFor(
      async () => {
        const rows = await stageRows(runId);
        const running = rows.filter((row) => row.phase === 'RUNNING').length;
        return running === WIDTH && Array.from({ length: WIDTH }, (_, i) => i).every(isReady);
      },
      { what: `all ${WIDTH} stages to run`, timeoutMs: 30_000 },
    );
    return stageProcesses(runId);
  }

  it('kills every running stage and records them all CANCELLED at once', async () => {
    await startController();
    const runId = await run();
    const pids = await allRunning(runId);
    expect(Array.from({ length: WIDTH }, (_, i) => stageProcesses(runId, `s${i}`).length > 0)).not.toContain(false);

    const client = createClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${dev}` },
      retryAttempts: 0,
    });
    const updates: Update[] = [];
    const completed = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: UPDATED, variables: { id: runId } },
        {
          next: (value) => updates.push((value.data as { workflowRunUpdated: Update }).workflowRunUpdated),
          error: reject,
          complete: resolve,
        },
      );
    });
    // The subscription's first message is the current state: it is listening from then on.
    await waitFor(async () => updates.length > 0, { what: 'the subscription to answer', timeoutMs: 30_000 });
    await stop(runId);
    await completed;
    await client.dispose();

    // The first update showing a cancelled stage shows all of them: one pass recorded them together.
    const first = updates.find((update) => update.stages.some((stage) => stage.phase === 'CANCELLED'));
    expect(first?.stages).toHaveLength(WIDTH + 1);
    expect(first?.stages.every((stage) => stage.phase === 'CANCELLED')).toBe(true);
    expect(updates.at(-1)?.phase).toBe('CANCELLED');

    const rows = await stageRows(runId);
    expect(rows).toHaveLength(WIDTH + 1);
    for (const row of rows) {
      expect(row.phase).toBe('CANCELLED');
      expect(row.message).toBe(
        row.stage === 'after' ? 'not started: the run was stopped' : 'killed: the run was stopped',
      );
    }
    expect(await runRow(runId)).toMatchObject({ phase: 'CANCELLED', message: 'stopped' });
    expect(pids.length).toBeGreaterThanOrEqual(WIDTH);
    expect(await survivorsOf(() => stageProcesses(runId))).toEqual([]);
    while (controllers.length > 0) await controllers.pop()?.stop();
  });

  it('a stop its controller died in the middle of ends with every stage CANCELLED, none FAILED', async () => {
    const first = await startController();
    const runId = await run();
    await allRunning(runId);
    // The controller dies before it passed over the stop: its stage processes end with
    // it, their rows stay RUNNING with handles nobody can report any more.
    controllers.splice(controllers.indexOf(first), 1);
    await first.stop();
    await stop(runId);
    expect((await stageRows(runId)).filter((row) => row.phase === 'RUNNING')).toHaveLength(WIDTH);

    await startController();
    await waitFor(async () => (await runRow(runId)).phase === 'CANCELLED', {
      what: 'the run to be cancelled',
      timeoutMs: 30_000,
    });
    const rows = await stageRows(runId);
    expect(rows.map((row) => row.phase)).toEqual(rows.map(() => 'CANCELLED'));
    expect(rows.filter((row) => row.message === 'killed: the run was stopped')).toHaveLength(WIDTH);
  });
});
