// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CREATE_WORKFLOW,
  createWorkflow,
  logLines,
  must,
  RETRY_RUN,
  runWorkflowAndWait,
  sh,
  stageOf,
  waitForRun,
} from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

type Refusal = { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
interface MatrixStage {
  name: string;
  phase: string;
  message: string;
  startedAt: string | null;
  finishedAt: string | null;
  matrixOf: string | null;
  matrix: { name: string; value: string }[];
}

const MATRIX_RUN = `query($id: ID!) { workflowRun(id: $id) {
  stages { name phase message startedAt finishedAt matrixOf matrix { name value } }
} }`;

/** Matrix fan-out through the real API, each combination a real process on the local executor. */
describe('matrix stages', () => {
  let api: TestApi;
  let dev: string;
  let dataDir: string;
  const scope = { tenant: 'acme', project: 'web' };
  const stagesOf = async (id: string) =>
    (await api.graphql<{ workflowRun: { stages: MatrixStage[] } }>(MATRIX_RUN, { id }, dev)).data?.workflowRun.stages ??
    [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-matrix-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs one stage run per combination with its values as ${matrix.NAME} and MATRIX_NAME; dependents wait for all', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'fan-out',
      stages: [
        sh('build', 'echo built'),
        sh('test', 'echo "os=${matrix.os} go=$MATRIX_GO_VERSION"', {
          dependsOn: ['build'],
          matrix: [
            { name: 'os', values: ['linux', 'darwin'] },
            { name: 'go-version', values: ['1.22', '1.23'] },
          ],
        }),
        sh('ship', 'echo shipped', { dependsOn: ['test'] }),
      ],
    });
    const run = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'fan-out' });
    expect(run.phase).toBe('SUCCEEDED');
    const stages = await stagesOf(run.id);
    expect(stages.map((s) => [s.name, s.phase, s.matrixOf])).toEqual([
      ['build', 'SUCCEEDED', null],
      ['test', 'SUCCEEDED', null],
      ['test.0', 'SUCCEEDED', 'test'],
      ['test.1', 'SUCCEEDED', 'test'],
      ['test.2', 'SUCCEEDED', 'test'],
      ['test.3', 'SUCCEEDED', 'test'],
      ['ship', 'SUCCEEDED', null],
    ]);
    expect(stageOf(run, 'test').message).toBe('4 of 4 combinations succeeded');
    expect(stages[4]?.matrix).toEqual([
      { name: 'os', value: 'darwin' },
      { name: 'go-version', value: '1.22' },
    ]);
    expect(await logLines(api, dev, run.id, 'test.0')).toEqual(['os=linux go=1.22']);
    expect(await logLines(api, dev, run.id, 'test.3')).toEqual(['os=darwin go=1.23']);
    // The dependent started only after every combination had finished.
    const lastCombination = Math.max(...stages.filter((s) => s.matrixOf).map((s) => Date.parse(s.finishedAt ?? '')));
    expect(Date.parse(stageOf(run, 'ship').startedAt ?? '')).toBeGreaterThanOrEqual(lastCombination);
  });

  it('maxParallel: 1 runs the combinations one after another', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'one-at-a-time',
      stages: [
        sh('test', 'sleep 0.3; echo ${matrix.n}', { matrix: [{ name: 'n', values: ['a', 'b', 'c'] }], maxParallel: 1 }),
      ],
    });
    const run = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'one-at-a-time' });
    expect(run.phase).toBe('SUCCEEDED');
    const combinations = (await stagesOf(run.id)).filter((s) => s.matrixOf === 'test');
    expect(combinations).toHaveLength(3);
    for (const [previous, next] of [
      [0, 1],
      [1, 2],
    ] as const) {
      const ended = Date.parse(combinations[previous]?.finishedAt ?? '');
      expect(Date.parse(combinations[next]?.startedAt ?? '')).toBeGreaterThanOrEqual(ended);
    }
  });

  it('matrixFrom fans out over a JSON list an upstream stage wrote, decided at run time', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'from-output',
      stages: [
        sh('list', `echo 'targets:[{"region":"eu"},{"region":"us"}]' >> "$CYCLONE_RESULTS"`),
        sh('deploy', 'echo "to $MATRIX_REGION"', {
          dependsOn: ['list'],
          matrixFrom: '${stages.list.outputs.targets}',
        }),
      ],
    });
    const run = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'from-output' });
    expect(run.phase).toBe('SUCCEEDED');
    const stages = await stagesOf(run.id);
    expect(stages.filter((s) => s.matrixOf).map((s) => s.matrix)).toEqual([
      [{ name: 'region', value: 'eu' }],
      [{ name: 'region', value: 'us' }],
    ]);
    expect(await logLines(api, dev, run.id, 'deploy.1')).toEqual(['to us']);
  });

  it('a failed combination fails the stage and the run; a trivial one lets the run go on', async () => {
    const fails = (trivial: boolean) =>
      sh('test', '[ "${matrix.n}" != bad ] || exit 3', {
        matrix: [{ name: 'n', values: ['good', 'bad'] }],
        trivial,
      });
    await createWorkflow(api, dev, {
      ...scope,
      name: 'one-fails',
      stages: [fails(false), sh('after', 'echo after', { dependsOn: ['test'] })],
    });
    const run = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'one-fails' });
    expect(run).toMatchObject({ phase: 'FAILED', message: 'stage "test" failed' });
    expect(stageOf(run, 'test')).toMatchObject({
      phase: 'FAILED',
      message: 'combination "test.1" (n=bad) failed',
    });
    expect(stageOf(run, 'test.1')).toMatchObject({ phase: 'FAILED', exitCode: 3 });
    expect(stageOf(run, 'after').phase).toBe('SKIPPED');

    await createWorkflow(api, dev, {
      ...scope,
      name: 'one-fails-trivially',
      stages: [fails(true), sh('after', 'echo after', { dependsOn: ['test'] })],
    });
    const trivial = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'one-fails-trivially' });
    expect(trivial.phase).toBe('SUCCEEDED');
    expect(stageOf(trivial, 'test').phase).toBe('FAILED');
    expect(stageOf(trivial, 'after').phase).toBe('SUCCEEDED');

    // Retried from the matrix stage, it fans out again; a combination is no stage to retry from.
    const retried = await must<{ retryWorkflowRun: { id: string } }>(api, dev, RETRY_RUN, {
      id: run.id,
      fromStage: 'test',
    });
    const again = await waitForRun(api, dev, retried.retryWorkflowRun.id);
    expect(again.stages.map((s) => [s.name, s.phase])).toEqual([
      ['test', 'FAILED'],
      ['test.0', 'SUCCEEDED'],
      ['test.1', 'FAILED'],
      ['after', 'SKIPPED'],
    ]);
    const refused: Refusal = await api.graphql(RETRY_RUN, { id: run.id, fromStage: 'test.1' }, dev);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('more than 256 combinations, and a matrixFrom off the graph, are refused at save naming the field', async () => {
    const many = Array.from({ length: 17 }, (_, i) => String(i));
    const cases = [
      [
        [
          sh('test', 'true', {
            matrix: [
              { name: 'a', values: many },
              { name: 'b', values: many },
            ],
          }),
        ],
        'input.stages[0].matrix',
        /makes 289 combinations; at most 256 are allowed/,
      ],
      [
        [sh('list', 'true'), sh('test', 'true', { matrixFrom: '${stages.list.outputs.k}' })],
        'input.stages[1].matrixFrom',
        /stage "list" must be in dependsOn/,
      ],
    ] as const;
    for (const [stages, field, message] of cases) {
      const result: Refusal = await api.graphql(CREATE_WORKFLOW, { input: { ...scope, name: 'too-big', stages } }, dev);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toMatch(message);
    }
  });
});
