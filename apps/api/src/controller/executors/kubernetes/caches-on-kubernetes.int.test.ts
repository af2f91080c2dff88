// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Pod } from '@cyclone/k8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../../testing/stage-io.js';
import { waitFor } from '../../../testing/wait.js';
import { type ExecutorKit, KWOK_RUN_DURATION, startExecutorKit } from './kube-executor.fixture.js';

interface Transfer {
  apiUrl: string;
  token: string;
  log: (line: string) => void;
}
interface CacheSpec {
  key: string;
  paths: string[];
  restoreKeys: string[];
}
/** The stage helper's own cache functions (packages/stage-helper, outside this package's sources). */
interface HelperCaches {
  restoreCaches(transfer: Transfer, caches: CacheSpec[], workspace: string, stateFile: string): Promise<void>;
  saveCaches(transfer: Transfer, stateFile: string, workspace: string): Promise<void>;
}
const HELPER_CACHES = fileURLToPath(new URL('../../../../../../packages/stage-helper/src/caches.ts', import.meta.url));
const { restoreCaches, saveCaches } = (await import(/* @vite-ignore */ HELPER_CACHES)) as HelperCaches;

/**
 * Caches on the Kubernetes executor, on the real kube-apiserver with kwok nodes. kwok
 * pods run no containers, so the test plays their helper: while a stage's pod runs it
 * calls the helper's own restore (inputs container) and save (sidecar) with the token
 * and settings of that pod's spec, against the real API routes, on a local workspace.
 */
describe('stage caches on Kubernetes', () => {
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
  const containerOf = (pod: V1Pod, name: string) =>
    [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name);
  const envOf = (pod: V1Pod, container: string, name: string) =>
    containerOf(pod, container)?.env?.find((e) => e.name === name)?.value as string;
  const transferOf = async (pod: V1Pod, container: string, log: string[]) => {
    const ref = containerOf(pod, container)?.env?.find((e) => e.name === 'CYCLONE_STAGE_TOKEN')?.valueFrom
      ?.secretKeyRef;
    const secret = await kit.clients.core.readNamespacedSecret({ name: ref?.name ?? '', namespace: kit.namespace });
    return {
      apiUrl: envOf(pod, container, 'CYCLONE_API_URL'),
      token: Buffer.from(secret.data?.[ref?.key ?? ''] ?? '', 'base64').toString('utf8'),
      log: (line: string) => log.push(line),
    };
  };

  /** One attempt as its helper would do it: restore into a fresh workspace, let `work` change it, save. */
  async function playAttempt(podName: string, work: (workspace: string) => void) {
    const pod = await runningPod(podName);
    const spec = JSON.parse(envOf(pod, 'inputs', 'CYCLONE_INPUTS')) as { caches: CacheSpec[] };
    const workspace = mkdtempSync(join(tmpdir(), 'cache-ws-'));
    writeFileSync(join(workspace, 'go.sum'), 'x\n');
    const state = join(mkdtempSync(join(tmpdir(), 'cache-helper-')), 'caches.json');
    const log: string[] = [];
    await restoreCaches(await transferOf(pod, 'inputs', log), spec.caches, workspace, state);
    work(workspace);
    await saveCaches(await transferOf(pod, 'helper', log), state, workspace);
    return { spec, workspace, log, pod };
  }

  it('restores before and saves after a stage pod, keyed with hashFiles evaluated in the pod', async () => {
    const slow = { env: [{ name: KWOK_RUN_DURATION, value: '12s' }] };
    await kit.h.createWorkflow(
      'cached',
      [
        sh('build', 'make', {
          ...slow,
          caches: [{ key: "k8s-${variables.V}-${hashFiles('go.sum')}", paths: ['./deps/'], restoreKeys: ['k8s-'] }],
        }),
      ],
      [{ name: 'V', value: '1' }],
    );
    const hash = createHash('sha256').update('x\n').digest('hex');
    const first = await kit.h.start('cached');
    const one = await playAttempt('cached-1-build-1', (workspace) => {
      mkdirSync(join(workspace, 'deps'));
      writeFileSync(join(workspace, 'deps', 'lib.txt'), 'from run 1');
    });
    expect(one.spec.caches).toEqual([{ key: "k8s-1-${hashFiles('go.sum')}", paths: ['deps'], restoreKeys: ['k8s-'] }]);
    expect(one.pod.spec?.terminationGracePeriodSeconds).toBeGreaterThan(0);
    expect(one.log).toEqual([
      `[cyclone] cache miss for key k8s-1-${hash}`,
      `[cyclone] cache saved as key k8s-1-${hash} (10.0 kB)`,
    ]);
    expect((await kit.h.waitEnd(first, 60_000)).phase).toBe('SUCCEEDED');

    const second = await kit.h.start('cached', [{ name: 'variables.V', value: '2' }]);
    const two = await playAttempt('cached-2-build-1', () => undefined);
    expect(readFileSync(join(two.workspace, 'deps', 'lib.txt'), 'utf8')).toBe('from run 1');
    expect(two.log).toEqual([
      `[cyclone] cache restored from key k8s-1-${hash} for key k8s-2-${hash} (10.0 kB)`,
      `[cyclone] cache saved as key k8s-2-${hash} (10.0 kB)`,
    ]);
    expect((await kit.h.waitEnd(second, 60_000)).phase).toBe('SUCCEEDED');
    const keys = await kit.db.stageCache.findMany({ select: { key: true }, orderBy: { key: 'asc' } });
    expect(keys.map((row) => row.key)).toEqual([`k8s-1-${hash}`, `k8s-2-${hash}`]);
  });
});
