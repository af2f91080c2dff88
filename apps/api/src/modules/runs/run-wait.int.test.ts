// WorkflowRun.wait through the real API while a failed stage waits for its retry
// (RETRY_BACKOFF): real processes on the local executor, the controller's real backoff.
// Queue limits, approvals and pauses: controller/run-queue.int.test.ts,
// stage-approval.int.test.ts, delegated-stages.int.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backoffMs } from '@cyclone/dag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow, must, runWorkflow, sh } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';

const RUN_WAIT = `query($id: ID!) {
  workflowRun(id: $id) {
    phase
    wait { reason position limit estimatedStartAt }
    stages { name phase attempt startedAt finishedAt }
  }
}`;

interface WaitView {
  phase: string;
  wait: { reason: string; position: number | null; limit: number | null; estimatedStartAt: string | null } | null;
  stages: { name: string; phase: string; attempt: number; startedAt: string | null; finishedAt: string | null }[];
}

describe('WorkflowRun.wait: a failed stage waiting for its retry', () => {
  let api: TestApi;
  let dev: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-run-wait-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    await createWorkflow(api, dev, {
      tenant: 'acme',
      project: 'web',
      name: 'flaky',
      // Fails every attempt (three in all), running long enough to be seen running.
      stages: [sh('build', 'sleep 1; exit 1', { retries: 2 })],
    });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const read = async (id: string) => (await must<{ workflowRun: WaitView }>(api, dev, RUN_WAIT, { id })).workflowRun;
  const buildOf = (view: WaitView) => view.stages[0] as WaitView['stages'][number];

  // Three attempts of 1 s and backoffs of 1 s and 2 s: about 6 s of real time.
  it('says RETRY_BACKOFF until the retry is due, and nothing while the stage runs or once the run ended', async () => {
    const { id } = await runWorkflow(api, dev, { tenant: 'acme', project: 'web', workflow: 'flaky' });

    const running = await waitFor(() => read(id), {
      what: 'the first attempt to run',
      until: (view) => buildOf(view).phase === 'RUNNING' && buildOf(view).attempt === 1,
    });
    expect(running.wait).toBeNull();

    // Each failed attempt with attempts left: the run waits for the retry, due its backoff after the failure.
    for (const attempt of [1, 2]) {
      const waiting = await waitFor(() => read(id), {
        what: `attempt ${attempt} to fail and wait for its retry`,
        until: (view) => buildOf(view).phase === 'FAILED' && buildOf(view).attempt === attempt && view.wait !== null,
      });
      const failedAt = new Date(buildOf(waiting).finishedAt as string).getTime();
      expect(waiting.phase).toBe('RUNNING');
      expect(waiting.wait).toEqual({
        reason: 'RETRY_BACKOFF',
        position: null,
        limit: null,
        estimatedStartAt: new Date(failedAt + backoffMs(attempt)).toISOString(),
      });
      expect(backoffMs(attempt)).toBe(1000 * 2 ** (attempt - 1));

      // The retry starts when the wait said, not before; then the run waits for nothing.
      const retried = await waitFor(() => read(id), {
        what: `attempt ${attempt + 1} to start`,
        until: (view) => buildOf(view).attempt === attempt + 1 && buildOf(view).phase === 'RUNNING',
      });
      expect(retried.wait).toBeNull();
      const dueAt = new Date(waiting.wait?.estimatedStartAt as string).getTime();
      expect(new Date(buildOf(retried).startedAt as string).getTime()).toBeGreaterThanOrEqual(dueAt);
    }

    // The last attempt fails for good: the run fails and waits for nothing.
    const ended = await waitFor(() => read(id), { what: 'the run to fail', until: (view) => view.phase === 'FAILED' });
    expect(buildOf(ended)).toMatchObject({ phase: 'FAILED', attempt: 3 });
    expect(ended.wait).toBeNull();
  }, 60_000);
});
