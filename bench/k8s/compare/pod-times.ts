import type { KubeClients, V1Pod } from '../../../packages/k8s/dist/index.js';
import { resilientWatch } from './resilient-watch.js';

/**
 * When this process saw each run's pod appear and end (a watch on one namespace; the
 * same clock for every system compared), keyed by the value of a pod label naming the run.
 */
export async function watchPodTimes(clients: KubeClients, namespace: string, runLabel: string) {
  const created = new Map<string, number>();
  const exited = new Map<string, number>();
  const watch = await resilientWatch<V1Pod>(clients, `/api/v1/namespaces/${namespace}/pods`, (type, pod) => {
    const run = pod.metadata?.labels?.[runLabel];
    if (!run) return;
    const now = Date.now();
    if (!created.has(run)) created.set(run, now);
    const phase = pod.status?.phase;
    if (type !== 'DELETED' && (phase === 'Succeeded' || phase === 'Failed') && !exited.has(run)) exited.set(run, now);
  });
  return {
    created,
    exited,
    stop: watch.stop,
  };
}
