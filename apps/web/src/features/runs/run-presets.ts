/** The Run dialog's Kubernetes settings: a service account and volumes (the original's WorkflowRun presets). */
export type VolumeType = 'PVC' | 'SECRET' | 'CONFIG_MAP';
export type VolumeContainers = 'WORKLOAD' | 'SIDECAR' | 'ALL';

export interface VolumeRow {
  type: VolumeType;
  objectName: string;
  path: string;
  mountPath: string;
  containers: VolumeContainers;
}

export const emptyVolumeRow = (): VolumeRow => ({
  type: 'PVC',
  objectName: '',
  path: '',
  mountPath: '',
  containers: 'WORKLOAD',
});

/** What the dialog sends: rows with nothing typed are left out; defaults are not repeated. */
export function volumesInput(rows: readonly VolumeRow[]) {
  return rows
    .filter((row) => row.objectName.trim() || row.mountPath.trim())
    .map((row) => ({
      type: row.type,
      objectName: row.objectName.trim(),
      ...(row.path.trim() ? { path: row.path.trim() } : {}),
      mountPath: row.mountPath.trim(),
      ...(row.containers !== 'WORKLOAD' ? { containers: row.containers } : {}),
    }));
}

/** The run page's line for one volume: `SECRET docker-config:config.json → /kaniko/.docker (ALL)`. */
export function volumeText(volume: {
  type: string;
  objectName?: string | null;
  path: string;
  mountPath: string;
  containers: string;
}): string {
  const source = `${volume.objectName ?? ''}${volume.path ? `:${volume.path}` : ''}`;
  return `${volume.type} ${source} → ${volume.mountPath}${volume.containers !== 'WORKLOAD' ? ` (${volume.containers})` : ''}`;
}
