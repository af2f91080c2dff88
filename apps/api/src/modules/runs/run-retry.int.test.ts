import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { workspaceGates } from '../../testing/workspace-gates.js';

const RUN_FIELDS =
  'id number phase message retryOf { id number } stages { name phase attempt message startedAt finishedAt outputs { key value } }';
const RUN = `mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { ${RUN_FIELDS} } }`;
const RETRY = `mutation($id: ID!, $from: String) { retryWorkflowRun(id: $id, fromStage: $from) { ${RUN_FIELDS} } }`;
const GET = `query($id: ID!) { workflowRun(id: $id) { ${RUN_FIELDS} } }`;

interface StageView {
  name: string;
  phase: string;
  attempt: number;
  message: string;
  startedAt: string | null;
  finishedAt: string | null;
  outputs: { key: string; value: string }[];
}
interface RunView {
  id: string;
  number: number;
  phase: string;
  retryOf: { id: string; number: number } | null;
  stages: StageView[];
}
type Errors = { message: string; extensions?: { code?: string; field?: string } }[] | undefined;

describe('retryWorkflowRun', () => {
  let api: TestApi;
  let dev: string;
  let viewer: string;
  let outsider: string;
  let db: Db;
  let dataDir: string;
  let gates: ReturnType<typeof workspaceGates>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-retry-'));
    gates = workspaceGates(dataDir);
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    const roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    dev = roles.DEVELOPER;
    viewer = roles.VIEWER;
    outsider = (await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] })).OWNER;
    db = createPrismaClient(api.databaseUrl);
    // a → b, c → d; every stage counts its executions in its run's workspace; c fails until gate "fixed" opens.
    const count = (name: string) => `echo x >> "$CYCLONE_WORKSPACE/${name}.count"`;
    const stage = (name: string, script: string, dependsOn: string[] = []) => ({
      name,
      image: 'alpine',
      command: ['sh', '-c'],
      args: [`${count(name)}; ${script}`],
      dependsOn,
    });
    const result = await api.graphql(
      'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }',
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
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    gates?.close();
  });

  async function waitForEnd(id: string): Promise<RunView> {
    const until = Date.now() + 30_000;
    for (;;) {
      const result = await api.graphql<{ workflowRun: RunView }>(GET, { id }, dev);
      const run = result.data?.workflowRun as RunView;
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.phase)) return run;
      if (Date.now() > until) throw new Error(`run did not end: ${JSON.stringify(run)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const stageOf = (run: RunView, name: string) => run.stages.find((s) => s.name === name) as StageView;
  /** Executions of a stage over all runs: each counts itself in its run's workspace. */
  const counts = (name: string) =>
    readdirSync(join(dataDir, 'workspaces'))
      .map((run) => join(dataDir, 'workspaces', run, `${name}.count`))
      .filter((file) => existsSync(file))
      .reduce((sum, file) => sum + readFileSync(file, 'utf8').length / 2, 0);

  async function retry(id: string, from?: string | null, token = dev) {
    return api.graphql<{ retryWorkflowRun: RunView }>(RETRY, { id, from }, token);
  }

  it('reuses succeeded stages (outputs and times), runs the rest and records the origin', async () => {
    const started = await api.graphql<{ runWorkflow: RunView }>(
      RUN,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'diamond',
          parameters: [{ name: 'x', value: '1' }],
          timeout: '10m',
        },
      },
      dev,
    );
    const first = await waitForEnd(started.data?.runWorkflow.id as string);
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
    const second = await waitForEnd(created.id);
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
    const third = await waitForEnd(fromB.id);
    expect(third.phase).toBe('SUCCEEDED');
    expect(third.retryOf).toEqual({ id: created.id, number: 2 });
    expect(stageOf(third, 'a').outputs).toEqual(stageOf(first, 'a').outputs);
    expect(stageOf(third, 'c').message).toBe('reused from run #2');
    expect(stageOf(third, 'b').message).toBe('');
    expect([counts('a'), counts('b'), counts('c'), counts('d')]).toEqual([1, 2, 2, 2]);
  });

  it('refuses an unknown fromStage naming the field, and an active run with CONFLICT, writing nothing', async () => {
    const last = await db.workflowRun.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const unknown = await retry(last.id, 'nope');
    expect((unknown.errors as Errors)?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fromStage' });
    expect((unknown.errors as Errors)?.[0]?.message).toContain('no stage "nope"');

    gates.open('slow');
    const active = await api.graphql<{ runWorkflow: RunView }>(
      RUN,
      { input: { tenant: 'acme', project: 'web', workflow: 'diamond' } },
      dev,
    );
    const activeId = active.data?.runWorkflow.id as string;
    const before = await db.workflowRun.count();
    const refused = await retry(activeId);
    expect((refused.errors as Errors)?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await db.workflowRun.count()).toBe(before);
    const failures = await db.auditEvent.findMany({ where: { action: 'workflowRun.retry', outcome: 'FAILURE' } });
    expect(failures.length).toBe(2);
    await api.graphql('mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }', { id: activeId }, dev);
    gates.shut('slow');
    expect((await waitForEnd(activeId)).phase).toBe('CANCELLED');
  });

  it('needs DEVELOPER; other tenants get NOT_FOUND', async () => {
    const last = await db.workflowRun.findFirstOrThrow({ where: { phase: 'SUCCEEDED' } });
    expect(((await retry(last.id, null, viewer)).errors as Errors)?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(((await retry(last.id, null, outsider)).errors as Errors)?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
