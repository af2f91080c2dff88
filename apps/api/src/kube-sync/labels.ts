import { LABELS, MANAGED_BY } from '@cyclone/k8s';

/** Label key of the installation, so two Cyclones can share a cluster without pruning each other. */
export const INSTANCE_LABEL = 'cyclone.dev/instance';

/** Finalizer of an ExecutionCluster: its tenant namespaces in the worker cluster are removed first. */
export const WORKER_CLEANUP_FINALIZER = 'cyclone.dev/worker-cleanup';

export type SyncObjectType =
  | 'tenant'
  | 'project'
  | 'resource'
  | 'stage'
  | 'workflow'
  | 'trigger'
  | 'integration'
  | 'cluster';

export interface OwnerNames {
  tenant: string;
  project?: string;
  workflow?: string;
}

/** The labels every object Cyclone writes carries: who manages it, whose it is, which row it mirrors. */
export function managedLabels(
  instance: string,
  objectType: SyncObjectType,
  id: string,
  owner: OwnerNames,
): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [INSTANCE_LABEL]: instance,
    [LABELS.objectType]: objectType,
    [LABELS.id]: id,
    [LABELS.tenant]: owner.tenant,
    ...(owner.project ? { [LABELS.project]: owner.project } : {}),
    ...(owner.workflow ? { [LABELS.workflow]: owner.workflow } : {}),
  };
}

export const instanceSelector = (instance: string) => `${LABELS.managedBy}=${MANAGED_BY},${INSTANCE_LABEL}=${instance}`;

/** This installation's tenant namespaces in the control cluster. */
export const tenantNamespaceSelector = (instance: string) =>
  `${instanceSelector(instance)},${LABELS.objectType}=tenant`;
