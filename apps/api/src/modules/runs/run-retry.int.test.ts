import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import {
  CREATE_WORKFLOW,
  logLines,
  RETRY_RUN,
  type RunView,
  runWorkflow,
  runWorkflowAndWait,
  STOP_RUN,
  stageOf,
  waitForRun,
} from '../../testing/run-helpers.js';
import { type RunsApi, startRunsApi } from '../../testing/runs-api.js';
import type { TestApi } from '../../testing/test-api.js';
import { workspaceGates } from '../../testing/workspace-gates.js';

type Errors = { message: string; extensions?: { code?: string; field?: string } }[] | undefined;

describe('retryWorkflowRun', () => {
  let runs: RunsApi;
  let api: TestApi;
  let dev: string;
  let viewer: string;
  let outsider: string;
  let db: Db;
  let dataDir: string;
  let gates: ReturnType<typeof workspaceGates>;

  beforeAll(async () => {
    runs = await startRunsApi('retry');
    ({ api, dev, viewer, outsider, dataDir } = runs);
    gates = workspaceGates(dataDir);
    db = createPrismaClient(api.databaseUrl);
    // a → b, c → d; every stage counts its executions in its run's workspace, in a file
    // named for the run (a retry's workspace starts as a copy of its original's); c fails
    // until gate "fixed" opens.
    const count = (name: string) => `echo x >> "$CYCLONE_WORKSPACE/${name}.$CYCLONE_RUN_ID.count"`;
    const stage = (name: string, script: string, dependsOn: string[] = []) => ({
      name,
      image: 'alpine',
      command: ['sh', '-c'],
      args: [`${count(name)}; ${script}`],
      dependsOn,
    });
    const result = await api.graphql(
      CREATE_WORKFLOW,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          name: 'diamond',
          stages: [
            stage('a', 'echo "token:$(date +%s%N)" >> "$CYCLONE_RESULTS"'),
            stage('b', 'echo "msg:hello" >> "$CYCLONE_RESULTS"', ['a']),
            stage('c', gates.within('fixed', 1), ['a']),
            stage('d', 'echo "got:${stages.b.outputs.msg}" >> "$CYCLONE_RESULTS"', ['b', 'c']),
            {
              name: 'slow',
              image: 'alpine',
              command: ['sh', '-c', `${gates.within('slow', 1, 'exit 0')}; sleep 30`],
            },
          ],
        },
      },
      dev,
    );
    expect(result.errors).toBeUndefined();
  });

  afterAll(async () => {
    await db?.$disconnect();
    gates?.close();
    await runs?.stop();
  });

  /** Executions of a stage over all runs: each counts itself in its run's workspace. */
  const counts = (name: string) =>
    readdirSync(join(dataDir, 'workspaces'))
      .map((run) => join(dataDir, 'workspaces', run, `${name}.${run}.count`))
      .filter((file) => existsSync(file))
      .reduce((sum, file) => sum + readFileSync(file, 'utf8').length / 2, 0);

  async function retry(id: string, from?: string | null, token = dev) {
    return api.graphql<{ retryWorkflowRun: RunView }>(RETRY_RUN, { id, fromStage: from }, token);
  }

  it('reuses succeeded stages (outputs and times), runs the rest and records the origin', async () => {
    const first = await runWorkflowAndWait(
      api,
      dev,
      { tenant: 'acme', project: 'web', workflow: 'diamond', parameters: [{ name: 'x', value: '1' }], timeout: '10m' },
      { timeoutMs: 30_000 },
    );
    expect(first.phase).toBe('FAILED');
    expect(first.stages.map((s) => [s.name, s.phase])).toEqual([
      ['a', 'SUCCEEDED'],
      ['b', 'SUCCEEDED'],
      ['c', 'FAILED'],
      ['d', 'SKIPPED'],
      ['slow', 'SUCCEEDED'],
    ]);

    gates.open('fixed');
    const retried = await retry(first.id);
    expect(retried.errors).toBeUndefined();
    const created = retried.data?.retryWorkflowRun as RunView;
    expect(created).toMatchObject({ number: 2, retryOf: { id: first.id, number: 1 } });
    const second = await waitForRun(api, dev, created.id, { timeoutMs: 30_000 });
    expect(second.phase).toBe('SUCCEEDED');
    for (const name of ['a', 'b', 'slow']) {
      const [before, after] = [stageOf(first, name), stageOf(second, name)];
      expect(after).toMatchObject({
        phase: 'SUCCEEDED',
        message: 'reused from run #1',
        outputs: before.outputs,
        startedAt: before.startedAt,
        finishedAt: before.finishedAt,
      });
    }
    expect(stageOf(second, 'd').outputs).toEqual([{ key: 'got', value: 'hello' }]);
    expect([counts('a'), counts('b'), counts('c'), counts('d')]).toEqual([1, 1, 2, 1]);

    const rows = await db.workflowRun.findMany({ where: { id: { in: [first.id, created.id] } } });
    const [origin, copy] = [rows.find((r) => r.id === first.id), rows.find((r) => r.id === created.id)];
    expect(copy).toMatchObject({
      retryOfId: first.id,
      versionId: origin?.versionId,
      parameters: origin?.parameters,
      timeoutSeconds: 600,
    });
    const audit = await db.auditEvent.findMany({ where: { action: 'workflowRun.retry', objectName: 'diamond#2' } });
    expect(audit).toMatchObject([{ outcome: 'SUCCESS' }]);

    // From b: b and d run again; a, c and slow (not downstream of b) are reused from run #2.
    const fromB = (await retry(created.id, 'b')).data?.retryWorkflowRun as RunView;
    const third = await waitForRun(api, dev, fromB.id, { timeoutMs: 30_000 });
    expect(third.phase).toBe('SUCCEEDED');
    expect(third.retryOf).toEqual({ id: created.id, number: 2 });
    expect(stageOf(third, 'a').outputs).toEqual(stageOf(first, 'a').outputs);
    expect(stageOf(third, 'c').message).toBe('reused from run #2');
    expect(stageOf(third, 'b').message).toBe('');
    expect([counts('a'), counts('b'), counts('c'), counts('d')]).toEqual([1, 2, 2, 2]);
    // Its workspace started as run #2's: what the reused stages wrote there is at hand.
    const inherited = join(dataDir, 'workspaces', fromB.id, `a.${first.id}.count`);
    expect(readFileSync(inherited, 'utf8')).toBe('x\n');
    expect(await logLines(api, dev, fromB.id, 'b')).toContain('[cyclone] the workspace starts as the one run #2 left');
  });

  it('refuses an unknown fromStage naming the field, and an active run with CONFLICT, writing nothing', async () => {
    const last = await db.workflowRun.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const unknown = await retry(last.id, 'nope');
    expect((unknown.errors as Errors)?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fromStage' });
    expect((unknown.errors as Errors)?.[0]?.message).toContain('no stage "nope"');

    gates.open('slow');
    const { id: activeId } = await runWorkflow(api, dev, { tenant: 'acme', project: 'web', workflow: 'diamond' });
    const before = await db.workflowRun.count();
    const refused = await retry(activeId);
    expect((refused.errors as Errors)?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await db.workflowRun.count()).toBe(before);
    const failures = await db.auditEvent.findMany({ where: { action: 'workflowRun.retry', outcome: 'FAILURE' } });
    expect(failures.length).toBe(2);
    await api.graphql(STOP_RUN, { id: activeId }, dev);
    gates.shut('slow');
    expect((await waitForRun(api, dev, activeId, { timeoutMs: 30_000 })).phase).toBe('CANCELLED');
  });

  it('needs DEVELOPER; other tenants get NOT_FOUND', async () => {
    const last = await db.workflowRun.findFirstOrThrow({ where: { phase: 'SUCCEEDED' } });
    expect(((await retry(last.id, null, viewer)).errors as Errors)?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(((await retry(last.id, null, outsider)).errors as Errors)?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
