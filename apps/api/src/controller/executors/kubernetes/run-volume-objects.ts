import type { RunVolume } from '@cyclone/domain';
import { apiStatusOf, type KubeClients, LABELS, MANAGED_BY } from '@cyclone/k8s';

/**
 * The claims and Secrets a run mounts (its volumes, its persistent resources' claims)
 * must be the tenant's own: Cyclone's (a run's workspace claim, an attempt's Secret
 * with its stage token, an integration's credentials) carry its managed-by label and
 * are refused, as are ones that do not exist (a pod would wait for them forever).
 * ConfigMaps hold no secrets and are not read. Each throws the reason the stage fails with.
 */
export async function requireTenantObjects(
  clients: KubeClients,
  namespace: string,
  volumes: readonly RunVolume[],
): Promise<void> {
  for (const volume of volumes) {
    const name = volume.objectName as string;
    if (volume.type === 'PVC') await requireTenantClaim(clients, namespace, name);
    else if (volume.type === 'Secret') await requireTenantSecret(clients, namespace, name);
  }
}

export async function requireTenantClaim(clients: KubeClients, namespace: string, name: string): Promise<void> {
  let labels: Record<string, string> | undefined;
  try {
    labels = (await clients.core.readNamespacedPersistentVolumeClaim({ name, namespace })).metadata?.labels;
  } catch (err) {
    if (apiStatusOf(err) === 404) throw new Error(`claim "${name}" does not exist in namespace ${namespace}`);
    throw err;
  }
  if (isCyclones(labels)) throw new Error(`claim "${name}" is Cyclone's own, not a volume a run may mount`);
}

async function requireTenantSecret(clients: KubeClients, namespace: string, name: string): Promise<void> {
  // The controller may list a tenant namespace's Secrets, not get one: a list of one name.
  const found = await clients.core.listNamespacedSecret({ namespace, fieldSelector: `metadata.name=${name}` });
  const secret = found.items[0];
  if (!secret) throw new Error(`Secret "${name}" does not exist in namespace ${namespace}`);
  if (isCyclones(secret.metadata?.labels)) {
    throw new Error(`Secret "${name}" is Cyclone's own, not a volume a run may mount`);
  }
}

const isCyclones = (labels: Record<string, string> | undefined) => labels?.[LABELS.managedBy] === MANAGED_BY;
