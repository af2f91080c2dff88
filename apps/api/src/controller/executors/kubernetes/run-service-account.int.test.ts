import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_WORKFLOW, type RunView } from '../../../testing/run-helpers.js';
import { sh } from '../../../testing/stage-io.js';
import { type ExecutorKit, KWOK_RUN_DURATION, startExecutorKit } from './kube-executor.fixture.js';
import { STAGE_SERVICE_ACCOUNT_GRANT } from './run-service-account.js';

/**
 * A run's own service account (the original's WorkflowRun spec.serviceAccount): its
 * pods run as it, with its API token, only when a platform admin labelled it for
 * stages; otherwise the stage fails saying why, and no pod is created.
 */
describe("a run's service account on Kubernetes", () => {
  let kit: ExecutorKit;
  let controller: Awaited<ReturnType<ExecutorKit['startController']>>;

  beforeAll(async () => {
    kit = await startExecutorKit();
    controller = await kit.startController({ podGcDelayMs: 60_000 });
    await kit.h.createWorkflow('deploy', [
      sh('rollout', 'kubectl rollout status', { env: [{ name: KWOK_RUN_DURATION, value: '1s' }] }),
    ]);
  });

  afterAll(async () => {
    await controller?.stop();
    await kit?.stop();
  });

  const run = (serviceAccount?: string) =>
    kit.api.graphql<{ runWorkflow: RunView & { serviceAccount: string | null } }>(
      RUN_WORKFLOW.replace('runWorkflow(input: $input) {', 'runWorkflow(input: $input) { serviceAccount'),
      { input: { tenant: kit.tenant, project: 'web', workflow: 'deploy', serviceAccount } },
      kit.admin,
    );
  const messageOf = async (runId: string) =>
    (await kit.db.stageRun.findFirstOrThrow({ where: { runId, stage: 'rollout' } })).message;
  const podOf = (number: number) =>
    kit.clients.core.readNamespacedPod({ name: `deploy-${number}-rollout-1`, namespace: kit.namespace });

  it('fails the stage, creating no pod, while the account does not exist or is not granted', async () => {
    const missing = await run('builder');
    expect(missing.errors).toBeUndefined();
    expect(missing.data?.runWorkflow.serviceAccount).toBe('builder');
    const first = missing.data?.runWorkflow.id as string;
    expect((await kit.h.waitEnd(first, 60_000)).phase).toBe('FAILED');
    expect(await messageOf(first)).toBe(
      `could not start: service account "builder" does not exist in namespace ${kit.namespace}`,
    );
    await expect(podOf(1)).rejects.toThrow();

    await kit.clients.core.createNamespacedServiceAccount({
      namespace: kit.namespace,
      body: { metadata: { name: 'builder' } },
    });
    const second = (await run('builder')).data?.runWorkflow.id as string;
    expect((await kit.h.waitEnd(second, 60_000)).phase).toBe('FAILED');
    expect(await messageOf(second)).toBe(
      `could not start: service account "builder" of namespace ${kit.namespace} is not granted to stages: a platform admin labels it ${STAGE_SERVICE_ACCOUNT_GRANT}=true`,
    );
    await expect(podOf(2)).rejects.toThrow();
  });

  it('runs the pods as a granted account, with its API token; other runs keep none', async () => {
    await kit.clients.core.patchNamespacedServiceAccount({
      name: 'builder',
      namespace: kit.namespace,
      body: [{ op: 'add', path: '/metadata/labels', value: { [STAGE_SERVICE_ACCOUNT_GRANT]: 'true' } }],
    });
    const granted = (await run('builder')).data?.runWorkflow;
    expect((await kit.h.waitEnd(granted?.id as string, 60_000)).phase).toBe('SUCCEEDED');
    const pod = await podOf(granted?.number as number);
    expect(pod.spec?.serviceAccountName).toBe('builder');
    expect(pod.spec?.automountServiceAccountToken).toBe(true);

    const plain = (await run()).data?.runWorkflow;
    expect(plain?.serviceAccount).toBeNull();
    expect((await kit.h.waitEnd(plain?.id as string, 60_000)).phase).toBe('SUCCEEDED');
    const plainPod = await podOf(plain?.number as number);
    expect(plainPod.spec?.serviceAccountName).toBe('cyclone-stage');
    expect(plainPod.spec?.automountServiceAccountToken).toBe(false);
  });

  it('refuses a name that is no service account name, naming the field', async () => {
    const refused = await run('Builder!');
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/^input\.serviceAccount: /);
  });
});
