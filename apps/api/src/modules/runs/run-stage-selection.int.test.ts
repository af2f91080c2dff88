import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkflow,
  logLines,
  must,
  RETRY_RUN,
  RUN_WORKFLOW,
  runWorkflowAndWait,
  sh,
  stageOf,
  waitForRun,
} from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

type Refusal = { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
const NOT_SELECTED = "skipped: not between the run's startStages and endStages";

/** Cyclone's WorkflowRun startStages / endStages: a run of part of a workflow, through GraphQL and YAML. */
describe('runs of part of a workflow', () => {
  let api: TestApi;
  let dev: string;
  let dataDir: string;
  const scope = { tenant: 'acme', project: 'web' };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-selection-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    await createWorkflow(api, dev, {
      ...scope,
      name: 'pipeline',
      stages: [
        sh('checkout', 'echo checkout'),
        sh('build', 'echo build', { dependsOn: ['checkout'] }),
        sh('test', 'echo test', { dependsOn: ['build'] }),
        sh('deploy', 'echo deploy', { dependsOn: ['test'] }),
        sh('cleanup', 'echo cleanup', { finally: true }),
      ],
    });
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const phases = (run: { stages: { name: string; phase: string }[] }) =>
    Object.fromEntries(run.stages.map((s) => [s.name, s.phase]));

  it('startStages and endStages run the stages between them; the others are skipped, finally stages run', async () => {
    const run = await runWorkflowAndWait(api, dev, {
      ...scope,
      workflow: 'pipeline',
      startStages: ['build'],
      endStages: ['test'],
    });
    expect(run.phase).toBe('SUCCEEDED');
    expect(phases(run)).toEqual({
      checkout: 'SKIPPED',
      build: 'SUCCEEDED',
      test: 'SUCCEEDED',
      deploy: 'SKIPPED',
      cleanup: 'SUCCEEDED',
    });
    expect(stageOf(run, 'checkout').message).toBe(NOT_SELECTED);
    expect(await logLines(api, dev, run.id, 'checkout')).toEqual([]);
    const { workflowRun } = await must<{ workflowRun: { startStages: string[]; endStages: string[] } }>(
      api,
      dev,
      'query($id: ID!) { workflowRun(id: $id) { startStages endStages } }',
      { id: run.id },
    );
    expect(workflowRun).toEqual({ startStages: ['build'], endStages: ['test'] });

    // A retry covers the same part.
    const retried = await must<{ retryWorkflowRun: { id: string } }>(api, dev, RETRY_RUN, { id: run.id });
    const again = await waitForRun(api, dev, retried.retryWorkflowRun.id);
    expect(phases(again)).toMatchObject({ checkout: 'SKIPPED', deploy: 'SKIPPED', test: 'SUCCEEDED' });
  });

  it('refuses a stage the workflow does not have, naming it, and creates no run', async () => {
    const result: Refusal = await api.graphql(
      RUN_WORKFLOW,
      { input: { ...scope, workflow: 'pipeline', startStages: ['build', 'nope'] } },
      dev,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.startStages[1]' });
    expect(result.errors?.[0]?.message).toContain('no stage "nope" in the workflow');
    const between: Refusal = await api.graphql(
      RUN_WORKFLOW,
      { input: { ...scope, workflow: 'pipeline', startStages: ['deploy'], endStages: ['checkout'] } },
      dev,
    );
    expect(between.errors?.[0]?.message).toContain('no stage lies between these startStages and endStages');
  });

  it("a WorkflowRun document's spec.startStages starts there", async () => {
    const yaml = [
      'apiVersion: cyclone.dev/v1alpha1',
      'kind: WorkflowRun',
      'metadata: {name: from-test}',
      'spec:',
      '  workflowRef: {name: pipeline}',
      '  startStages: [test]',
      '',
    ].join('\n');
    await must(api, dev, 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action } }', {
      input: { ...scope, yaml },
    });
    // The newest run of the workflow is the one the document started.
    const { workflow } = await must<{ workflow: { runs: { id: string }[] } }>(
      api,
      dev,
      'query { workflow(tenant: "acme", project: "web", name: "pipeline") { runs(first: 1) { id } } }',
    );
    const id = workflow.runs[0]?.id as string;
    const run = await waitForRun(api, dev, id);
    expect(phases(run)).toEqual({
      checkout: 'SKIPPED',
      build: 'SKIPPED',
      test: 'SUCCEEDED',
      deploy: 'SUCCEEDED',
      cleanup: 'SUCCEEDED',
    });
  });
});
