import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkflow,
  must,
  RETRY_RUN,
  type RunView,
  runWorkflowAndWait,
  sh,
  stageOf,
  waitForRun,
} from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const SERVICE_ACCOUNT = 'query($id: ID!) { workflowRun(id: $id) { serviceAccount } }';

/** A run's service account and volumes are for stage pods: the host executor, which runs none, fails the stage and says so. */
describe("a run's service account and volumes on an executor without pods", () => {
  let api: TestApi;
  let dev: string;
  const scope = { tenant: 'acme', project: 'web' };

  beforeAll(async () => {
    api = await startTestApi();
    const admin = await api.loginAsAdmin();
    ({ DEVELOPER: dev } = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] }));
    await createWorkflow(api, dev, { ...scope, name: 'deploy', stages: [sh('rollout', 'echo rolled out')] });
  });

  afterAll(async () => {
    await api?.stop();
  });

  const serviceAccountOf = async (id: string) =>
    (await must<{ workflowRun: { serviceAccount: string | null } }>(api, dev, SERVICE_ACCOUNT, { id })).workflowRun
      .serviceAccount;

  it('fails the stage without running it, keeps the account on the run and on its retry', async () => {
    const run = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'deploy', serviceAccount: 'builder' });
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'rollout').message).toBe(
      "could not start: the host executor runs no Kubernetes pods, so the run's service account (spec.serviceAccount) cannot apply: use the Kubernetes executor",
    );
    expect(await serviceAccountOf(run.id)).toBe('builder');

    const retry = (await must<{ retryWorkflowRun: RunView }>(api, dev, RETRY_RUN, { id: run.id })).retryWorkflowRun;
    expect(await serviceAccountOf(retry.id)).toBe('builder');
    expect((await waitForRun(api, dev, retry.id)).phase).toBe('FAILED');

    // Volumes, the same.
    const withVolumes = await runWorkflowAndWait(api, dev, {
      ...scope,
      workflow: 'deploy',
      volumes: [{ type: 'CONFIG_MAP', objectName: 'settings', mountPath: '/etc/app' }],
    });
    expect(stageOf(withVolumes, 'rollout').message).toBe(
      "could not start: the host executor runs no Kubernetes pods, so the run's volumes (spec.volumes) cannot apply: use the Kubernetes executor",
    );

    // Without them the same workflow runs.
    const plain = await runWorkflowAndWait(api, dev, { ...scope, workflow: 'deploy' });
    expect(plain.phase).toBe('SUCCEEDED');
    expect(await serviceAccountOf(plain.id)).toBeNull();
  });
});
