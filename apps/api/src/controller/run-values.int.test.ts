// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_WORKFLOW, logLines as readLogLines, runWorkflowAndWait, sh, stageOf } from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

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

  const runToEnd = (workflow: string, parameters: unknown[] = []) =>
    runWorkflowAndWait(api, dev, { tenant: 'acme', project: 'web', workflow, parameters });
  const logLines = (id: string, stage: string) => readLogLines(api, dev, id, stage);

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
