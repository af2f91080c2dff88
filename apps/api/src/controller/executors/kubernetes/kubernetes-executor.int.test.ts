import { apiStatusOf, CYCLONE_GROUP, CYCLONE_VERSION, type V1Pod } from '@cyclone/k8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../../testing/stage-io.js';
import { waitFor } from '../../../testing/wait.js';
import type { StageLaunch } from '../executor.js';
import { type ExecutorKit, KWOK_EXIT_CODE, startExecutorKit } from './kube-executor.fixture.js';
import type { KubernetesExecutor } from './kubernetes-executor.js';
import { podHandle } from './names.js';

/**
 * The executor alone against the real kube-apiserver (kwok nodes end the pods as
 * their annotations say); the reconciler-driven behaviour is in run-on-kubernetes.int.test.ts.
 */
/** Starts an attempt and waits until its objects exist (they are created after `start` returns). */
async function started(executor: KubernetesExecutor, launch: StageLaunch): Promise<string> {
  const handle = await executor.start(launch);
  await executor.created(handle);
  return handle;
}

describe('KubernetesExecutor against a real API server', () => {
  let kit: ExecutorKit;
  let executor: KubernetesExecutor;

  beforeAll(async () => {
    kit = await startExecutorKit();
    executor = kit.makeExecutor({ podGcDelayMs: 300 });
    await executor.startWatching();
  });

  afterAll(async () => {
    await kit?.stop();
  });

  const launchOf = (runId: string, stage: string, attempt: number, env: StageLaunch['env'] = []): StageLaunch => ({
    runId,
    stage,
    attempt,
    command: ['sh', '-c'],
    args: ['make'],
    env,
    firstSeq: 1,
  });
  const readPod = (name: string) => kit.clients.core.readNamespacedPod({ name, namespace: kit.namespace });
  const isGone = async (name: string) => {
    try {
      await readPod(name);
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
    }) as Promise<{ metadata: { uid: string; labels: Record<string, string> }; status?: Record<string, unknown> }>;

  it('runs an attempt as a deterministic, owned pod and reports the workload exit code', async () => {
    await kit.h.createWorkflow('exit3', [sh('build', 'make', { env: [{ name: KWOK_EXIT_CODE, value: '3' }] })]);
    const runId = await kit.h.start('exit3');
    const env = [{ name: KWOK_EXIT_CODE, value: '3' }];
    const handle = await started(executor, launchOf(runId, 'build', 1, env));
    expect(handle).toBe(`k8s:${kit.namespace}/exit3-1-build-1`);
    // Started again (a pass whose transaction failed after the create): the same pod, no error.
    expect(await started(executor, launchOf(runId, 'build', 1, env))).toBe(handle);

    const pod = await readPod('exit3-1-build-1');
    const cr = await runCr('exit3-1');
    expect(pod.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'WorkflowRun', name: 'exit3-1', uid: cr.metadata.uid }),
    ]);
    expect(pod.metadata?.labels).toMatchObject({
      'cyclone.dev/tenant': kit.tenant,
      'cyclone.dev/project': 'web',
      'cyclone.dev/workflow': 'exit3',
      'cyclone.dev/run': 'exit3-1',
      'cyclone.dev/stage': 'build',
      'cyclone.dev/attempt': '1',
      'cyclone.dev/instance': kit.instance,
    });
    expect(cr.metadata.labels['cyclone.dev/id']).toBe(runId);

    const exit = await waitFor(async () => kit.exits.find((e) => e.runId === runId), {
      until: (e) => e !== undefined,
      what: 'the exit of the run',
      timeoutMs: 30_000,
    });
    expect(exit).toMatchObject({ stage: 'build', attempt: 1, exitCode: 3, message: 'exited with code 3' });
    // The next attempt is a new pod.
    expect(await started(executor, launchOf(runId, 'build', 2, env))).toBe(`k8s:${kit.namespace}/exit3-1-build-2`);
    // Ended pods are deleted once the GC delay (300 ms here) has passed.
    await waitFor(() => isGone('exit3-1-build-1'), { what: 'pod exit3-1-build-1 to be gone', timeoutMs: 20_000 });
  });

  it('explains an unschedulable pod while it waits, from a GET', async () => {
    await kit.h.createWorkflow('nowhere', [sh('build', 'make')]);
    // As a stage with pod settings would (stage podSpecExtras): a node label no node has.
    // Set before the run exists: versions are immutable, and read once per process.
    const stored = await kit.db.workflowVersion.findFirstOrThrow({ where: { workflow: { name: 'nowhere' } } });
    const spec = stored.spec as { stages: Record<string, unknown>[] };
    spec.stages[0] = { ...spec.stages[0], podSpecExtras: { nodeSelector: { disk: 'nowhere' } } };
    await kit.db.workflowVersion.update({ where: { id: stored.id }, data: { spec: spec as object } });
    const runId = await kit.h.start('nowhere');

    const handle = await started(executor, launchOf(runId, 'build', 1));
    const attempt = { runId, stage: 'build', attempt: 1, handle, message: '' };
    const seen = await waitFor(() => executor.observe(attempt), {
      until: (o) => o?.message !== undefined,
      what: 'a message observed on the attempt',
      timeoutMs: 30_000,
    });
    expect(seen?.exit).toBeUndefined();
    expect(seen?.message).toMatch(/^the pod cannot be scheduled \(Unschedulable\): 0\/2 nodes are available/);
    expect(seen?.message).toContain("didn't match Pod's node affinity/selector");
    // Nothing new once the message is known.
    expect(await executor.observe({ ...attempt, message: seen?.message as string })).toBeUndefined();

    executor.kill(handle);
    await waitFor(() => isGone('nowhere-1-build-1'), { what: 'pod nowhere-1-build-1 to be gone', timeoutMs: 10_000 });
    // A killed pod's absence is not an exit.
    expect(await executor.observe(attempt)).toBeUndefined();
  });

  it('runs an attempt started again after a kill (its first pass rolled back)', async () => {
    await kit.h.createWorkflow('again-after-kill', [sh('build', 'make')]);
    const runId = await kit.h.start('again-after-kill');
    const launch = launchOf(runId, 'build', 1, [{ name: 'KWOK_RUN_DURATION', value: '1h' }]);
    const first = await started(executor, launch);
    executor.kill(first);
    await waitFor(() => isGone('again-after-kill-1-build-1'), {
      what: 'pod again-after-kill-1-build-1 to be gone',
      timeoutMs: 10_000,
    });
    // The next pass starts the same attempt: the same pod name, and this time it runs.
    const handle = await started(executor, launch);
    expect(handle).toBe(first);
    const pod = await waitFor(() => readPod('again-after-kill-1-build-1'), {
      until: (p) => p.status?.phase === 'Running',
      what: 'pod again-after-kill-1-build-1 to run',
      timeoutMs: 30_000,
    });
    expect(pod.metadata?.deletionTimestamp).toBeUndefined();
    // Observed as a running attempt again: no exit, no message.
    expect(await executor.observe({ runId, stage: 'build', attempt: 1, handle, message: '' })).toBeUndefined();
    executor.kill(handle);
    await waitFor(() => isGone('again-after-kill-1-build-1'), {
      what: 'pod again-after-kill-1-build-1 to be gone',
      timeoutMs: 10_000,
    });
  });

  it('reports a pod deleted by someone else as a failed attempt', async () => {
    await kit.h.createWorkflow('vanish', [sh('build', 'make')]);
    const runId = await kit.h.start('vanish');
    const handle = await started(executor, launchOf(runId, 'build', 1, [{ name: 'KWOK_RUN_DURATION', value: '1h' }]));
    await kit.clients.core.deleteNamespacedPod({
      name: 'vanish-1-build-1',
      namespace: kit.namespace,
      gracePeriodSeconds: 0,
    });
    await waitFor(() => isGone('vanish-1-build-1'), { what: 'pod vanish-1-build-1 to be gone', timeoutMs: 10_000 });
    // The executor sees pods through its watch, which hears of the deletion a moment after the API server says so.
    const seen = await waitFor(() => executor.observe({ runId, stage: 'build', attempt: 1, handle, message: '' }), {
      until: (observed) => observed?.exit !== undefined,
      what: 'the deleted pod to be observed as ended',
      timeoutMs: 10_000,
    });
    expect(seen?.exit).toMatchObject({ exitCode: null, message: 'the pod was deleted before it ended' });
  });

  it('takes a missing pod for one another controller is still creating just after its start, not for a deleted one', async () => {
    await kit.h.createWorkflow('elsewhere', [sh('build', 'make')]);
    const runId = await kit.h.start('elsewhere');
    // Another controller started the attempt; its pod does not exist yet.
    const other = kit.makeExecutor();
    const handle = podHandle(kit.namespace, 'elsewhere-1-build-1');
    const attempt = { runId, stage: 'build', attempt: 1, handle, message: '' };
    expect(await isGone('elsewhere-1-build-1')).toBe(true);
    expect(await other.observe({ ...attempt, startedAt: new Date() })).toBeUndefined();
    const seen = await other.observe({ ...attempt, startedAt: new Date(Date.now() - 120_000) });
    expect(seen?.exit).toMatchObject({ exitCode: null, message: 'the pod was deleted before it ended' });
  });

  it('writes the summary status of the WorkflowRun resource', async () => {
    await kit.h.createWorkflow('summary', [sh('build', 'make')]);
    const runId = await kit.h.start('summary');
    await started(executor, launchOf(runId, 'build', 1));
    const startedAt = new Date('2026-11-26T01:00:00.123Z');
    // Only status writes: the pods of this and earlier tests are deleted meanwhile.
    const statusWrites = () => executor.writes.byKind['WorkflowRun/status'] ?? 0;
    const before = statusWrites();
    await executor.runPhaseChanged(runId, {
      phase: 'RUNNING',
      message: '',
      finishedStages: 0,
      totalStages: 1,
      startedAt,
      finishedAt: null,
    });
    expect(statusWrites()).toBe(before + 1);
    expect((await runCr('summary-1')).status).toEqual({
      phase: 'Running',
      message: '',
      progress: '0/1',
      startTime: '2026-11-26T01:00:00Z',
    });
  });

  it('leaves pods alone for a new executor and reads their state again (restart)', async () => {
    await kit.h.createWorkflow('again', [sh('build', 'make')]);
    const runId = await kit.h.start('again');
    const handle = await started(executor, launchOf(runId, 'build', 1, [{ name: 'KWOK_RUN_DURATION', value: '1h' }]));
    const restarted = kit.makeExecutor();
    expect(restarted.isOrphan(handle)).toBe(false);
    const pod: V1Pod = await waitFor(() => readPod('again-1-build-1'), {
      until: (p) => p.status?.phase === 'Running',
      what: 'pod again-1-build-1 to run',
      timeoutMs: 30_000,
    });
    expect(pod.status?.phase).toBe('Running');
    expect(await restarted.observe({ runId, stage: 'build', attempt: 1, handle, message: '' })).toBeUndefined();
    restarted.kill(handle);
    await waitFor(() => isGone('again-1-build-1'), { what: 'pod again-1-build-1 to be gone', timeoutMs: 10_000 });
  });
});
