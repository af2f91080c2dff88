import {
  apiMessageOf,
  apiStatusOf,
  applyObject,
  CYCLONE_API_VERSION,
  CYCLONE_GROUP,
  CYCLONE_VERSION,
  deleteObject,
  type KubeClients,
  type KubernetesObject,
  kubeConfigFromString,
  makeClients,
  PatchStrategy,
  setHeaderOptions,
} from '@cyclone/k8s';
import type { Logger } from '../logging/logger.js';
import { outboundConnectGuard } from '../modules/outbound/outbound-policy.js';
import {
  type ClusterCondition,
  clusterConditions,
  isSameConditions,
  NO_KUBECONFIG,
  PREPARE_PREFIX,
  UNREACHABLE_PREFIX,
} from './cluster-conditions.js';
import type { DesiredObject } from './cyclone-objects.js';
import type { ClusterRegistration, DesiredState, SyncGroup } from './desired-state.js';
import type { GroupOutcome } from './kube-reconciler.js';
import { INSTANCE_LABEL, managedLabels, WORKER_CLEANUP_FINALIZER } from './labels.js';
import type { LiveObject } from './live-state.js';
import { buildTenantObjects, tenantNamespace } from './tenant-objects.js';

export const CLUSTER_LABEL = 'cyclone.dev/cluster';
/** Give up on a worker cluster's cleanup (unreachable for good) after this long. */
const FINALIZE_GIVE_UP_MS = 10 * 60_000;

export interface ClusterSync {
  group: SyncGroup;
  outcome: GroupOutcome;
  isFinalizing?: boolean;
}

interface SyncClustersArgs {
  desired: DesiredState;
  live: Map<string, LiveObject>;
  config: { instance: string; namespace: string; egressDeny?: readonly string[] };
  logger: Logger;
  /** The control cluster. */
  clients: KubeClients;
  workerClients?: (kubeconfig: string) => KubeClients;
  apply(group: SyncGroup): Promise<GroupOutcome>;
}

/** ExecutionCluster name of a tenant's KUBERNETES integration. */
export const executionClusterName = (tenant: string, integration: string) => `${tenant}.${integration}`;
const kubeconfigSecretName = (tenant: string, integration: string) => `cluster-${tenant}-${integration}`;

/**
 * The control-cluster side of a worker cluster: a Secret with its kubeconfig in
 * Cyclone's namespace and a cluster-scoped ExecutionCluster that references it
 * (and carries no credentials). The finalizer lets the reconciler remove the
 * tenant namespace it prepared in the worker cluster before the kubeconfig goes.
 */
export function clusterGroup(
  registration: ClusterRegistration,
  config: { instance: string; namespace: string },
): SyncGroup {
  const { tenant, integration } = registration;
  const labels = managedLabels(config.instance, 'cluster', registration.integrationId, { tenant: tenant.name });
  const secretName = kubeconfigSecretName(tenant.name, integration);
  const objects: DesiredObject[] = [
    {
      object: {
        apiVersion: CYCLONE_API_VERSION,
        kind: 'ExecutionCluster',
        metadata: {
          name: executionClusterName(tenant.name, integration),
          labels,
          finalizers: [WORKER_CLEANUP_FINALIZER],
        },
        spec: {
          ...(registration.description ? { description: registration.description } : {}),
          ...(registration.server ? { server: registration.server } : {}),
          tenant: tenant.name,
          secretRef: { namespace: config.namespace, name: secretName, key: 'kubeconfig' },
          namespacePrefix: 'cyclone-',
        },
      },
    },
    {
      object: {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name: secretName, namespace: config.namespace, labels },
        data: { kubeconfig: Buffer.from(registration.kubeconfig ?? '', 'utf8').toString('base64') },
      } as DesiredObject['object'],
    },
  ];
  return {
    type: 'cluster',
    id: registration.integrationId,
    tenantId: tenant.id,
    sourceUpdatedAt: registration.updatedAt,
    objects,
    absent: [],
    ...(registration.kubeconfig ? {} : { buildError: NO_KUBECONFIG }),
  };
}

/** Tenant kubeconfigs: checked at load, every connection through the outbound policy. */
const defaultWorkerClients = (kubeconfig: string) =>
  makeClients(kubeConfigFromString(kubeconfig, outboundConnectGuard()));

/** Registers every worker cluster, prepares its tenant namespace, and finalizes removed ones. */
export async function syncClusters(args: SyncClustersArgs): Promise<ClusterSync[]> {
  const { desired, config } = args;
  const workerClients = args.workerClients ?? defaultWorkerClients;
  const results: ClusterSync[] = [];
  for (const registration of desired.clusters) {
    const group = clusterGroup(registration, config);
    const outcome = await args.apply(group);
    if (!outcome.error && registration.kubeconfig) {
      try {
        const worker = workerClients(registration.kubeconfig);
        await worker.core.getAPIResources();
        try {
          await prepareWorker(worker, registration, config);
        } catch (err) {
          outcome.error = `${PREPARE_PREFIX}${apiMessageOf(err)}`;
        }
      } catch (err) {
        outcome.error = `${UNREACHABLE_PREFIX}${apiMessageOf(err)}`;
      }
    }
    await writeConditions(args, executionClusterName(registration.tenant.name, registration.integration), outcome);
    results.push({ group, outcome });
  }
  let isFinalizing = false;
  for (const cluster of args.live.values()) {
    if (cluster.kind !== 'ExecutionCluster' || !cluster.metadata?.deletionTimestamp) continue;
    if (!cluster.metadata.finalizers?.includes(WORKER_CLEANUP_FINALIZER)) continue;
    isFinalizing = true;
    await finalizeCluster(args, workerClients, cluster);
  }
  for (const result of results) result.isFinalizing = isFinalizing;
  return results;
}

/**
 * Ready and NamespacePrepared on the ExecutionCluster's status, written only when
 * one of them changed (an unchanged world writes nothing). A status write that fails
 * is logged and tried again on the next pass.
 */
async function writeConditions(args: SyncClustersArgs, name: string, outcome: GroupOutcome): Promise<void> {
  const live = args.live.get(`ExecutionCluster//${name}`) as
    | (LiveObject & { status?: { conditions?: Partial<ClusterCondition>[] } })
    | undefined;
  // Not registered (its apply failed, or it did not exist before this pass and the list is older).
  const previous = live?.status?.conditions;
  const conditions = clusterConditions({ error: outcome.error }, previous, new Date());
  if (isSameConditions(previous, conditions)) return;
  try {
    await args.clients.customObjects.patchClusterCustomObjectStatus(
      {
        group: CYCLONE_GROUP,
        version: CYCLONE_VERSION,
        plural: 'executionclusters',
        name,
        body: { status: { conditions } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (err) {
    if (apiStatusOf(err) !== 404)
      args.logger.warn({ cluster: name, err: apiMessageOf(err) }, 'cluster status not written');
  }
}

/** The tenant's namespace (quota, RBAC, network policy) in the worker cluster; others of this cluster are removed. */
async function prepareWorker(
  worker: KubeClients,
  registration: ClusterRegistration,
  config: { instance: string; egressDeny?: readonly string[] },
): Promise<void> {
  const clusterName = executionClusterName(registration.tenant.name, registration.integration);
  const { objects, absent } = buildTenantObjects(registration.tenant, {
    instance: config.instance,
    egressDeny: config.egressDeny,
  });
  for (const object of objects) {
    object.metadata = { ...object.metadata, labels: { ...object.metadata?.labels, [CLUSTER_LABEL]: clusterName } };
    await applyObject(worker.objects, object);
  }
  for (const object of absent) await deleteObject(worker.objects, object);
  const keep = tenantNamespace(registration.tenant.name);
  for (const ns of await workerNamespaces(worker, config.instance, clusterName)) {
    if (ns.metadata?.name !== keep) await deleteObject(worker.objects, ns);
  }
}

async function workerNamespaces(
  worker: KubeClients,
  instance: string,
  clusterName: string,
): Promise<KubernetesObject[]> {
  const list = await worker.core.listNamespace({
    labelSelector: `${INSTANCE_LABEL}=${instance},${CLUSTER_LABEL}=${clusterName}`,
  });
  return list.items.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.metadata?.name } }));
}

/** Removes what Cyclone prepared in the worker cluster, then the kubeconfig, then the finalizer. */
async function finalizeCluster(
  args: SyncClustersArgs,
  workerClients: (kubeconfig: string) => KubeClients,
  cluster: LiveObject,
): Promise<void> {
  const { live, logger, config } = args;
  const name = cluster.metadata?.name as string;
  const ref = (cluster.spec as { secretRef?: { namespace: string; name: string; key?: string } }).secretRef;
  const secret = ref ? live.get(`Secret/${ref.namespace}/${ref.name}`) : undefined;
  const encoded = secret?.data?.[ref?.key ?? 'kubeconfig'];
  const deletedAt = new Date(cluster.metadata?.deletionTimestamp as string | Date).getTime();
  try {
    if (encoded) {
      const worker = workerClients(Buffer.from(encoded, 'base64').toString('utf8'));
      for (const ns of await workerNamespaces(worker, config.instance, name)) await deleteObject(worker.objects, ns);
    }
  } catch (err) {
    if (Date.now() - deletedAt < FINALIZE_GIVE_UP_MS) {
      logger.warn({ cluster: name, err: apiMessageOf(err) }, 'worker cluster cleanup failed; retrying');
      return;
    }
    logger.error({ cluster: name, err: apiMessageOf(err) }, 'worker cluster unreachable; giving up its cleanup');
  }
  if (secret) await deleteObject(args.clients.objects, secret);
  await args.clients.objects.patch(
    { apiVersion: CYCLONE_API_VERSION, kind: 'ExecutionCluster', metadata: { name, finalizers: [] } },
    undefined,
    undefined,
    'cyclone',
    undefined,
    'application/merge-patch+json',
  );
}
