// Stage health and the critical path through the real API: runs of real processes on
// the local executor, then the numbers the editor and the run view paint onto the DAG.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow, must, runWorkflowAndWait, sh } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import type { StageHealth } from './stage-health.rules.js';

const HEALTH = `query($tenant: String!, $project: String!, $name: String!, $lastRuns: Int) {
  workflow(tenant: $tenant, project: $project, name: $name) {
    stageHealth(lastRuns: $lastRuns) { stage runs failures flakes p50Seconds p95Seconds trend }
  }
}`;
const CRITICAL_PATH = 'query($id: ID!) { workflowRun(id: $id) { criticalPath } }';

type Health = StageHealth;

describe('stage health and the critical path', () => {
  let api: TestApi;
  let dev: string;
  let outsider: string;
  let dataDir: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-health-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    outsider = (await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] })).OWNER;
    await createWorkflow(api, dev, {
      tenant: 'acme',
      project: 'web',
      name: 'pipeline',
      stages: [
        // Fails its first attempt in every run, passes the retry: a flake.
        sh('flaky', 'if [ -f "$CYCLONE_WORKSPACE/tried" ]; then exit 0; fi; touch "$CYCLONE_WORKSPACE/tried"; exit 1', {
          retries: 1,
        }),
        sh('prepare', 'true', { dependsOn: ['flaky'] }),
        sh('quick', 'true', { dependsOn: ['prepare'] }),
        sh('slow', 'sleep 2', { dependsOn: ['prepare'] }),
        sh('publish', 'true', { dependsOn: ['quick', 'slow'] }),
        // Fails every time, without failing the run.
        sh('lint', 'exit 3', { trivial: true }),
      ],
    });
    for (let i = 0; i < 2; i++) {
      const run = await runWorkflowAndWait(api, dev, { tenant: 'acme', project: 'web', workflow: 'pipeline' });
      expect(run.phase).toBe('SUCCEEDED');
      runIds.push(run.id);
    }
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const health = async (lastRuns?: number) =>
    (
      await must<{ workflow: { stageHealth: Health[] } }>(api, dev, HEALTH, {
        tenant: 'acme',
        project: 'web',
        name: 'pipeline',
        lastRuns,
      })
    ).workflow.stageHealth;

  it('counts runs, failures and flakes per stage, in the order of the workflow', async () => {
    const stages = await health();
    expect(stages.map((stage) => stage.stage)).toEqual(['flaky', 'prepare', 'quick', 'slow', 'publish', 'lint']);
    const byName = new Map(stages.map((stage) => [stage.stage, stage]));
    expect(byName.get('flaky')).toMatchObject({ runs: 2, failures: 0, flakes: 2 });
    expect(byName.get('lint')).toMatchObject({ runs: 2, failures: 2, flakes: 0, p50Seconds: null });
    expect(byName.get('prepare')).toMatchObject({ runs: 2, failures: 0, flakes: 0, trend: 'NOT_ENOUGH_DATA' });
    // The real sleep shows in the percentiles.
    expect(byName.get('slow')?.p50Seconds).toBeGreaterThanOrEqual(2);
    expect(byName.get('slow')?.p95Seconds).toBeGreaterThanOrEqual(byName.get('slow')?.p50Seconds ?? 0);
    // Only the newest run: one of each.
    expect((await health(1)).find((stage) => stage.stage === 'flaky')).toMatchObject({ runs: 1, flakes: 1 });
  });

  it('refuses a window out of range with the argument named', async () => {
    for (const lastRuns of [0, 501]) {
      const result = await api.graphql(HEALTH, { tenant: 'acme', project: 'web', name: 'pipeline', lastRuns }, dev);
      const extensions = result.errors?.[0]?.extensions as { code?: string; field?: string } | undefined;
      expect(extensions?.code).toBe('BAD_USER_INPUT');
      expect(extensions?.field).toBe('lastRuns');
    }
  });

  it('gives the critical path: through the slow branch, not the quick one', async () => {
    const run = await must<{ workflowRun: { criticalPath: string[] } }>(api, dev, CRITICAL_PATH, { id: runIds[0] });
    expect(run.workflowRun.criticalPath).toEqual(['flaky', 'prepare', 'slow', 'publish']);
  });

  it('shows neither to a member of another tenant', async () => {
    const result = await api.graphql<{ workflowRun: unknown }>(CRITICAL_PATH, { id: runIds[0] }, outsider);
    expect(result.data?.workflowRun ?? null).toBeNull();
    const workflow = await api.graphql<{ workflow: unknown }>(
      HEALTH,
      { tenant: 'acme', project: 'web', name: 'pipeline' },
      outsider,
    );
    expect(workflow.data?.workflow ?? null).toBeNull();
  });
});
