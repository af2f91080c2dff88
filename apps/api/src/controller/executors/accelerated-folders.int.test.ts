import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow, logLines, must, runWorkflow, sh, stageOf, waitForRun } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const RUN_ACCELERATION = 'query($id: ID!) { workflowRun(id: $id) { acceleration } }';

/** Acceleration through the real API on the host executor: a stage's home folders outlive its run. */
describe('acceleration', () => {
  let api: TestApi;
  let dataDir: string;
  let dev: string;
  const scope = { tenant: 'acme', project: 'web' };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-acceleration-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    ({ DEVELOPER: dev } = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] }));
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Prints what an earlier run left in ~/.cache and ~/.m2, then leaves its own mark. */
  const BUILD = [
    'echo "home=$HOME"',
    'echo "cache=$(cat "$HOME/.cache/mark" 2>/dev/null || echo none) m2=$(ls "$HOME/.m2" | tr "\\n" " ")"',
    'mkdir -p "$HOME/.cache" "$HOME/.m2" && echo "$CYCLONE_RUN_ID" > "$HOME/.cache/mark" && touch "$HOME/.m2/dep-$CYCLONE_RUN_ID"',
  ].join('\n');
  const run = async (workflow: string, acceleration?: boolean) => {
    const started = await runWorkflow(api, dev, {
      ...scope,
      workflow,
      ...(acceleration === undefined ? {} : { acceleration }),
    });
    const ended = await waitForRun(api, dev, started.id);
    expect(stageOf(ended, 'build').phase).toBe('SUCCEEDED');
    const lines = await logLines(api, dev, started.id, 'build');
    const { workflowRun } = await must<{ workflowRun: { acceleration: boolean } }>(api, dev, RUN_ACCELERATION, {
      id: started.id,
    });
    return { id: started.id, lines, acceleration: workflowRun.acceleration };
  };

  it("keeps a stage's home folders per project and stage between runs of a workflow with acceleration", async () => {
    await createWorkflow(api, dev, { ...scope, name: 'maven', acceleration: true, stages: [sh('build', BUILD)] });
    const first = await run('maven');
    expect(first.acceleration).toBe(true);
    expect(first.lines).toContain('home=/workspace/.cyclone-acceleration/build');
    expect(first.lines).toContain('cache=none m2=');
    expect(first.lines.some((line) => line.startsWith('[cyclone] cache') && line.includes('saved'))).toBe(true);

    const second = await run('maven');
    expect(second.lines).toContain(`cache=${first.id} m2=dep-${first.id} `);
    const third = await run('maven');
    // The newest entry wins: each run saves one of its own. `ls` lists the marks by name.
    const marks = [first.id, second.id].sort().map((id) => `dep-${id} `);
    expect(third.lines).toContain(`cache=${second.id} m2=${marks.join('')}`);
  });

  it('a run may turn it off or on, whatever its workflow says', async () => {
    await createWorkflow(api, dev, { ...scope, name: 'plain', stages: [sh('build', BUILD)] });
    const off = await run('plain');
    expect(off.acceleration).toBe(false);
    expect(off.lines).toContain('home=/workspace');
    const on = await run('plain', true);
    expect(on.acceleration).toBe(true);
    // Kept per project and stage: the `build` stage of another workflow of the project left it.
    expect(on.lines.find((line) => line.startsWith('cache='))).toMatch(/^cache=[0-9a-f-]{36} m2=dep-/);
    expect((await run('maven', false)).lines).toContain('cache=none m2=');
  });
});
