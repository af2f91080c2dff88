import { z } from 'zod';
import { dnsLabelSchema } from './dns-label-schema.js';

/**
 * Volumes a run gives its stage pods (the original's WorkflowRun `spec.volumes`):
 * a claim, Secret or ConfigMap of the tenant namespace mounted at `mountPath` in the
 * containers of `containerGroup`. HostPath is refused: tenant namespaces enforce Pod
 * Security (baseline or restricted), which forbids host paths.
 */
export const RUN_VOLUME_TYPES = ['PVC', 'Secret', 'ConfigMap'] as const;
export type RunVolumeType = (typeof RUN_VOLUME_TYPES)[number];
/** Which containers of a stage pod mount it: the stage's own, Cyclone's helpers and services, or all. */
export const CONTAINER_GROUPS = ['Workload', 'Sidecar', 'All'] as const;
export type ContainerGroup = (typeof CONTAINER_GROUPS)[number];

/** Folders of a stage pod that a run volume may not cover (the workspace and the helpers' own). */
const RESERVED_MOUNTS = ['/workspace', '/cyclone'];

const relativePath = z
  .string()
  .max(255)
  .refine((path) => !path.startsWith('/') && !path.split('/').includes('..'), {
    message: 'must be a relative path that stays inside the volume',
  });

export const runVolumeSchema = z
  .object({
    type: z.enum(RUN_VOLUME_TYPES, { message: `must be one of ${RUN_VOLUME_TYPES.join(', ')}` }),
    /** The claim, Secret or ConfigMap (PVC: defaults to the run's `executionContext.pvc`). */
    objectName: dnsLabelSchema.optional(),
    /** PVC: the folder of the claim mounted (empty: its root); Secret and ConfigMap: the key mounted (empty: every key). */
    path: relativePath.default(''),
    /** Where the containers see it. */
    mountPath: z
      .string()
      .max(255)
      .refine((path) => path.startsWith('/') && !path.split('/').includes('..'), {
        message: 'must be an absolute path',
      })
      .refine((path) => !RESERVED_MOUNTS.some((reserved) => path === reserved || path.startsWith(`${reserved}/`)), {
        message: `must not be ${RESERVED_MOUNTS.join(' or ')} or under them (Cyclone mounts those)`,
      })
      .refine((path) => path.replace(/\/+$/, '') !== '', { message: 'must not be the root folder' }),
    /** Secret and ConfigMap: the file name the key gets (default: the key). */
    subPath: relativePath.optional(),
    containerGroup: z.enum(CONTAINER_GROUPS).default('Workload'),
  })
  .superRefine((volume, ctx) => {
    if (volume.type !== 'PVC' && !volume.objectName) {
      ctx.addIssue({ code: 'custom', path: ['objectName'], message: `a ${volume.type} volume names its object` });
    }
    if (volume.type === 'PVC' && volume.subPath !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['subPath'],
        message: 'is for Secret and ConfigMap volumes: a PVC mounts `path`',
      });
    }
  });

export type RunVolume = z.output<typeof runVolumeSchema>;
/** A volume as given, before defaults. */
export type RunVolumeDraft = z.input<typeof runVolumeSchema>;

/** At most this many per run: each is a volume of every stage pod. */
export const MAX_RUN_VOLUMES = 16;
export const runVolumesSchema = z.array(runVolumeSchema).max(MAX_RUN_VOLUMES, {
  message: `at most ${MAX_RUN_VOLUMES} volumes`,
});

/** The claim a PVC volume mounts: its own, else the run's `executionContext.pvc`. */
export function volumeClaim(volume: RunVolume, executionPvc: string | undefined): string | undefined {
  return volume.objectName ?? executionPvc;
}
