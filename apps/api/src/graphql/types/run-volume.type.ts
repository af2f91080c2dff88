import type { ContainerGroup, RunVolumeType as DomainVolumeType, RunVolume, RunVolumeDraft } from '@cyclone/domain';
import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';

export enum RunVolumeType {
  PVC = 'PVC',
  SECRET = 'SECRET',
  CONFIG_MAP = 'CONFIG_MAP',
}
registerEnumType(RunVolumeType, {
  name: 'RunVolumeType',
  description:
    "What a run volume mounts: a claim, Secret or ConfigMap of the tenant namespace (the original's PVC, Secret, ConfigMap).",
});

export enum RunVolumeContainers {
  WORKLOAD = 'WORKLOAD',
  SIDECAR = 'SIDECAR',
  ALL = 'ALL',
}
registerEnumType(RunVolumeContainers, {
  name: 'RunVolumeContainers',
  description:
    "Which containers of a stage pod mount it (the original's containerGroup): the stage's own, Cyclone's helper and inputs containers and the stage's services, or all.",
});

const TYPES: Record<RunVolumeType, DomainVolumeType> = { PVC: 'PVC', SECRET: 'Secret', CONFIG_MAP: 'ConfigMap' };
const GROUPS: Record<RunVolumeContainers, ContainerGroup> = { WORKLOAD: 'Workload', SIDECAR: 'Sidecar', ALL: 'All' };
const invert = <K extends string, V extends string>(map: Record<K, V>) =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k])) as Record<V, K>;

@ObjectType('RunVolume', {
  simpleResolvers: true,
  description:
    "A volume a run's stage pods mount (the original's WorkflowRun spec.volumes; Kubernetes executor only, docs/security.md).",
})
export class RunVolumeObject {
  @Field(() => RunVolumeType)
  type!: RunVolumeType;

  @Field(() => String, { nullable: true, description: 'The claim, Secret or ConfigMap.' })
  objectName?: string;

  @Field(() => String, {
    description:
      'PVC: the folder of the claim mounted (empty: its root); Secret and ConfigMap: the key (empty: every key).',
  })
  path!: string;

  @Field(() => String)
  mountPath!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Secret and ConfigMap: the file name of the key (default: the key).',
  })
  subPath?: string;

  @Field(() => RunVolumeContainers)
  containers!: RunVolumeContainers;
}

@InputType('RunVolumeInput')
export class RunVolumeInput {
  @Field(() => RunVolumeType)
  type!: RunVolumeType;

  @Field(() => String, { nullable: true, description: 'The claim, Secret or ConfigMap (required).' })
  objectName?: string;

  @Field(() => String, { nullable: true })
  path?: string;

  @Field(() => String)
  mountPath!: string;

  @Field(() => String, { nullable: true })
  subPath?: string;

  @Field(() => RunVolumeContainers, { nullable: true, description: 'Default: WORKLOAD.' })
  containers?: RunVolumeContainers;
}

/** The input as the domain writes it (checked by runVolumesSchema after). */
export function toRunVolume(input: RunVolumeInput): RunVolumeDraft {
  return {
    type: TYPES[input.type],
    ...(input.objectName != null ? { objectName: input.objectName } : {}),
    ...(input.path != null ? { path: input.path } : {}),
    mountPath: input.mountPath,
    ...(input.subPath != null ? { subPath: input.subPath } : {}),
    ...(input.containers != null ? { containerGroup: GROUPS[input.containers] } : {}),
  };
}

const TYPE_OF = invert(TYPES);
const GROUP_OF = invert(GROUPS);

export function toRunVolumeObject(volume: RunVolume): RunVolumeObject {
  return {
    type: TYPE_OF[volume.type],
    ...(volume.objectName ? { objectName: volume.objectName } : {}),
    path: volume.path,
    mountPath: volume.mountPath,
    ...(volume.subPath ? { subPath: volume.subPath } : {}),
    containers: GROUP_OF[volume.containerGroup],
  };
}
