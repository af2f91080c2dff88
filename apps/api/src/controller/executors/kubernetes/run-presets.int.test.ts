import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_WORKFLOW, type RunView } from '../../../testing/run-helpers.js';
import { sh } from '../../../testing/stage-io.js';
import { waitFor } from '../../../testing/wait.js';
import { type ExecutorKit, KWOK_RUN_DURATION, startExecutorKit } from './kube-executor.fixture.js';
import { STAGE_SERVICE_ACCOUNT_GRANT } from './run-service-account.js';

/**
 * Run presets of the original's WorkflowRun on Kubernetes. `spec.serviceAccount`: the
 * pods run as it, with its API token, only when a platform admin labelled it for
 * stages. `spec.volumes`: the tenant's claims, Secrets and ConfigMaps mounted in the
 * containers of their group; Cyclone's own are refused. A refusal fails the stage
 * saying why, and no pod is created.
 */
describe('run presets on Kubernetes', () => {
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

  const run = (serviceAccount?: string, volumes?: unknown[]) =>
    kit.api.graphql<{
      runWorkflow: RunView & { serviceAccount: string | null; volumes: { type: string; containers: string }[] };
    }>(
      RUN_WORKFLOW.replace(
        'runWorkflow(input: $input) {',
        'runWorkflow(input: $input) { serviceAccount volumes { type containers }',
      ),
      { input: { tenant: kit.tenant, project: 'web', workflow: 'deploy', serviceAccount, volumes } },
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

  it("mounts the tenant's claims, Secrets and ConfigMaps in the containers of their group", async () => {
    const namespace = kit.namespace;
    await kit.clients.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'cache' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    await kit.clients.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'docker-config' }, stringData: { 'config.json': '{}' } },
    });
    const started = await run(undefined, [
      { type: 'PVC', objectName: 'cache', path: 'm2', mountPath: '/root/.m2' },
      {
        type: 'SECRET',
        objectName: 'docker-config',
        path: 'config.json',
        mountPath: '/kaniko/.docker',
        containers: 'ALL',
      },
      { type: 'CONFIG_MAP', objectName: 'settings', mountPath: '/etc/app', containers: 'SIDECAR' },
    ]);
    expect(started.errors).toBeUndefined();
    expect(started.data?.runWorkflow.volumes).toEqual([
      { type: 'PVC', containers: 'WORKLOAD' },
      { type: 'SECRET', containers: 'ALL' },
      { type: 'CONFIG_MAP', containers: 'SIDECAR' },
    ]);
    const number = started.data?.runWorkflow.number as number;
    const pod = await waitFor(() => podOf(number).catch(() => undefined), {
      until: (found) => found !== undefined,
      what: `the pod of run ${number}`,
      timeoutMs: 30_000,
    });
    expect(pod?.spec?.volumes).toEqual(
      expect.arrayContaining([
        { name: 'run-volume-0', persistentVolumeClaim: { claimName: 'cache' } },
        {
          name: 'run-volume-1',
          secret: expect.objectContaining({
            secretName: 'docker-config',
            items: [{ key: 'config.json', path: 'config.json' }],
          }),
        },
        { name: 'run-volume-2', configMap: expect.objectContaining({ name: 'settings' }) },
      ]),
    );
    const mountsOf = (name: string) =>
      [...(pod?.spec?.containers ?? []), ...(pod?.spec?.initContainers ?? [])]
        .find((container) => container.name === name)
        ?.volumeMounts?.filter((mount) => mount.name.startsWith('run-volume-'))
        .map((mount) => `${mount.name} ${mount.mountPath}${mount.subPath ? ` ${mount.subPath}` : ''}`);
    expect(mountsOf('main')).toEqual(['run-volume-0 /root/.m2 m2', 'run-volume-1 /kaniko/.docker']);
    expect(mountsOf('helper')).toEqual(['run-volume-1 /kaniko/.docker', 'run-volume-2 /etc/app']);
  });

  it("refuses Cyclone's own Secrets and claims, and ones that do not exist", async () => {
    // An attempt's Secret holds its stage token: another run must never mount it.
    const own = (await run()).data?.runWorkflow;
    await kit.h.waitEnd(own?.id as string, 60_000);
    const attemptSecret = `deploy-${own?.number}-rollout-1`;
    const refused = async (volume: Record<string, unknown>) => {
      const id = (await run(undefined, [volume])).data?.runWorkflow.id as string;
      expect((await kit.h.waitEnd(id, 60_000)).phase).toBe('FAILED');
      return messageOf(id);
    };
    expect(await refused({ type: 'SECRET', objectName: attemptSecret, mountPath: '/stolen' })).toBe(
      `could not start: Secret "${attemptSecret}" is Cyclone's own, not a volume a run may mount`,
    );
    expect(await refused({ type: 'SECRET', objectName: 'nope', mountPath: '/s' })).toBe(
      `could not start: Secret "nope" does not exist in namespace ${kit.namespace}`,
    );
    expect(await refused({ type: 'PVC', objectName: 'gone', mountPath: '/c' })).toBe(
      `could not start: claim "gone" does not exist in namespace ${kit.namespace}`,
    );
    const bad = await run(undefined, [{ type: 'PVC', objectName: 'cache', mountPath: '/workspace/x' }]);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/^input\.volumes\[0\]\.mountPath: must not be \/workspace or \/cyclone/);
  });
});
