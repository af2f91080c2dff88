import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow, runWorkflowAndWait, sh } from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

/** The value of one series in Prometheus text, 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** /metrics while real runs go through the real API and host executor: the run and stage series move. */
describe('run metrics', () => {
  let api: TestApi;
  let dev: string;
  let dataDir: string;
  const scope = { tenant: 'metered', project: 'web' };
  const scrape = async (target = api) => (await fetch(`${target.url}/metrics`)).text();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-metrics-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'metered', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts runs and stages by phase, with durations and the queue wait', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'ok',
      stages: [sh('a', 'echo a'), sh('b', 'echo b', { dependsOn: ['a'] })],
    });
    await createWorkflow(api, dev, {
      ...scope,
      name: 'broken',
      stages: [sh('a', 'exit 2'), sh('b', 'echo never', { dependsOn: ['a'] })],
    });
    const before = await scrape();
    expect((await runWorkflowAndWait(api, dev, { ...scope, workflow: 'ok' })).phase).toBe('SUCCEEDED');
    expect((await runWorkflowAndWait(api, dev, { ...scope, workflow: 'broken' })).phase).toBe('FAILED');
    const after = await scrape();
    const moved = (series: string) => sample(after, series) - sample(before, series);
    expect(moved('cyclone_runs_started_total{phase="RUNNING"}')).toBe(2);
    expect(moved('cyclone_runs_finished_total{phase="SUCCEEDED"}')).toBe(1);
    expect(moved('cyclone_runs_finished_total{phase="FAILED"}')).toBe(1);
    expect(moved('cyclone_run_duration_seconds_count{phase="FAILED"}')).toBe(1);
    expect(moved('cyclone_run_queue_wait_seconds_count')).toBe(2);
    expect(moved('cyclone_stages_started_total{phase="RUNNING"}')).toBe(3);
    expect(moved('cyclone_stages_finished_total{phase="SUCCEEDED"}')).toBe(2);
    expect(moved('cyclone_stages_finished_total{phase="FAILED"}')).toBe(1);
    expect(moved('cyclone_stages_finished_total{phase="SKIPPED"}')).toBe(1);
    expect(moved('cyclone_stage_duration_seconds_count{phase="SUCCEEDED"}')).toBe(2);
    // Nothing runs now; this controller leads (no cluster: every controller does).
    expect(sample(after, 'cyclone_runs_active{tenant="metered"}')).toBe(0);
    expect(sample(after, 'cyclone_controller_leader')).toBe(1);
    expect(after).toContain('process_cpu_user_seconds_total');
  });

  it('shows active runs per tenant while they run', async () => {
    await createWorkflow(api, dev, { ...scope, name: 'slow', stages: [sh('wait', 'sleep 3')] });
    await runWorkflowAndWait(
      api,
      dev,
      { ...scope, workflow: 'slow' },
      { until: (run) => run.stages[0]?.phase === 'RUNNING' },
    );
    expect(sample(await scrape(), 'cyclone_runs_active{tenant="metered"}')).toBe(1);
  });

  it('counts webhook deliveries by outcome', async () => {
    const before = await scrape();
    const answer = await fetch(`${api.url}/webhooks/00000000-0000-4000-8000-000000000000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(404);
    const after = await scrape();
    expect(
      sample(after, 'cyclone_webhook_deliveries_total{outcome="NOT_FOUND"}') -
        sample(before, 'cyclone_webhook_deliveries_total{outcome="NOT_FOUND"}'),
    ).toBe(1);
  });

  it('names tenants only up to the configured number; beyond, one series sums them', async () => {
    const bounded = await startTestApi({ CYCLONE_METRICS_MAX_TENANT_LABELS: '0', CYCLONE_DATA_DIR: dataDir });
    try {
      const admin = await bounded.loginAsAdmin();
      const token = (await seedTenant(bounded, admin, 'metered', { projects: ['web'], roles: ['DEVELOPER'] }))
        .DEVELOPER;
      await createWorkflow(bounded, token, { ...scope, name: 'slow', stages: [sh('wait', 'sleep 2')] });
      await runWorkflowAndWait(
        bounded,
        token,
        { ...scope, workflow: 'slow' },
        { until: (run) => run.stages[0]?.phase === 'RUNNING' },
      );
      const text = await scrape(bounded);
      expect(text).not.toContain('tenant="metered"');
      expect(sample(text, 'cyclone_runs_active{tenant=""}')).toBe(1);
    } finally {
      await bounded.stop();
    }
  });
});
