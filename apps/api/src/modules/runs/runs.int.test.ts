import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import {
  CREATE_WORKFLOW,
  PAUSE_RUN,
  RESUME_RUN,
  RUN_LOGS,
  RUN_WORKFLOW,
  type RunView,
  readRun,
  runWorkflow,
  STOP_RUN,
  sh,
  stageOf,
  WORKFLOW_RUN,
  waitForRun,
} from '../../testing/run-helpers.js';
import { type RunsApi, startRunsApi } from '../../testing/runs-api.js';
import { stageProcesses, survivorsOf } from '../../testing/stage-processes.js';
import type { TestApi } from '../../testing/test-api.js';

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };

describe('workflow runs on the local executor', () => {
  let runs: RunsApi;
  let api: TestApi;
  let dev: string;
  let viewer: string;
  let outsider: string;
  let db: Db;
  let dataDir: string;

  beforeAll(async () => {
    runs = await startRunsApi('runs');
    ({ api, dev, viewer, outsider, dataDir } = runs);
    db = createPrismaClient(api.databaseUrl);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await runs?.stop();
  });

  async function createWorkflow(name: string, stages: unknown[]) {
    const result = await api.graphql(CREATE_WORKFLOW, { input: { tenant: 'acme', project: 'web', name, stages } }, dev);
    expect(result.errors).toBeUndefined();
  }

  const run = (workflow: string, extra: Record<string, unknown> = {}, token = dev) =>
    runWorkflow(api, token, { tenant: 'acme', project: 'web', workflow, ...extra });
  const get = (id: string, token = dev) => readRun(api, token, id);

  it('runs a diamond to SUCCEEDED with outputs and ordered logs', async () => {
    await createWorkflow('diamond', [
      sh('a', 'echo "version:1.2.3" >> "$CYCLONE_RESULTS"; echo "commit: abc:def" >> "$CYCLONE_RESULTS"; echo hello'),
      sh('b', 'for i in $(seq 1 300); do echo "line $i"; done; echo oops >&2', { dependsOn: ['a'] }),
      sh('c', 'echo "$GREETING" > greeting.txt', {
        dependsOn: ['a'],
        env: [{ name: 'GREETING', value: 'hi' }],
        workingDir: 'sub/dir',
      }),
      sh('d', 'cat sub/dir/greeting.txt; test -z "$DATABASE_URL"', { dependsOn: ['b', 'c'] }),
    ]);
    const started = await run('diamond', { parameters: [{ name: 'REV', value: 'main' }] });
    expect(started).toMatchObject({ number: 1, phase: 'PENDING', isPaused: false });
    expect(started.stages.map((s) => [s.name, s.phase, s.attempt])).toEqual([
      ['a', 'PENDING', 0],
      ['b', 'PENDING', 0],
      ['c', 'PENDING', 0],
      ['d', 'PENDING', 0],
    ]);
    const finished = await waitForRun(api, dev, started.id);
    expect(finished.phase).toBe('SUCCEEDED');
    expect(finished.stages.map((s) => [s.name, s.phase, s.attempt, s.exitCode])).toEqual([
      ['a', 'SUCCEEDED', 1, 0],
      ['b', 'SUCCEEDED', 1, 0],
      ['c', 'SUCCEEDED', 1, 0],
      ['d', 'SUCCEEDED', 1, 0],
    ]);
    expect(stageOf(finished, 'a').outputs).toEqual([
      { key: 'version', value: '1.2.3' },
      { key: 'commit', value: 'abc:def' },
    ]);
    const stored = await db.workflowRun.findUniqueOrThrow({ where: { id: started.id } });
    expect(stored.parameters).toEqual([{ name: 'REV', value: 'main' }]);
    // d ran after b and c: its start is not before their finish.
    const rows = await db.stageRun.findMany({ where: { runId: started.id } });
    const at = (name: string) => rows.find((r) => r.stage === name) as (typeof rows)[number];
    expect(at('d').startedAt?.getTime()).toBeGreaterThanOrEqual(at('b').finishedAt?.getTime() ?? Infinity);
    expect(at('d').startedAt?.getTime()).toBeGreaterThanOrEqual(at('c').finishedAt?.getTime() ?? Infinity);

    const logs = await api.graphql<{ workflowRunLogs: { seq: number; stream: string; line: string }[] }>(
      RUN_LOGS,
      { id: started.id, stage: 'b' },
      viewer,
    );
    const lines = logs.data?.workflowRunLogs ?? [];
    expect(lines).toHaveLength(301);
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
    expect(lines.filter((l) => l.stream === 'STDOUT').map((l) => l.line)).toEqual(
      Array.from({ length: 300 }, (_, i) => `line ${i + 1}`),
    );
    expect(lines.find((l) => l.stream === 'STDERR')?.line).toBe('oops');
    const after = await api.graphql<{ workflowRunLogs: { seq: number }[] }>(
      RUN_LOGS,
      { id: started.id, stage: 'b', afterSeq: 299 },
      dev,
    );
    expect(after.data?.workflowRunLogs.map((l) => l.seq)).toEqual([300, 301]);
    const dLogs = await api.graphql<{ workflowRunLogs: { line: string }[] }>(
      RUN_LOGS,
      { id: started.id, stage: 'd' },
      dev,
    );
    expect(dLogs.data?.workflowRunLogs.map((l) => l.line)).toEqual(['hi']);
  });

  it('numbers runs per workflow and records the run in the audit log', async () => {
    await createWorkflow('numbered', [sh('only', 'true')]);
    const first = await run('numbered');
    const second = await run('numbered');
    expect([first.number, second.number]).toEqual([1, 2]);
    await waitForRun(api, dev, second.id);
    const listed = await api.graphql<{ workflow: { runs: { number: number; stages: { name: string }[] }[] } }>(
      'query { workflow(tenant: "acme", project: "web", name: "numbered") { runs(first: 5) { number stages { name } } } }',
      {},
      viewer,
    );
    expect(listed.data?.workflow.runs).toEqual([
      { number: 2, stages: [{ name: 'only' }] },
      { number: 1, stages: [{ name: 'only' }] },
    ]);
    const audit = await db.auditEvent.findMany({ where: { action: 'workflowRun.create', objectName: 'numbered#2' } });
    expect(audit).toMatchObject([{ outcome: 'SUCCESS' }]);
  });

  it('a failing stage fails the run and skips its dependents', async () => {
    await createWorkflow('failing', [
      sh('build', 'echo broken >&2; exit 3'),
      sh('test', 'true', { dependsOn: ['build'] }),
      sh('ship', 'true', { dependsOn: ['test'] }),
    ]);
    const finished = await waitForRun(api, dev, (await run('failing')).id);
    expect(finished).toMatchObject({ phase: 'FAILED', message: 'stage "build" failed' });
    expect(stageOf(finished, 'build')).toMatchObject({ phase: 'FAILED', exitCode: 3, message: 'exited with code 3' });
    expect(stageOf(finished, 'test').phase).toBe('SKIPPED');
    expect(stageOf(finished, 'ship').phase).toBe('SKIPPED');
  });

  it('a trivial stage may fail without failing the run; its dependents still run', async () => {
    await createWorkflow('trivial', [
      sh('lint', 'exit 1', { trivial: true }),
      sh('build', 'true', { dependsOn: ['lint'] }),
    ]);
    const finished = await waitForRun(api, dev, (await run('trivial')).id);
    expect(finished.phase).toBe('SUCCEEDED');
    expect(stageOf(finished, 'lint')).toMatchObject({ phase: 'FAILED', exitCode: 1 });
    expect(stageOf(finished, 'build').phase).toBe('SUCCEEDED');
  });

  it('retries a failed stage with backoff; the second attempt succeeds', async () => {
    await createWorkflow('flaky', [
      sh(
        'flaky',
        'if [ -f "$CYCLONE_WORKSPACE/marker" ]; then echo second; else touch "$CYCLONE_WORKSPACE/marker"; echo first; exit 1; fi',
        {
          retries: 2,
        },
      ),
    ]);
    const started = await run('flaky');
    const finished = await waitForRun(api, dev, started.id);
    expect(finished.phase).toBe('SUCCEEDED');
    expect(stageOf(finished, 'flaky')).toMatchObject({ phase: 'SUCCEEDED', attempt: 2, exitCode: 0 });
    // Both attempts' lines are kept, numbered on from the first.
    const logs = await api.graphql<{ workflowRunLogs: { seq: number; line: string }[] }>(
      RUN_LOGS,
      { id: started.id, stage: 'flaky' },
      dev,
    );
    expect(logs.data?.workflowRunLogs).toEqual([
      expect.objectContaining({ seq: 1, line: 'first' }),
      expect.objectContaining({ seq: 2, line: 'second' }),
    ]);
  });

  it('stop kills a running process at once and cancels the run', async () => {
    await createWorkflow('sleepy', [
      sh('wait', 'touch "$CYCLONE_WORKSPACE/pid"; exec sleep 60'),
      sh('after', 'true', { dependsOn: ['wait'] }),
    ]);
    const started = await run('sleepy');
    const pidFile = join(dataDir, 'workspaces', started.id, 'pid');
    await waitForRun(api, dev, started.id, {
      until: (r) => stageOf(r, 'wait').phase === 'RUNNING' && existsSync(pidFile),
      what: 'stage wait to run and write its pid',
    });
    // Found by their CYCLONE_RUN_ID: a sandboxed stage's own pid means nothing outside its PID namespace.
    expect(stageProcesses(started.id).length).toBeGreaterThan(0);
    const stopped = await api.graphql(STOP_RUN, { id: started.id }, dev);
    expect(stopped.errors).toBeUndefined();
    const finished = await waitForRun(api, dev, started.id);
    expect(finished).toMatchObject({ phase: 'CANCELLED', message: 'stopped' });
    expect(stageOf(finished, 'wait').phase).toBe('CANCELLED');
    expect(stageOf(finished, 'after').phase).toBe('CANCELLED');
    expect(await survivorsOf(() => stageProcesses(started.id))).toEqual([]);
  });

  it('pause starts nothing new (WAITING) and resume continues', async () => {
    await createWorkflow('pausable', [
      sh('first', 'while [ ! -f "$CYCLONE_WORKSPACE/go" ]; do sleep 0.05; done'),
      sh('second', 'true', { dependsOn: ['first'] }),
    ]);
    const started = await run('pausable');
    await waitForRun(api, dev, started.id, {
      until: (r) => stageOf(r, 'first').phase === 'RUNNING',
      what: 'stage first to run',
    });
    const paused = await api.graphql<{ pauseWorkflowRun: RunView }>(PAUSE_RUN, { id: started.id }, dev);
    expect(paused.data?.pauseWorkflowRun.isPaused).toBe(true);
    await waitForRun(api, dev, started.id, { until: (r) => r.phase === 'WAITING', what: 'the paused run to wait' });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dataDir, 'workspaces', started.id, 'go'), '');
    const firstDone = await waitForRun(api, dev, started.id, {
      until: (r) => stageOf(r, 'first').phase === 'SUCCEEDED',
      what: 'stage first to succeed',
    });
    // Give the controller several passes: nothing may start while paused.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const still = await get(started.id);
    expect(firstDone.phase).toBe('WAITING');
    expect(still).toMatchObject({ phase: 'WAITING', isPaused: true });
    expect(stageOf(still, 'second').phase).toBe('PENDING');
    const resumed = await api.graphql(RESUME_RUN, { id: started.id }, dev);
    expect(resumed.errors).toBeUndefined();
    const finished = await waitForRun(api, dev, started.id);
    expect(finished.phase).toBe('SUCCEEDED');
    expect(stageOf(finished, 'second').phase).toBe('SUCCEEDED');
  });

  it('a run past its timeout is failed and its stage killed', async () => {
    await createWorkflow('slow', [sh('slow', 'exec sleep 60')]);
    const started = await run('slow', { timeout: '1s' });
    expect(started).toMatchObject({ phase: 'PENDING' });
    const finished = await waitForRun(api, dev, started.id);
    expect(finished).toMatchObject({ phase: 'FAILED', message: 'the run timed out' });
    expect(stageOf(finished, 'slow')).toMatchObject({ phase: 'FAILED', message: 'killed: the run timed out' });
    expect(await survivorsOf(() => stageProcesses(started.id))).toEqual([]);
  });

  it('a stage past its own timeout fails its attempt', async () => {
    await createWorkflow('stage-timeout', [sh('slow', 'exec sleep 60', { timeout: '1s' })]);
    const finished = await waitForRun(api, dev, (await run('stage-timeout')).id);
    expect(finished.phase).toBe('FAILED');
    expect(stageOf(finished, 'slow').message).toContain('timed out');
  });

  it('a stage that cannot start fails with a message', async () => {
    await createWorkflow('missing', [{ name: 'x', image: 'alpine', command: ['/no/such/program'] }]);
    const finished = await waitForRun(api, dev, (await run('missing')).id);
    expect(finished.phase).toBe('FAILED');
    expect(stageOf(finished, 'x').message).toContain('could not start');
  });

  it('subscriptions replay stored lines and follow live ones, then complete with the run', async () => {
    await createWorkflow('streamed', [sh('s', 'for i in 1 2 3 4 5; do echo "l$i"; sleep 0.2; done')]);
    const started = await run('streamed');
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${viewer}` },
      retryAttempts: 0,
    });
    const collect = (query: string, variables: Record<string, unknown>) =>
      new Promise<unknown[]>((resolve, reject) => {
        const results: unknown[] = [];
        client.subscribe(
          { query, variables },
          { next: (value) => results.push(value), error: reject, complete: () => resolve(results) },
        );
      });
    const LIVE =
      'subscription($id: ID!, $after: Int) { workflowRunLogs(id: $id, stage: "s", afterSeq: $after) { seq line stage } }';
    const UPDATED = 'subscription($id: ID!) { workflowRunUpdated(id: $id) { phase stages { name phase } } }';
    const [live, updates] = await Promise.all([
      collect(LIVE, { id: started.id }),
      collect(UPDATED, { id: started.id }),
    ]);
    const lines = (live as { data: { workflowRunLogs: { seq: number; line: string } } }[]).map(
      (r) => r.data.workflowRunLogs,
    );
    expect(lines).toEqual([1, 2, 3, 4, 5].map((i) => ({ seq: i, line: `l${i}`, stage: 's' })));
    const phases = (updates as { data: { workflowRunUpdated: { phase: string } } }[]).map(
      (r) => r.data.workflowRunUpdated.phase,
    );
    expect(phases.at(-1)).toBe('SUCCEEDED');
    expect(phases).toContain('RUNNING');
    const replay = await collect(LIVE, { id: started.id, after: 3 });
    expect(replay.map((r) => (r as { data: { workflowRunLogs: { seq: number } } }).data.workflowRunLogs.seq)).toEqual([
      4, 5,
    ]);
    await client.dispose();

    const foreign = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${outsider}` },
      retryAttempts: 0,
    });
    const denied = await new Promise<unknown>((resolve) => {
      foreign.subscribe(
        { query: UPDATED, variables: { id: started.id } },
        { next: resolve, error: resolve, complete: () => resolve('complete') },
      );
    });
    expect(JSON.stringify(denied)).toContain('NOT_FOUND');
    await foreign.dispose();
  });

  it('rejects a bad timeout naming the field', async () => {
    const result: Result = await api.graphql(
      RUN_WORKFLOW,
      {
        input: { tenant: 'acme', project: 'web', workflow: 'numbered', timeout: 'soon' },
      },
      dev,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.timeout' });
  });

  it('only DEVELOPERs and up run and steer; other tenants see NOT_FOUND', async () => {
    const denied: Result = await api.graphql(
      RUN_WORKFLOW,
      { input: { tenant: 'acme', project: 'web', workflow: 'numbered' } },
      viewer,
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const mine = await run('numbered');
    const viewerStop: Result = await api.graphql(STOP_RUN, { id: mine.id }, viewer);
    expect(viewerStop.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await get(mine.id, viewer)).id).toBe(mine.id);

    for (const op of [STOP_RUN, PAUSE_RUN, RESUME_RUN]) {
      const foreign: Result = await api.graphql(op, { id: mine.id }, outsider);
      expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const read: Result = await api.graphql(WORKFLOW_RUN, { id: mine.id }, outsider);
    expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const logs: Result = await api.graphql(RUN_LOGS, { id: mine.id, stage: 'only' }, outsider);
    expect(logs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      const unknown: Result = await api.graphql(WORKFLOW_RUN, { id }, dev);
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const foreignRun: Result = await api.graphql(
      RUN_WORKFLOW,
      { input: { tenant: 'acme', project: 'web', workflow: 'numbered' } },
      outsider,
    );
    expect(foreignRun.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await waitForRun(api, dev, mine.id);
  });
});
