// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

const RUN_FIELDS = 'id phase message stages { name phase attempt message outputs { key value } }';
const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }';
const RUN = `mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { ${RUN_FIELDS} } }`;
const GET = `query($id: ID!) { workflowRun(id: $id) { ${RUN_FIELDS} } }`;
const LOGS = 'query($id: ID!, $stage: String!) { workflowRunLogs(id: $id, stage: $stage) { line } }';

interface StageView {
  name: string;
  phase: string;
  attempt: number;
  message: string;
}
interface RunView {
  id: string;
  phase: string;
  message: string;
  stages: StageView[];
}

const sh = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'alpine:3.20',
  command: ['sh', '-c'],
  args: [script],
  ...extra,
});

describe('run values on the local executor', () => {
  let api: TestApi;
  let dev: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-values-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function createWorkflow(name: string, stages: unknown[], globalVariables: unknown[] = []) {
    const input = { tenant: 'acme', project: 'web', name, stages, globalVariables };
    const result = await api.graphql(CREATE_WORKFLOW, { input }, dev);
    expect(result.errors).toBeUndefined();
  }

  async function runToEnd(workflow: string, parameters: unknown[] = []): Promise<RunView> {
    const started = await api.graphql<{ runWorkflow: RunView }>(
      RUN,
      { input: { tenant: 'acme', project: 'web', workflow, parameters } },
      dev,
    );
    expect(started.errors).toBeUndefined();
    const id = started.data?.runWorkflow.id as string;
    const until = Date.now() + 20_000;
    for (;;) {
      const result = await api.graphql<{ workflowRun: RunView }>(GET, { id }, dev);
      expect(result.errors).toBeUndefined();
      const run = result.data?.workflowRun as RunView;
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.phase)) return run;
      if (Date.now() > until) throw new Error(`run did not finish: ${JSON.stringify(run)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function logLines(id: string, stage: string): Promise<string[]> {
    const result = await api.graphql<{ workflowRunLogs: { line: string }[] }>(LOGS, { id, stage }, dev);
    expect(result.errors).toBeUndefined();
    return (result.data?.workflowRunLogs ?? []).map((entry) => entry.line);
  }

  const stageOf = (run: RunView, name: string) => run.stages.find((s) => s.name === name) as StageView;

  it('substitutes upstream outputs and generated variables into a stage; a parameter overrides', async () => {
    await createWorkflow(
      'release',
      [
        sh('a', 'echo "version:1.2.3" >> "$CYCLONE_RESULTS"'),
        sh('b', `echo "release \${stages.a.outputs.version} as \${variables.TAG} ("'$\${variables.TAG}'") $MODE"`, {
          dependsOn: ['a'],
          env: [{ name: 'MODE', value: 'mode-${variables.TAG}' }],
          workingDir: 'out/${variables.TAG}',
        }),
      ],
      [{ name: 'TAG', value: 'build-$(random:6)' }],
    );

    const first = await runToEnd('release');
    expect(first.phase, JSON.stringify(first)).toBe('SUCCEEDED');
    const [line] = await logLines(first.id, 'b');
    const match = /^release 1\.2\.3 as (build-[a-z0-9]{6}) \(\$\{variables\.TAG\}\) mode-(build-[a-z0-9]{6})$/.exec(
      line ?? '',
    );
    expect(match, line).not.toBeNull();
    // One value per run, wherever it is used.
    expect(match?.[2]).toBe(match?.[1]);

    const second = await runToEnd('release');
    const [secondLine] = await logLines(second.id, 'b');
    expect(secondLine).toMatch(/^release 1\.2\.3 as build-[a-z0-9]{6} /);
    expect(secondLine).not.toBe(line);

    const overridden = await runToEnd('release', [{ name: 'variables.TAG', value: 'x' }]);
    expect(overridden.phase).toBe('SUCCEEDED');
    expect(await logLines(overridden.id, 'b')).toEqual(['release 1.2.3 as x (${variables.TAG}) mode-x']);
  });

  it('fails a stage that names an unknown reference, at once and without retries', async () => {
    await createWorkflow('broken', [
      sh('a', 'echo "version:1.2.3" >> "$CYCLONE_RESULTS"'),
      sh('b', 'echo ${stages.a.outputs.nope}', { dependsOn: ['a'], retries: 3 }),
      sh('c', 'echo ${variables.MISSING}', { dependsOn: ['a'], trivial: true }),
    ]);
    const run = await runToEnd('broken');
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'a').phase).toBe('SUCCEEDED');
    expect(stageOf(run, 'b')).toMatchObject({
      phase: 'FAILED',
      attempt: 4,
      message: 'unknown reference ${stages.a.outputs.nope}: stage "a" has no output "nope"',
    });
    expect(stageOf(run, 'c')).toMatchObject({
      phase: 'FAILED',
      message: 'unknown reference ${variables.MISSING}: no variable "MISSING"',
    });
    expect(await logLines(run.id, 'b')).toEqual([]);
  });
});
