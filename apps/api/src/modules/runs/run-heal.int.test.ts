// Healing a failed run in place: retryWorkflowRun with overrides, through the real API
// and real processes. The overridden stage runs as given, upstream stages are reused,
// with what they left in the workspace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkflow,
  logLines,
  must,
  RUN_FIELDS,
  type RunView,
  runWorkflowAndWait,
  sh,
  stageOf,
  waitForRun,
} from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const HEAL = `mutation($id: ID!, $fromStage: String, $overrides: [StageInput!], $saveAsNewVersion: Boolean) {
  retryWorkflowRun(id: $id, fromStage: $fromStage, overrides: $overrides, saveAsNewVersion: $saveAsNewVersion) {
    ${RUN_FIELDS} overriddenStages workflowVersion
  }
}`;
const VERSIONS = `query { workflow(tenant: "acme", project: "web", name: "release") {
  version versions { version stages { name args } } } }`;

type Healed = RunView & { overriddenStages: string[]; workflowVersion: number };
type Errors = { message: string; extensions?: { code?: string; field?: string } }[] | undefined;

describe('healing a failed run in place', () => {
  let api: TestApi;
  let dev: string;
  let viewer: string;
  let dataDir: string;
  let failed: RunView;
  const stages = [
    sh('checkout', 'echo "rev:abc123" >> "$CYCLONE_RESULTS"; echo sources > checked-out.txt'),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference, filled in by the engine.
    sh('build', 'echo "building ${stages.checkout.outputs.rev}"; exit 2', { dependsOn: ['checkout'] }),
    sh('publish', 'echo published', { dependsOn: ['build'] }),
  ];
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference, filled in by the engine.
  const fixedBuild = {
    ...stages[1],
    args: ['echo "healed build of ${stages.checkout.outputs.rev} from $(cat checked-out.txt)"'],
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-heal-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    const roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    dev = roles.DEVELOPER;
    viewer = roles.VIEWER;
    await createWorkflow(api, dev, { tenant: 'acme', project: 'web', name: 'release', stages });
    failed = await runWorkflowAndWait(api, dev, { tenant: 'acme', project: 'web', workflow: 'release' });
    expect(failed.phase).toBe('FAILED');
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const heal = (variables: Record<string, unknown>, token = dev) =>
    api.graphql<{ retryWorkflowRun: Healed }>(HEAL, { id: failed.id, ...variables }, token);

  it('runs the overridden stage as given and what follows, reusing what came before', async () => {
    const started = await heal({ overrides: [fixedBuild] });
    expect(started.errors).toBeUndefined();
    const retry = started.data?.retryWorkflowRun as Healed;
    expect(retry.overriddenStages).toEqual(['build']);
    const done = await waitForRun(api, dev, retry.id);
    expect(done.phase).toBe('SUCCEEDED');
    expect(stageOf(done, 'checkout').message).toBe(`reused from run #${failed.number}`);
    // The reused checkout's files are in the retry's workspace, copied from the failed run's.
    expect(await logLines(api, dev, retry.id, 'build')).toEqual([
      `[cyclone] the workspace starts as the one run #${failed.number} left`,
      'healed build of abc123 from sources',
    ]);
    expect(await logLines(api, dev, retry.id, 'publish')).toEqual(['published']);

    // Kept beside the current version: the workflow itself is unchanged.
    const { workflow } = await must<{
      workflow: { version: number; versions: { version: number; stages: { name: string; args: string[] }[] }[] };
    }>(api, viewer, VERSIONS);
    expect(workflow.version).toBe(1);
    expect(retry.workflowVersion).toBe(2);
    expect(workflow.versions.find((v) => v.version === 2)?.stages[1]?.args).toEqual(fixedBuild.args);
  });

  it('saves the healed workflow as the new current version when asked', async () => {
    const started = await heal({ overrides: [fixedBuild], saveAsNewVersion: true });
    expect(started.errors).toBeUndefined();
    const retry = started.data?.retryWorkflowRun as Healed;
    expect(retry.workflowVersion).toBe(3);
    expect((await waitForRun(api, dev, retry.id)).phase).toBe('SUCCEEDED');
    const { workflow } = await must<{ workflow: { version: number } }>(api, viewer, VERSIONS);
    expect(workflow.version).toBe(3);
  });

  it('refuses an unknown stage, a cycle and a bad stage with the field named, and writes nothing', async () => {
    const before = (await must<{ workflow: { versions: unknown[] } }>(api, viewer, VERSIONS)).workflow.versions.length;
    const cases: [unknown[], string][] = [
      [[{ ...fixedBuild, name: 'deploy' }], 'overrides[0].name'],
      [[fixedBuild, fixedBuild], 'overrides[1].name'],
      [[{ ...stages[0], dependsOn: ['publish'] }], 'overrides'],
      [[{ ...fixedBuild, image: '' }], 'overrides'],
    ];
    for (const [overrides, field] of cases) {
      const refused = await heal({ overrides });
      const errors = refused.errors as Errors;
      expect(errors?.[0]?.extensions?.code, JSON.stringify(overrides)).toBe('BAD_USER_INPUT');
      expect(errors?.[0]?.extensions?.field ?? '').toContain(field);
    }
    const after = (await must<{ workflow: { versions: unknown[] } }>(api, viewer, VERSIONS)).workflow.versions.length;
    expect(after).toBe(before);
  });

  it('needs DEVELOPER', async () => {
    const refused = await heal({ overrides: [fixedBuild] }, viewer);
    expect((refused.errors as Errors)?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a retry of a run whose workspace is gone starts with an empty one, and says so', async () => {
    rmSync(join(dataDir, 'workspaces', failed.id), { recursive: true, force: true });
    const started = await heal({ overrides: [{ ...stages[1], args: ['cat checked-out.txt'] }] });
    expect(started.errors).toBeUndefined();
    const retry = started.data?.retryWorkflowRun as Healed;
    const done = await waitForRun(api, dev, retry.id);
    expect(done.phase).toBe('FAILED');
    const lines = await logLines(api, dev, retry.id, 'build');
    expect(lines[0]).toBe(
      `[cyclone] the workspace of run #${failed.number} is gone (its data was removed): this one starts empty`,
    );
    expect(lines.join('\n')).toMatch(/checked-out\.txt: No such file/);
    expect(stageOf(done, 'build').exitCode).not.toBe(0);
  });
});
