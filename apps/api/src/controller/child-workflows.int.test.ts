// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkflow,
  logLines,
  must,
  type RunView,
  runWorkflow,
  STOP_RUN,
  sh,
  stageOf,
  waitForRun,
} from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

const FAMILY = `query($id: ID!) { workflowRun(id: $id) {
  id phase parent { stage attempt run { id } }
  stages { name phase message outputs { key value } childRun { id number phase workflow { name } } }
} }`;
type Family = {
  id: string;
  phase: string;
  parent: { stage: string; attempt: number; run: { id: string } } | null;
  stages: {
    name: string;
    phase: string;
    message: string;
    outputs: { key: string; value: string }[];
    childRun: { id: string; number: number; phase: string; workflow: { name: string } } | null;
  }[];
};
type Refusal = { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };

/** Child workflows through the real API, every run's stages real processes on the local executor. */
describe('child workflows', () => {
  let api: TestApi;
  let dev: string;
  let dataDir: string;
  const scope = { tenant: 'acme', project: 'web' };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-children-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    // The library workflow a parent runs: it takes TARGET and reports what it deployed.
    await createWorkflow(api, dev, {
      ...scope,
      name: 'deploy-lib',
      stages: [
        sh('check', 'echo "checked:yes" >> "$CYCLONE_RESULTS"'),
        sh('deploy', 'echo "deploying to $TARGET"; echo "deployed:$TARGET" >> "$CYCLONE_RESULTS"; exit "$CODE"', {
          dependsOn: ['check'],
          env: [
            { name: 'TARGET', value: '${variables.TARGET}' },
            { name: 'CODE', value: '${variables.CODE}' },
          ],
        }),
      ],
      globalVariables: [
        { name: 'TARGET', value: 'nowhere' },
        { name: 'CODE', value: '0' },
      ],
    });
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const family = async (id: string) => (await must<{ workflowRun: Family }>(api, dev, FAMILY, { id })).workflowRun;
  const parentWorkflow = (name: string, code: string, extra: Record<string, unknown> = {}) =>
    createWorkflow(api, dev, {
      ...scope,
      name,
      stages: [
        sh('build', 'echo "region:eu-west" >> "$CYCLONE_RESULTS"'),
        {
          name: 'release',
          dependsOn: ['build'],
          workflow: {
            name: 'deploy-lib',
            parameters: [
              { name: 'variables.TARGET', value: '${stages.build.outputs.region}' },
              { name: 'variables.CODE', value: code },
            ],
          },
          ...extra,
        },
        sh('announce', 'echo "released to ${stages.release.outputs.deployed}"', { dependsOn: ['release'] }),
      ],
    });

  it('runs another workflow as a stage, with parameters from upstream outputs, and takes its outputs', async () => {
    await parentWorkflow('ship', '0');
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'ship' });
    const parent = await waitForRun(api, dev, started.id);
    expect(parent).toMatchObject({ phase: 'SUCCEEDED' });
    const view = await family(started.id);
    const release = view.stages.find((stage) => stage.name === 'release');
    expect(release).toMatchObject({
      phase: 'SUCCEEDED',
      message: 'child run #1 SUCCEEDED',
      outputs: [
        { key: 'checked', value: 'yes' },
        { key: 'deployed', value: 'eu-west' },
      ],
      childRun: { number: 1, phase: 'SUCCEEDED', workflow: { name: 'deploy-lib' } },
    });
    const child = await family(release?.childRun?.id as string);
    expect(child.parent).toEqual({ stage: 'release', attempt: 1, run: { id: started.id } });
    expect(await logLines(api, dev, child.id, 'deploy')).toEqual(['deploying to eu-west']);
    expect(await logLines(api, dev, started.id, 'announce')).toEqual(['released to eu-west']);
  });

  it("fails with its child's failure, and a retry of the stage starts a new child run", async () => {
    await parentWorkflow('ship-broken', '3', { retries: 1 });
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'ship-broken' });
    const parent: RunView = await waitForRun(api, dev, started.id, { timeoutMs: 60_000 });
    expect(parent).toMatchObject({ phase: 'FAILED', message: 'stage "release" failed' });
    expect(stageOf(parent, 'release')).toMatchObject({ phase: 'FAILED', attempt: 2 });
    expect(stageOf(parent, 'release').message).toMatch(/^child run #\d+ FAILED: stage "deploy" failed$/);
    expect(stageOf(parent, 'announce').phase).toBe('SKIPPED');
    const children = await must<{ workflow: { runs: { phase: string; parent: { stage: string } | null }[] } }>(
      api,
      dev,
      'query { workflow(tenant: "acme", project: "web", name: "deploy-lib") { runs(first: 50) { phase parent { stage } } } }',
    );
    // One child run per attempt, both failed.
    expect(children.workflow.runs.filter((run) => run.phase === 'FAILED')).toHaveLength(2);
  });

  it('a stop of the parent stops the child run, and the parent ends CANCELLED', async () => {
    await createWorkflow(api, dev, { ...scope, name: 'slow-lib', stages: [sh('wait', 'exec sleep 60')] });
    await createWorkflow(api, dev, {
      ...scope,
      name: 'ship-slow',
      stages: [{ name: 'release', workflow: { name: 'slow-lib' } }],
    });
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'ship-slow' });
    const running = await waitFor(started.id, (view) => view.stages[0]?.childRun?.phase === 'RUNNING');
    const childId = running.stages[0]?.childRun?.id as string;
    await waitForRun(api, dev, childId, {
      until: (run) => stageOf(run, 'wait').phase === 'RUNNING',
      what: 'the child stage to run',
    });
    await must(api, dev, STOP_RUN, { id: started.id });
    expect(await waitForRun(api, dev, started.id)).toMatchObject({ phase: 'CANCELLED' });
    expect(await waitForRun(api, dev, childId)).toMatchObject({ phase: 'CANCELLED' });
  });

  it('refuses a cycle at save, naming the stage, directly or through another workflow', async () => {
    const create = (name: string, child: string) =>
      api.graphql(
        'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }',
        { input: { ...scope, name, stages: [{ name: 'call', workflow: { name: child } }] } },
        dev,
      ) as Promise<Refusal>;
    const self = await create('loop', 'loop');
    expect(self.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.stages[0].workflow.name',
    });
    expect(self.errors?.[0]?.message).toContain('workflow "loop" cannot run itself');
    expect((await create('ping', 'pong')).errors).toBeUndefined();
    const pong = await create('pong', 'ping');
    expect(pong.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.stages[0].workflow.name',
    });
    expect(pong.errors?.[0]?.message).toContain('child workflows would run in a cycle: pong → ping → pong');
    const imaged = (await api.graphql(
      'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }',
      {
        input: {
          ...scope,
          name: 'both',
          stages: [{ name: 'call', image: 'alpine', workflow: { name: 'deploy-lib' } }],
        },
      },
      dev,
    )) as Refusal;
    expect(imaged.errors?.[0]?.message).toContain('a child-workflow stage runs no container: it takes no image');
  });

  it('fails the stage when the workflow it names does not exist', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'orphan',
      stages: [{ name: 'call', workflow: { name: 'nowhere' } }],
    });
    const run = await waitForRun(api, dev, (await runWorkflow(api, dev, { ...scope, workflow: 'orphan' })).id);
    expect(run).toMatchObject({ phase: 'FAILED' });
    expect(stageOf(run, 'call').message).toBe('workflow "nowhere" does not exist in this project');
  });

  const waitFor = async (id: string, until: (view: Family) => boolean) => {
    for (let i = 0; i < 200; i += 1) {
      const view = await family(id);
      if (until(view)) return view;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${id} did not get there`);
  };
});
