// Waits on the test cluster that every Kubernetes bench shares.
import type { KubeClients } from '../../../packages/k8s/dist/index.js';

/** Waits until the controller's Kubernetes reconciler prepared the tenant's namespace and its stage ServiceAccount. */
export async function waitForStageNamespace(clients: KubeClients, tenant: string): Promise<string> {
  const namespace = `cyclone-${tenant}`;
  for (let i = 0; ; i++) {
    const ok = await clients.core.readNamespacedServiceAccount({ name: 'cyclone-stage', namespace }).then(
      () => true,
      () => false,
    );
    if (ok) return namespace;
    if (i > 600) throw new Error(`namespace ${namespace} was not prepared`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for the delayed deletion (a GC delay after they end) of every pod of a namespace: those writes are the runs' too. */
export async function waitForPodsDeleted(clients: KubeClients, namespace: string): Promise<void> {
  for (let i = 0; ; i++) {
    const left = (await clients.core.listNamespacedPod({ namespace })).items.length;
    if (left === 0) return;
    if (i > 1200) throw new Error(`${left} pods of ${namespace} were never deleted`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
