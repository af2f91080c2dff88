import type { V1Container } from '@cyclone/k8s';
import type { ResourcePull } from '../stage-inputs.js';

type Mount = NonNullable<V1Container['volumeMounts']>[number];

/** Where the inputs container sees the kept copy of its resource number `index`. */
export const keptMountPath = (index: number) => `/cyclone-kept/${index}`;
const keptVolumeName = (index: number) => `kept-${index}`;
/** The claim's folder of a kept copy: the original's `persistent.path`, relative to the claim. */
const claimFolder = (path: string) => path.replace(/^\/+/, '').replace(/\/+$/, '');

/**
 * Persistent resources (the original's `spec.persistent {pvc, path}`) on Kubernetes:
 * the claim is mounted in the inputs container only, at the resource's folder, where
 * the stage helper keeps the copy between runs and copies it into the run workspace.
 */
export function keptResourceVolumes(
  resources: readonly ResourcePull[],
): (Record<string, unknown> & { name: string })[] {
  return resources.flatMap((pull, index) =>
    pull.persistent
      ? [{ name: keptVolumeName(index), persistentVolumeClaim: { claimName: pull.persistent.claim.pvc } }]
      : [],
  );
}

export function keptResourceMounts(resources: readonly ResourcePull[]): Mount[] {
  return resources.flatMap((pull, index) => {
    if (!pull.persistent) return [];
    const subPath = claimFolder(pull.persistent.claim.path);
    return [{ name: keptVolumeName(index), mountPath: keptMountPath(index), ...(subPath ? { subPath } : {}) }];
  });
}
