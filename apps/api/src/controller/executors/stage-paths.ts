import { posix } from 'node:path';

/** Where the run workspace is mounted in every stage container (pods and the container executor). */
export const WORKSPACE_MOUNT = '/workspace';
/** A stage container's private scratch folder: `$CYCLONE_RESULTS` and, in pods, the helper's files. */
export const HELPER_MOUNT = '/cyclone';

/** Label keys of run objects (ARCHITECTURE.md §5), beside the common ones in @cyclone/k8s. */
export const RUN_LABEL = 'cyclone.dev/run';
export const STAGE_LABEL = 'cyclone.dev/stage';
export const ATTEMPT_LABEL = 'cyclone.dev/attempt';

/**
 * A stage path as a container sees it: relative paths are under the workspace
 * mount, and nothing may leave it (`/workspace/src` and `src` are the same place).
 */
export function containerPath(path: string): string {
  const absolute = posix.resolve(WORKSPACE_MOUNT, path);
  if (absolute !== WORKSPACE_MOUNT && !absolute.startsWith(`${WORKSPACE_MOUNT}/`)) {
    throw new Error(`path "${path}" is outside ${WORKSPACE_MOUNT}, the run workspace shared by the stage containers`);
  }
  return absolute;
}

/** The same place relative to the workspace root (`.` for the root itself), for host-side preparation. */
export function workspaceRelative(path: string): string {
  return posix.relative(WORKSPACE_MOUNT, containerPath(path)) || '.';
}
