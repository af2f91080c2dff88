// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CREATE_WORKFLOW,
  createWorkflow,
  logLines,
  must,
  RETRY_RUN,
  type RunView,
  runWorkflow,
  runWorkflowAndWait,
  STOP_RUN,
  sh,
  stageOf,
  waitForRun,
} from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { stageProcesses, survivorsOf } from '../testing/stage-processes.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

type Refusal = { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };

/** Finally stages through the real API, run by real processes on the local executor. */
describe('finally stages', () => {
  let api: TestApi;
  let dev: string;
  let dataDir: string;
  const scope = { tenant: 'acme', project: 'web' };
  const phases = (run: RunView) => run.stages.map((s) => [s.name, s.phase]);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-finally-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** build exits with $CODE; cleanup always runs; on-failure only when the run failed. */
  const cleanupWorkflow = (name: string, extra: Record<string, unknown> = {}) =>
    createWorkflow(api, dev, {
      ...scope,
      name,
      stages: [
        sh('build', 'echo "built:yes" >> "$CYCLONE_RESULTS"; exit "$CODE"', {
          env: [{ name: 'CODE', value: '0' }],
        }),
        sh('test', 'echo tested', { dependsOn: ['build'] }),
        sh('cleanup', 'echo "cleaning after ${stages.build.outputs.built}"', { finally: true, ...extra }),
        sh('on-failure', 'echo reporting', { finally: true, when: "run.phase == 'FAILED'", dependsOn: ['cleanup'] }),
      ],
    });

  it('run after a success, see the outputs of every ordinary stage, and leave the run SUCCEEDED', async () => {
    await cleanupWorkflow('after-success');
    const run = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'after-success' });
    expect(run).toMatchObject({ phase: 'SUCCEEDED' });
    expect(phases(run)).toEqual([
      ['build', 'SUCCEEDED'],
      ['test', 'SUCCEEDED'],
      ['cleanup', 'SUCCEEDED'],
      ['on-failure', 'SKIPPED'],
    ]);
    expect(stageOf(run, 'on-failure').message).toBe("skipped: when run.phase == 'FAILED' is false");
    // After every ordinary stage ended.
    expect(Date.parse(stageOf(run, 'cleanup').startedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(stageOf(run, 'test').finishedAt as string),
    );
    expect(await logLines(api, dev, run.id, 'cleanup')).toEqual(['cleaning after yes']);

    // A retry reuses the ordinary stages that succeeded, never a finally stage: it cleans up again.
    const retry = (await must<{ retryWorkflowRun: RunView }>(api, dev, RETRY_RUN, { id: run.id })).retryWorkflowRun;
    const retried = await waitForRun(api, dev, retry.id);
    expect(retried.phase).toBe('SUCCEEDED');
    expect(await logLines(api, dev, retried.id, 'build')).toEqual([]);
    expect(await logLines(api, dev, retried.id, 'cleanup')).toEqual([
      `[cyclone] the workspace starts as the one run #${run.number} left`,
      'cleaning after yes',
    ]);
  });

  it('run after a failure, and the run is FAILED for the stage that failed', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'after-failure',
      stages: [
        sh('build', 'exit 3'),
        sh('test', 'echo tested', { dependsOn: ['build'] }),
        // A failed stage stores no outputs: cleanup reads only what it can.
        sh('cleanup', 'echo cleaning', { finally: true }),
        sh('on-failure', 'echo reporting', { finally: true, when: "run.phase == 'FAILED'", dependsOn: ['cleanup'] }),
      ],
    });
    const run = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'after-failure' });
    expect(run).toMatchObject({ phase: 'FAILED', message: 'stage "build" failed' });
    expect(phases(run)).toEqual([
      ['build', 'FAILED'],
      ['test', 'SKIPPED'],
      ['cleanup', 'SUCCEEDED'],
      ['on-failure', 'SUCCEEDED'],
    ]);
    expect(await logLines(api, dev, run.id, 'on-failure')).toEqual(['reporting']);
  });

  it('a finally stage that fails fails a successful run', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'failing-cleanup',
      stages: [sh('build', 'true'), sh('cleanup', 'exit 1', { finally: true })],
    });
    const run = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'failing-cleanup' });
    expect(run).toMatchObject({ phase: 'FAILED', message: 'finally stage "cleanup" failed' });
  });

  it('run after stop, before the run is CANCELLED; a second stop kills them', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'stoppable',
      stages: [
        sh('work', 'touch "$CYCLONE_WORKSPACE/working"; exec sleep 60'),
        sh('after', 'true', { dependsOn: ['work'] }),
        sh('cleanup', 'echo "cleanup sees $PHASE"; touch "$CYCLONE_WORKSPACE/cleaned"', {
          finally: true,
          env: [{ name: 'PHASE', value: 'stopped' }],
          when: "run.phase == 'CANCELLED'",
        }),
        sh('linger', 'touch "$CYCLONE_WORKSPACE/lingering"; exec sleep 60', { finally: true, dependsOn: ['cleanup'] }),
      ],
    });
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'stoppable' });
    const workspace = join(dataDir, 'workspaces', started.id);
    await waitForRun(api, dev, started.id, {
      until: (r) => stageOf(r, 'work').phase === 'RUNNING' && existsSync(join(workspace, 'working')),
      what: 'stage work to run',
    });
    expect(started.isStopping).toBe(false);
    // A subscriber hears the stop while the finally stages run, and its end.
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${dev}` },
      retryAttempts: 0,
    });
    type Update = { phase: string; isStopping: boolean; stages: { name: string; phase: string }[] };
    const updates = new Promise<Update[]>((resolve, reject) => {
      const seen: Update[] = [];
      client.subscribe(
        {
          query: 'subscription($id: ID!) { workflowRunUpdated(id: $id) { phase isStopping stages { name phase } } }',
          variables: { id: started.id },
        },
        {
          next: (value) => seen.push((value.data as { workflowRunUpdated: Update }).workflowRunUpdated),
          error: reject,
          complete: () => resolve(seen),
        },
      );
    });
    const stopping = await must<{ stopWorkflowRun: RunView }>(api, dev, STOP_RUN, { id: started.id });
    expect(stopping.stopWorkflowRun.isStopping).toBe(true);
    // The ordinary stage is killed, cleanup runs, then linger runs and holds the run open.
    const lingering = await waitForRun(api, dev, started.id, {
      until: (r) => stageOf(r, 'linger').phase === 'RUNNING' && existsSync(join(workspace, 'lingering')),
      what: 'the finally stages to run after the stop',
    });
    expect(lingering).toMatchObject({ phase: 'RUNNING', isStopping: true });
    expect(phases(lingering)).toEqual([
      ['work', 'CANCELLED'],
      ['after', 'CANCELLED'],
      ['cleanup', 'SUCCEEDED'],
      ['linger', 'RUNNING'],
    ]);
    expect(await survivorsOf(() => stageProcesses(started.id, 'work'))).toEqual([]);
    expect(await logLines(api, dev, started.id, 'cleanup')).toEqual(['cleanup sees stopped']);

    await must(api, dev, STOP_RUN, { id: started.id });
    const finished = await waitForRun(api, dev, started.id);
    expect(finished).toMatchObject({ phase: 'CANCELLED', message: 'stopped', isStopping: false });
    // A third stop of the ended run changes nothing.
    const again = await must<{ stopWorkflowRun: RunView }>(api, dev, STOP_RUN, { id: started.id });
    expect(again.stopWorkflowRun).toMatchObject({ phase: 'CANCELLED', isStopping: false });
    const heard = await updates;
    await client.dispose();
    const whileStopping = heard.filter((u) => u.isStopping);
    expect(whileStopping.length).toBeGreaterThan(0);
    expect(whileStopping.every((u) => u.phase === 'RUNNING')).toBe(true);
    expect(heard.at(-1)).toMatchObject({ phase: 'CANCELLED', isStopping: false });
    expect(stageOf(finished, 'linger')).toMatchObject({ phase: 'CANCELLED', message: 'killed: the run was stopped' });
    expect(await survivorsOf(() => stageProcesses(started.id))).toEqual([]);
  });

  it('an ordinary stage that depends on a finally stage is refused at save', async () => {
    const result: Refusal = await api.graphql(
      CREATE_WORKFLOW,
      {
        input: {
          ...scope,
          name: 'backwards',
          stages: [sh('cleanup', 'true', { finally: true }), sh('build', 'true', { dependsOn: ['cleanup'] })],
        },
      },
      dev,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('input.stages[1].dependsOn[0]');
    expect(result.errors?.[0]?.message).toContain('depends on finally stage "cleanup"');
  });
});
