import type { ContainerGroup, RunVolume } from '@cyclone/domain';
import type { V1Container } from '@cyclone/k8s';

type PodVolume = Record<string, unknown> & { name: string };
type Mount = NonNullable<V1Container['volumeMounts']>[number];

const volumeName = (index: number) => `run-volume-${index}`;

/** The pod volumes of a run's volumes (the original's WorkflowRun spec.volumes), in their order. */
export function runPodVolumes(volumes: readonly RunVolume[]): PodVolume[] {
  return volumes.map((volume, index) => {
    const name = volumeName(index);
    const object = volume.objectName as string;
    if (volume.type === 'PVC') return { name, persistentVolumeClaim: { claimName: object } };
    // One key, as the file `subPath` (default: the key); no key: every key of the object.
    const items = volume.path ? { items: [{ key: volume.path, path: volume.subPath ?? volume.path }] } : {};
    return volume.type === 'Secret'
      ? { name, secret: { secretName: object, ...items } }
      : { name, configMap: { name: object, ...items } };
  });
}

/** The mounts of the run's volumes for one group of a stage pod's containers. */
export function runVolumeMounts(volumes: readonly RunVolume[], group: Exclude<ContainerGroup, 'All'>): Mount[] {
  return volumes.flatMap((volume, index) => {
    if (volume.containerGroup !== 'All' && volume.containerGroup !== group) return [];
    const mount: Mount = { name: volumeName(index), mountPath: volume.mountPath };
    if (volume.type === 'PVC') return [{ ...mount, ...(volume.path ? { subPath: volume.path } : {}) }];
    return [{ ...mount, readOnly: true }];
  });
}
