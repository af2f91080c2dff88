// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Pod } from '@cyclone/k8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh, stageOf } from '../../../testing/stage-io.js';
import { waitFor } from '../../../testing/wait.js';
import { type ExecutorKit, KWOK_RUN_DURATION, startExecutorKit } from './kube-executor.fixture.js';
import { workspaceClaimName } from './names.js';

interface Transfer {
  apiUrl: string;
  token: string;
  log: (line: string) => void;
}
/** The stage helper's own transfer functions (packages/stage-helper, outside this package's sources). */
interface HelperArtifacts {
  uploadArtifact(transfer: Transfer, artifact: { name: string; path: string }): Promise<boolean>;
  downloadArtifact(transfer: Transfer, artifact: { name: string; path: string }): Promise<void>;
}
const HELPER_ARTIFACTS = fileURLToPath(
  new URL('../../../../../../packages/stage-helper/src/artifacts.ts', import.meta.url),
);
const { uploadArtifact, downloadArtifact } = (await import(/* @vite-ignore */ HELPER_ARTIFACTS)) as HelperArtifacts;

/**
 * Artifacts on the Kubernetes executor, on the real kube-apiserver with kwok nodes.
 * kwok pods run no containers, so the test plays their helper: while a stage's pod
 * runs, it calls the stage helper's own upload and download functions with the
 * token and settings from that pod's spec, against the real API routes.
 */
describe('artifacts and values on Kubernetes', () => {
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

  const runningPod = (name: string) =>
    waitFor(() => kit.clients.core.readNamespacedPod({ name, namespace: kit.namespace }).catch(() => undefined), {
      until: (pod) => pod?.status?.phase === 'Running',
      what: 'the stage pod to run',
      timeoutMs: 30_000,
    }) as Promise<V1Pod>;
  const envOf = (pod: V1Pod, container: string, name: string) =>
    [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
      .find((c) => c.name === container)
      ?.env?.find((e) => e.name === name)?.value as string;
  /** The stage token, as the kubelet gives it to the container: from the attempt's Secret. */
  const tokenOf = async (pod: V1Pod, container: string) => {
    const ref = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
      .find((c) => c.name === container)
      ?.env?.find((e) => e.name === 'CYCLONE_STAGE_TOKEN')?.valueFrom?.secretKeyRef;
    if (!ref?.name) throw new Error(`the ${container} container takes no stage token from a Secret`);
    const secret = await kit.clients.core.readNamespacedSecret({ name: ref.name, namespace: kit.namespace });
    return Buffer.from(secret.data?.[ref.key] ?? '', 'base64').toString('utf8');
  };
  const log: string[] = [];
  const transferOf = async (pod: V1Pod, container: string) => ({
    apiUrl: envOf(pod, container, 'CYCLONE_API_URL'),
    token: await tokenOf(pod, container),
    log: (line: string) => log.push(line),
  });

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

  it('uploads output artifacts from a stage pod and downloads them into the downstream stage', async () => {
    // Long enough for the test to act as the helper while each pod runs, even on a busy machine.
    const slow = { env: [{ name: KWOK_RUN_DURATION, value: '12s' }] };
    await kit.h.createWorkflow('art', [
      sh('build', 'make', { ...slow, outputs: { artifacts: [{ name: 'app', path: 'out/app.bin' }] } }),
      sh('use', 'run', {
        ...slow,
        dependsOn: ['build'],
        inputs: { artifacts: [{ name: 'app', path: '/workspace/got/app.bin', source: 'build/app' }] },
      }),
    ]);
    await provideVolume('art-1');
    const runId = await kit.h.start('art');

    const build = await runningPod('art-1-build-1');
    const outputs = JSON.parse(envOf(build, 'helper', 'CYCLONE_OUTPUT_ARTIFACTS'));
    expect(outputs).toEqual([{ name: 'app', path: '/workspace/out/app.bin' }]);
    // The helper's upload, from where this machine keeps the file the workload wrote.
    const local = join(mkdtempSync(join(tmpdir(), 'art-')), 'app.bin');
    writeFileSync(local, 'binary-bytes');
    const isUploaded = await uploadArtifact(await transferOf(build, 'helper'), { name: 'app', path: local });
    expect(isUploaded, log.join('\n')).toBe(true);
    expect(log.at(-1)).toMatch(/^\[cyclone\] stored artifact "app" \(file, 12 bytes, sha256 [0-9a-f]{64}\)$/);

    const use = await runningPod('art-1-use-1');
    const inputs = JSON.parse(envOf(use, 'inputs', 'CYCLONE_INPUTS'));
    expect(inputs.artifacts).toEqual([{ name: 'app', path: '/workspace/got/app.bin', isDirectory: false }]);
    const target = join(mkdtempSync(join(tmpdir(), 'got-')), 'app.bin');
    await downloadArtifact(await transferOf(use, 'inputs'), { name: 'app', path: target });
    expect(readFileSync(target, 'utf8')).toBe('binary-bytes');

    const run = await kit.h.waitEnd(runId, 60_000);
    expect(run.phase).toBe('SUCCEEDED');
    expect(run.artifacts).toEqual([expect.objectContaining({ stage: 'build', name: 'app', size: 12 })]);
  });

  it('fails a zero exit whose declared artifacts were not uploaded', async () => {
    await kit.h.createWorkflow('lost', [
      sh('build', 'make', { outputs: { artifacts: [{ name: 'app', path: 'out/app.bin' }] } }),
    ]);
    const run = await kit.h.waitEnd(await kit.h.start('lost'), 60_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'build').message).toBe('output artifacts: "app" not stored (see the stage log)');
  });

  it('runs the image with ${…} values substituted, as command and env are', async () => {
    await kit.h.createWorkflow(
      'tagged',
      [sh('build', 'make', { image: 'registry.example/app:${variables.TAG}' })],
      [{ name: 'TAG', value: 'v1' }],
    );
    const runId = await kit.h.start('tagged', [{ name: 'variables.TAG', value: 'v2' }]);
    const pod = await waitFor(
      () =>
        kit.clients.core
          .readNamespacedPod({ name: 'tagged-1-build-1', namespace: kit.namespace })
          .catch(() => undefined),
      { until: (found) => found !== undefined, what: 'pod tagged-1-build-1', timeoutMs: 30_000 },
    );
    expect(pod?.spec?.containers[0]?.image).toBe('registry.example/app:v2');
    expect((await kit.h.waitEnd(runId, 60_000)).phase).toBe('SUCCEEDED');
  });
});
