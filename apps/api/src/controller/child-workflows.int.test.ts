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
import { waitFor } from '../testing/wait.js';
import { MAX_CHILD_DEPTH } from './child-runs.js';

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
    const running = await waitFor(() => family(started.id), {
      until: (view) => view.stages[0]?.childRun?.phase === 'RUNNING',
      what: 'the child run to run',
      timeoutMs: 25_000,
      intervalMs: 100,
    });
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

  it(`fails the stage that would nest a run deeper than ${MAX_CHILD_DEPTH} runs, and the failure climbs the chain`, async () => {
    // nest-1 → nest-2 → … → nest-10, no cycle: nest-i's stage "call" runs nest-(i+1), and
    // nest-10 runs a shell stage. The run of nest-1 has no run above it; the run of
    // nest-9 has MAX_CHILD_DEPTH = 8 above it, so its stage would start a run nested 9
    // deep and fails instead.
    expect(MAX_CHILD_DEPTH).toBe(8); // as docs/workflows.md promises
    const chain = Array.from({ length: MAX_CHILD_DEPTH + 2 }, (_, i) => `nest-${i + 1}`);
    await createWorkflow(api, dev, { ...scope, name: chain.at(-1) as string, stages: [sh('leaf', 'echo leaf')] });
    for (const [i, name] of chain.slice(0, -1).entries()) {
      await createWorkflow(api, dev, {
        ...scope,
        name,
        stages: [{ name: 'call', workflow: { name: chain[i + 1] } }],
      });
    }
    const top = await runWorkflow(api, dev, { ...scope, workflow: 'nest-1' });
    expect(await waitForRun(api, dev, top.id, { timeoutMs: 60_000 })).toMatchObject({
      phase: 'FAILED',
      message: 'stage "call" failed',
    });
    // Down the chain: every run up to nest-9's started its child, each ended FAILED.
    const views: Family[] = [await family(top.id)];
    for (let level = 1; level <= MAX_CHILD_DEPTH; level += 1) {
      const call = views[level - 1]?.stages[0];
      expect(call, `run of ${chain[level - 1]}`).toMatchObject({
        name: 'call',
        phase: 'FAILED',
        message: 'child run #1 FAILED: stage "call" failed',
        childRun: { number: 1, phase: 'FAILED', workflow: { name: chain[level] } },
      });
      const child = await family(call?.childRun?.id as string);
      expect(child.parent).toEqual({ stage: 'call', attempt: 1, run: { id: views[level - 1]?.id } });
      views.push(child);
    }
    expect(views).toHaveLength(MAX_CHILD_DEPTH + 1);
    expect(views[0]?.parent).toBeNull();
    // The run of nest-9, 8 runs below the top one: its stage refuses to nest one more.
    const deepest = views[MAX_CHILD_DEPTH] as Family;
    expect(deepest.stages).toEqual([
      {
        name: 'call',
        phase: 'FAILED',
        message: `child workflows nest deeper than ${MAX_CHILD_DEPTH} runs; is there a cycle through "nest-10"?`,
        outputs: [],
        childRun: null,
      },
    ]);
    const leaf = await must<{ workflow: { runs: unknown[] } }>(
      api,
      dev,
      'query { workflow(tenant: "acme", project: "web", name: "nest-10") { runs(first: 5) { id } } }',
    );
    expect(leaf.workflow.runs).toEqual([]);
  });
});
