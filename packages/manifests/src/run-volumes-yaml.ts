import { type RunVolume, runVolumeSchema } from '@cyclone/domain';
import type { FieldReader, Obj } from './fields.js';

const FIELDS = ['type', 'objectName', 'path', 'mountPath', 'subPath', 'containerGroup'] as const;

/**
 * A WorkflowRun's `spec.volumes`, as the original wrote them. A PVC volume without
 * `objectName` mounts `spec.executionContext.pvc`; HostPath is refused (tenant
 * namespaces enforce Pod Security, which forbids host paths).
 */
export function decodeRunVolumes(r: FieldReader, spec: Obj, p: string, executionPvc: string | undefined): RunVolume[] {
  const volumes: RunVolume[] = [];
  for (const { item, path } of r.objects(spec, 'volumes', p)) {
    const raw: Record<string, string> = {};
    for (const field of FIELDS) {
      const value = r.string(item, field, path);
      if (value !== undefined && value !== '') raw[field] = value;
    }
    if (raw.type === 'HostPath') {
      r.fail(
        `${path}.type`,
        'HostPath volumes are refused: tenant namespaces enforce Pod Security (baseline or restricted), which forbids host paths',
      );
      continue;
    }
    if (raw.type === 'PVC' && !raw.objectName && executionPvc) raw.objectName = executionPvc;
    if (raw.type === 'PVC' && !raw.objectName) {
      r.fail(`${path}.objectName`, 'a PVC volume names its claim here or in spec.executionContext.pvc');
      continue;
    }
    const parsed = runVolumeSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) r.fail(`${path}.${issue.path.join('.') || 'type'}`, issue.message);
      continue;
    }
    volumes.push(parsed.data);
  }
  return volumes;
}

/** The volumes as a WorkflowRun document writes them (defaults left out). */
export function encodeRunVolumes(volumes: readonly RunVolume[]): Record<string, string>[] | undefined {
  if (volumes.length === 0) return undefined;
  return volumes.map((volume) => ({
    type: volume.type,
    ...(volume.objectName ? { objectName: volume.objectName } : {}),
    ...(volume.path ? { path: volume.path } : {}),
    mountPath: volume.mountPath,
    ...(volume.subPath ? { subPath: volume.subPath } : {}),
    ...(volume.containerGroup !== 'Workload' ? { containerGroup: volume.containerGroup } : {}),
  }));
}
