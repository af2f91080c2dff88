// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_WORKFLOW, createWorkflow, logLines, runWorkflowAndWait, sh, stageOf } from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

type Refusal = { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };

/** Stage conditions (`when`) through the real API, run by real processes on the local executor. */
describe('stage conditions', () => {
  let api: TestApi;
  let dev: string;
  let dataDir: string;
  const scope = { tenant: 'acme', project: 'web' };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-when-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("over an upstream stage's output: true runs the stage, false skips it and what only depends on it", async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'gated',
      stages: [
        sh('build', 'echo "ship:$SHIP" >> "$CYCLONE_RESULTS"', { env: [{ name: 'SHIP', value: '${variables.SHIP}' }] }),
        sh('deploy', 'echo deployed', { dependsOn: ['build'], when: "stages['build'].outputs['ship'] == 'yes'" }),
        sh('announce', 'echo announced', { dependsOn: ['deploy'] }),
        sh('audit', 'echo audited', { dependsOn: ['build', 'deploy'] }),
      ],
    });
    const yes = await runWorkflowAndWait(api, dev, {
      ...scope,
      workflow: 'gated',
      parameters: [{ name: 'variables.SHIP', value: 'yes' }],
    });
    expect(yes.phase).toBe('SUCCEEDED');
    expect(yes.stages.map((s) => [s.name, s.phase])).toEqual([
      ['build', 'SUCCEEDED'],
      ['deploy', 'SUCCEEDED'],
      ['announce', 'SUCCEEDED'],
      ['audit', 'SUCCEEDED'],
    ]);
    expect(await logLines(api, dev, yes.id, 'deploy')).toEqual(['deployed']);

    const no = await runWorkflowAndWait(api, dev, {
      ...scope,
      workflow: 'gated',
      parameters: [{ name: 'variables.SHIP', value: 'no' }],
    });
    expect(no.phase).toBe('SUCCEEDED');
    expect(stageOf(no, 'deploy')).toMatchObject({
      phase: 'SKIPPED',
      attempt: 0,
      message: "skipped: when stages['build'].outputs['ship'] == 'yes' is false",
    });
    expect(stageOf(no, 'announce')).toMatchObject({
      phase: 'SKIPPED',
      message: 'skipped: every upstream stage was skipped',
    });
    // One upstream stage succeeded: it runs.
    expect(stageOf(no, 'audit').phase).toBe('SUCCEEDED');
    expect(await logLines(api, dev, no.id, 'deploy')).toEqual([]);
  });

  it('over the trigger and the variables', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'by-trigger',
      globalVariables: [{ name: 'ENV', value: 'prod' }],
      stages: [
        sh('manual-prod', 'echo yes', { when: "trigger.type == 'MANUAL' && variables['ENV'] == 'prod'" }),
        sh('main-only', 'echo main', { when: "trigger.branch == 'main'" }),
        sh('staging-only', 'echo staging', { when: "variables.ENV == 'staging'" }),
      ],
    });
    const onMain = await runWorkflowAndWait(api, dev, {
      ...scope,
      workflow: 'by-trigger',
      parameters: [{ name: 'SCM_BRANCH', value: 'main' }],
    });
    expect(onMain.phase).toBe('SUCCEEDED');
    expect(onMain.stages.map((s) => [s.name, s.phase])).toEqual([
      ['manual-prod', 'SUCCEEDED'],
      ['main-only', 'SUCCEEDED'],
      ['staging-only', 'SKIPPED'],
    ]);
    const onStaging = await runWorkflowAndWait(api, dev, {
      ...scope,
      workflow: 'by-trigger',
      parameters: [{ name: 'variables.ENV', value: 'staging' }],
    });
    expect(onStaging.stages.map((s) => [s.name, s.phase])).toEqual([
      ['manual-prod', 'SKIPPED'],
      ['main-only', 'SKIPPED'],
      ['staging-only', 'SUCCEEDED'],
    ]);
    expect(stageOf(onStaging, 'main-only').message).toBe("skipped: when trigger.branch == 'main' is false");
  });

  it('a bad expression is refused at save with BAD_USER_INPUT naming the stage, and nothing is written', async () => {
    for (const [when, problem] of [
      ["stages['build'].outputs[", /Unexpected/],
      ["variables['ENV']", /must give a bool, not string/],
      ['secrets.token == "x"', /secrets/],
    ] as const) {
      const result: Refusal = await api.graphql(
        CREATE_WORKFLOW,
        { input: { ...scope, name: 'broken', stages: [sh('build', 'true'), sh('deploy', 'true', { when })] } },
        dev,
      );
      expect(result.errors?.[0]?.extensions?.code, when).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.field).toBe('input.stages[1].when');
      expect(result.errors?.[0]?.message).toContain('stage "deploy": when is not a valid condition: ');
      expect(result.errors?.[0]?.message).toMatch(problem);
    }
    const found = await api.graphql<{ workflow: unknown }>(
      'query { workflow(tenant: "acme", project: "web", name: "broken") { name } }',
      {},
      dev,
    );
    expect(found.data?.workflow ?? null).toBeNull();
  });

  it('a bad expression in an applied Workflow document names its field', async () => {
    const yaml = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: one}
spec: {pod: {spec: {containers: [{image: alpine, command: ["true"]}]}}}
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: applied}
spec:
  stages:
  - name: one
    when: "1 +"
`;
    const result: Refusal = await api.graphql(
      'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action } }',
      { input: { ...scope, yaml } },
      dev,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(
      /^documents\[1\]\.spec\.stages\[0\]\.when: stage "one": when is not a valid condition: /,
    );
  });

  it('an evaluation error at run time fails the stage with the message, and the run', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'missing-key',
      stages: [
        sh('check', 'echo never', { when: "variables['NOT_SET'] == 'x'", retries: 2 }),
        sh('after', 'echo never', { dependsOn: ['check'] }),
      ],
    });
    const run = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'missing-key' });
    expect(run).toMatchObject({ phase: 'FAILED', message: 'stage "check" failed' });
    expect(stageOf(run, 'check')).toMatchObject({
      phase: 'FAILED',
      attempt: 3,
      exitCode: null,
      message: 'condition could not be evaluated: No such key: NOT_SET',
    });
    expect(stageOf(run, 'check').finishedAt).not.toBeNull();
    expect(stageOf(run, 'after').phase).toBe('SKIPPED');
    expect(await logLines(api, dev, run.id, 'check')).toEqual([]);
  });

  it('the workflow returns its conditions', async () => {
    const { data } = await api.graphql<{
      workflow: { stages: { name: string; when: string | null; finally: boolean }[] };
    }>('query { workflow(tenant: "acme", project: "web", name: "gated") { stages { name when finally } } }', {}, dev);
    expect(data?.workflow.stages).toEqual([
      { name: 'build', when: null, finally: false },
      { name: 'deploy', when: "stages['build'].outputs['ship'] == 'yes'", finally: false },
      { name: 'announce', when: null, finally: false },
      { name: 'audit', when: null, finally: false },
    ]);
  });
});
