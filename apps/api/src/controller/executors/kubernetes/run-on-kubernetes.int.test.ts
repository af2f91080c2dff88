import { apiStatusOf, CYCLONE_API_VERSION, CYCLONE_GROUP, CYCLONE_VERSION } from '@cyclone/k8s';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAuthUser } from '../../../modules/identity/identity.service.js';
import { ManifestsService } from '../../../modules/manifests/manifests.service.js';
import { STOP_RUN } from '../../../testing/run-helpers.js';
import { sh, stageOf } from '../../../testing/stage-io.js';
import { waitFor } from '../../../testing/wait.js';
import { type ExecutorKit, KWOK_EXIT_CODE, KWOK_RUN_DURATION, startExecutorKit } from './kube-executor.fixture.js';
import { workspaceClaimName } from './names.js';

/**
 * Runs driven by the run reconciler on the KubernetesExecutor, on the real
 * kube-apiserver with kwok nodes: pods do not run containers, the stage's
 * KWOK_EXIT_CODE / KWOK_RUN_DURATION env become the kwok annotations that decide
 * how each pod ends (kube-executor.fixture.ts).
 */
describe('runs on Kubernetes', () => {
  let kit: ExecutorKit;
  let controller: Awaited<ReturnType<ExecutorKit['startController']>>;

  beforeAll(async () => {
    kit = await startExecutorKit();
    controller = await kit.startController({ podGcDelayMs: 60_000 });
  });

  afterAll(async () => {
    await controller?.stop();
    await kit?.stop();
  });

  const podNames = async (run: string) =>
    (
      await kit.clients.core.listNamespacedPod({ namespace: kit.namespace, labelSelector: `cyclone.dev/run=${run}` })
    ).items
      .map((p) => p.metadata?.name)
      .sort();
  const isGone = async (name: string) => {
    try {
      await kit.clients.core.readNamespacedPod({ name, namespace: kit.namespace });
      return false;
    } catch (err) {
      if (apiStatusOf(err) === 404) return true;
      throw err;
    }
  };
  const runCr = (name: string) =>
    kit.clients.customObjects.getNamespacedCustomObject({
      group: CYCLONE_GROUP,
      version: CYCLONE_VERSION,
      namespace: kit.namespace,
      plural: 'workflowruns',
      name,
    }) as Promise<{ status?: Record<string, unknown> }>;
  const stageRow = (runId: string, stage: string) => kit.db.stageRun.findFirstOrThrow({ where: { runId, stage } });

  /** A volume for the run's workspace claim, bound to it in advance (the test cluster has no provisioner). */
  async function provideVolume(run: string) {
    await kit.clients.core.createPersistentVolume({
      body: {
        metadata: { name: `${kit.namespace}-${run}` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: `/tmp/${kit.namespace}-${run}` },
          storageClassName: '',
          claimRef: { namespace: kit.namespace, name: workspaceClaimName(run) },
        },
      },
    });
  }

  it('runs a two-stage workflow to SUCCEEDED, one pod per stage on the shared workspace', async () => {
    await kit.h.createWorkflow('two', [sh('a', 'make'), sh('b', 'make', { dependsOn: ['a'] })]);
    await provideVolume('two-1');
    const runId = await kit.h.start('two');
    const run = await kit.h.waitEnd(runId, 60_000);
    expect(run.phase).toBe('SUCCEEDED');
    expect(run.stages.map((s) => [s.name, s.phase, s.attempt])).toEqual([
      ['a', 'SUCCEEDED', 1],
      ['b', 'SUCCEEDED', 1],
    ]);
    expect(await podNames('two-1')).toEqual(['two-1-a-1', 'two-1-b-1']);
    const pod = await kit.clients.core.readNamespacedPod({ name: 'two-1-b-1', namespace: kit.namespace });
    expect(pod.spec?.volumes?.[0]).toEqual({
      name: 'workspace',
      persistentVolumeClaim: { claimName: 'two-1-workspace' },
    });
    // Written after the pass committed, without holding it up.
    const cr = await waitFor(() => runCr('two-1'), {
      until: (o) => o.status?.phase === 'Succeeded',
      what: 'run two-1 to succeed',
      timeoutMs: 30_000,
    });
    expect(cr.status).toMatchObject({ phase: 'Succeeded', progress: '2/2' });
  });

  it('adopts a WorkflowRun made with kubectl as its run’s own resource (GitOps intake)', async () => {
    await kit.h.createWorkflow('adopt', [sh('a', 'make')]);
    const target = { group: CYCLONE_GROUP, version: CYCLONE_VERSION, namespace: kit.namespace, plural: 'workflowruns' };
    const body = {
      apiVersion: CYCLONE_API_VERSION,
      kind: 'WorkflowRun',
      metadata: { name: 'adopt-manual' },
      spec: { workflowRef: { name: 'web.adopt' } },
    };
    const made = (await kit.clients.customObjects.createNamespacedCustomObject({ ...target, body })) as {
      metadata: { uid: string };
    };
    // What the intake does with it: apply it as a WorkflowRun document whose run adopts the resource.
    const admin = toAuthUser(await kit.db.user.findFirstOrThrow({ where: { isAdmin: true } }));
    const manifests = new ManifestsService({ db: kit.db, logger: pino({ level: 'silent' }), box: kit.box });
    const yaml = JSON.stringify({ ...body, spec: { workflowRef: { name: 'adopt' } } });
    await manifests.applyManifests(
      admin,
      { tenant: kit.tenant, project: 'web', yaml },
      { runObjectName: 'adopt-manual' },
    );
    const row = await kit.db.workflowRun.findFirstOrThrow({ where: { name: 'adopt-manual' } });

    const run = await kit.h.waitEnd(row.id, 60_000);
    expect(run.phase).toBe('SUCCEEDED');
    expect(await podNames('adopt-manual')).toEqual(['adopt-manual-a-1']);
    const pod = await kit.clients.core.readNamespacedPod({ name: 'adopt-manual-a-1', namespace: kit.namespace });
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'WorkflowRun', uid: made.metadata.uid });
    expect((await runCr('adopt-manual')).status).toMatchObject({ phase: 'Succeeded' });
    // No second resource for the run.
    const other = await runCr(`adopt-${row.number}`).catch((err: unknown) => apiStatusOf(err));
    expect(other).toBe(404);
  });

  it('fails with the exit code and retries with a new pod per attempt', async () => {
    await kit.h.createWorkflow('exit3', [
      sh('build', 'make', { retries: 1, env: [{ name: KWOK_EXIT_CODE, value: '3' }] }),
    ]);
    const runId = await kit.h.start('exit3');
    const run = await kit.h.waitEnd(runId, 60_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'build')).toMatchObject({ phase: 'FAILED', attempt: 2, message: 'exited with code 3' });
    expect((await stageRow(runId, 'build')).exitCode).toBe(3);
    expect(await podNames('exit3-1')).toEqual(['exit3-1-build-1', 'exit3-1-build-2']);
    // Written after the pass committed, without holding it up.
    const cr = await waitFor(() => runCr('exit3-1'), {
      until: (o) => o.status?.phase === 'Failed',
      what: 'run exit3-1 to fail',
      timeoutMs: 30_000,
    });
    expect(cr.status).toMatchObject({ phase: 'Failed', progress: '1/1' });
  });

  it('deletes the running pod at once on stop', async () => {
    await kit.h.createWorkflow('long', [sh('build', 'make', { env: [{ name: KWOK_RUN_DURATION, value: '1h' }] })]);
    const runId = await kit.h.start('long');
    await waitFor(
      () =>
        kit.clients.core.readNamespacedPod({ name: 'long-1-build-1', namespace: kit.namespace }).catch(() => undefined),
      { until: (pod) => pod?.status?.phase === 'Running', what: 'pod long-1-build-1 to run', timeoutMs: 30_000 },
    );
    await kit.h.must(STOP_RUN, { id: runId });
    const run = await kit.h.waitEnd(runId, 30_000);
    expect(run.phase).toBe('CANCELLED');
    await waitFor(() => isGone('long-1-build-1'), { what: 'pod long-1-build-1 to be gone', timeoutMs: 10_000 });
  });

  it('skips a stage whose condition is false and runs a finally stage after a failure', async () => {
    await kit.h.createWorkflow(
      'lang',
      [
        sh('build', 'make', { env: [{ name: KWOK_EXIT_CODE, value: '3' }] }),
        sh('gated', 'make', { when: "variables['ENV'] == 'prod'" }),
        sh('cleanup', 'make', { finally: true }),
      ],
      [{ name: 'ENV', value: 'dev' }],
    );
    await provideVolume('lang-1');
    const runId = await kit.h.start('lang');
    const run = await kit.h.waitEnd(runId, 60_000);
    expect(run).toMatchObject({ phase: 'FAILED', message: 'stage "build" failed' });
    expect(run.stages.map((s) => [s.name, s.phase])).toEqual([
      ['build', 'FAILED'],
      ['gated', 'SKIPPED'],
      ['cleanup', 'SUCCEEDED'],
    ]);
    expect(stageOf(run, 'gated').message).toBe("skipped: when variables['ENV'] == 'prod' is false");
    expect(await podNames('lang-1')).toEqual(['lang-1-build-1', 'lang-1-cleanup-1']);
  });

  it('runs a finally stage on stop, after deleting the running pod', async () => {
    await kit.h.createWorkflow('lang-stop', [
      sh('build', 'make', { env: [{ name: KWOK_RUN_DURATION, value: '1h' }] }),
      sh('cleanup', 'make', { finally: true }),
    ]);
    await provideVolume('lang-stop-1');
    const runId = await kit.h.start('lang-stop');
    await waitFor(
      () =>
        kit.clients.core
          .readNamespacedPod({ name: 'lang-stop-1-build-1', namespace: kit.namespace })
          .catch(() => undefined),
      { until: (pod) => pod?.status?.phase === 'Running', what: 'pod lang-stop-1-build-1 to run', timeoutMs: 30_000 },
    );
    await kit.h.must(STOP_RUN, { id: runId });
    const run = await kit.h.waitEnd(runId, 60_000);
    expect(run).toMatchObject({ phase: 'CANCELLED', message: 'stopped' });
    expect(run.stages.map((s) => [s.name, s.phase])).toEqual([
      ['build', 'CANCELLED'],
      ['cleanup', 'SUCCEEDED'],
    ]);
    await waitFor(() => isGone('lang-stop-1-build-1'), {
      what: 'pod lang-stop-1-build-1 to be gone',
      timeoutMs: 10_000,
    });
  });

  it('holds an approval stage without a pod; its approval starts the next pod, with the approver’s input', async () => {
    await kit.h.createWorkflow('gated-deploy', [
      sh('build', 'make'),
      { name: 'sign-off', dependsOn: ['build'], approval: { inputs: [{ name: 'target', required: true }] } },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference.
      sh('deploy', 'deploy ${stages.sign-off.outputs.target}', { dependsOn: ['sign-off'] }),
    ]);
    await provideVolume('gated-deploy-1');
    const runId = await kit.h.start('gated-deploy');
    await waitFor(() => stageRow(runId, 'sign-off'), {
      until: (row) => row.phase === 'WAITING',
      what: 'the approval stage to wait',
      timeoutMs: 60_000,
    });
    // Nothing runs for it: the build pod is the only one, and the run stays RUNNING.
    expect(await podNames('gated-deploy-1')).toEqual(['gated-deploy-1-build-1']);
    expect((await runCr('gated-deploy-1')).status).toMatchObject({ phase: 'Running' });
    await kit.h.must('mutation($input: ApproveStageInput!) { approveStage(input: $input) { id } }', {
      input: { runId, stage: 'sign-off', inputs: [{ name: 'target', value: 'eu-west' }] },
    });
    const run = await kit.h.waitEnd(runId, 60_000);
    expect(run.stages.map((s) => [s.name, s.phase])).toEqual([
      ['build', 'SUCCEEDED'],
      ['sign-off', 'SUCCEEDED'],
      ['deploy', 'SUCCEEDED'],
    ]);
    expect(await podNames('gated-deploy-1')).toEqual(['gated-deploy-1-build-1', 'gated-deploy-1-deploy-1']);
    const deploy = await kit.clients.core.readNamespacedPod({
      name: 'gated-deploy-1-deploy-1',
      namespace: kit.namespace,
    });
    expect(JSON.stringify(deploy.spec?.containers)).toContain('deploy eu-west');
  });

  it('runs a child workflow without a pod of its own: the child run’s stage is a pod, its end ends the stage', async () => {
    await kit.h.createWorkflow('deploy-lib', [sh('deploy', 'deploy')]);
    await kit.h.createWorkflow('train', [
      sh('build', 'make'),
      { name: 'release', dependsOn: ['build'], workflow: { name: 'deploy-lib' } },
    ]);
    await provideVolume('train-1');
    await provideVolume('deploy-lib-1');
    const run = await kit.h.waitEnd(await kit.h.start('train'), 60_000);
    expect(run.stages.map((s) => [s.name, s.phase])).toEqual([
      ['build', 'SUCCEEDED'],
      ['release', 'SUCCEEDED'],
    ]);
    // The parent's pods are its own stages' only; the child run's stage ran in a pod of the child run.
    expect(await podNames('train-1')).toEqual(['train-1-build-1']);
    expect(await podNames('deploy-lib-1')).toEqual(['deploy-lib-1-deploy-1']);
    expect((await runCr('deploy-lib-1')).status).toMatchObject({ phase: 'Succeeded' });
  });

  it('runs a matrix stage as one pod per combination, maxParallel at a time, with its values in the pod', async () => {
    await kit.h.createWorkflow('mx', [
      sh('test', 'make', {
        matrix: [{ name: 'target', values: ['amd64', 'arm64'] }],
        maxParallel: 1,
        env: [
          { name: KWOK_RUN_DURATION, value: '1s' },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference, not a JS template
          { name: 'GOARCH', value: '${matrix.target}' },
        ],
      }),
      sh('ship', 'make', { dependsOn: ['test'] }),
    ]);
    await provideVolume('mx-1');
    const runId = await kit.h.start('mx');
    const first = await waitFor(
      () =>
        kit.clients.core.readNamespacedPod({ name: 'mx-1-test.0-1', namespace: kit.namespace }).catch(() => undefined),
      { until: (pod) => pod !== undefined, what: 'pod mx-1-test.0-1', timeoutMs: 30_000 },
    );
    const env = first?.spec?.containers.find((c) => c.name === 'main')?.env ?? [];
    expect(env).toEqual(
      expect.arrayContaining([
        { name: 'GOARCH', value: 'amd64' },
        { name: 'MATRIX_TARGET', value: 'amd64' },
      ]),
    );
    // maxParallel 1: the second combination has no pod while the first runs.
    expect(await isGone('mx-1-test.1-1')).toBe(true);
    const run = await kit.h.waitEnd(runId, 60_000);
    expect(run.phase).toBe('SUCCEEDED');
    expect(run.stages.map((s) => [s.name, s.phase])).toEqual([
      ['test', 'SUCCEEDED'],
      ['test.0', 'SUCCEEDED'],
      ['test.1', 'SUCCEEDED'],
      ['ship', 'SUCCEEDED'],
    ]);
    expect(await podNames('mx-1')).toEqual(['mx-1-ship-1', 'mx-1-test.0-1', 'mx-1-test.1-1']);
    const cr = await waitFor(() => runCr('mx-1'), {
      until: (o) => o.status?.phase === 'Succeeded',
      what: 'run mx-1 to succeed',
      timeoutMs: 30_000,
    });
    // The matrix stage counts once.
    expect(cr.status).toMatchObject({ phase: 'Succeeded', progress: '2/2' });
  });

  it('fails a stage past its timeout and deletes its pod', async () => {
    await kit.h.createWorkflow('slow', [
      sh('build', 'make', { timeout: '2s', env: [{ name: KWOK_RUN_DURATION, value: '1h' }] }),
    ]);
    const runId = await kit.h.start('slow');
    const run = await kit.h.waitEnd(runId, 30_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'build').message).toMatch(/timed out|timeout/i);
    await waitFor(() => isGone('slow-1-build-1'), { what: 'pod slow-1-build-1 to be gone', timeoutMs: 10_000 });
  });

  it('explains an unschedulable pod in the stage message', async () => {
    await kit.h.createWorkflow('nowhere', [sh('build', 'make', { timeout: '20s' })]);
    // As a stage with pod settings (podSpecExtras) would: a node label no node has.
    const workflow = await kit.db.workflow.findFirstOrThrow({
      where: { name: 'nowhere' },
      include: { versions: true },
    });
    for (const version of workflow.versions) {
      const spec = version.spec as { stages: Record<string, unknown>[] };
      spec.stages[0] = { ...spec.stages[0], podSpecExtras: { nodeSelector: { disk: 'nowhere' } } };
      await kit.db.workflowVersion.update({ where: { id: version.id }, data: { spec: spec as object } });
    }
    const runId = await kit.h.start('nowhere');
    const row = await waitFor(() => stageRow(runId, 'build'), {
      until: (r) => r.message.includes('Unschedulable'),
      what: 'the build stage to be unschedulable',
      timeoutMs: 30_000,
    });
    expect(row.phase).toBe('RUNNING');
    expect(row.message).toMatch(/^the pod cannot be scheduled \(Unschedulable\): 0\/2 nodes are available/);
    await kit.h.must(STOP_RUN, { id: runId });
    await kit.h.waitEnd(runId, 30_000);
  });

  it('picks up running pods after a controller restart', async () => {
    await kit.h.createWorkflow('restart', [sh('build', 'make', { env: [{ name: KWOK_RUN_DURATION, value: '3s' }] })]);
    const runId = await kit.h.start('restart');
    await waitFor(() => stageRow(runId, 'build'), {
      until: (r) => r.phase === 'RUNNING' && r.handle !== null,
      what: 'the build stage to run in a pod',
      timeoutMs: 30_000,
    });
    await controller.stop();
    // The pod goes on and ends while no controller watches.
    controller = await kit.startController({ podGcDelayMs: 60_000 });
    const run = await kit.h.waitEnd(runId, 30_000);
    expect(run.phase).toBe('SUCCEEDED');
    expect(stageOf(run, 'build').attempt).toBe(1);
    expect(await podNames('restart-1')).toEqual(['restart-1-build-1']);
  });
});
