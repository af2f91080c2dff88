import type { StageCache } from './caches.js';

/**
 * Acceleration (the original Cyclone's `workflowrun.cyclone.dev/acceleration: "true"`
 * label on a Workflow or WorkflowRun): the build tools' home folders of every stage
 * that runs a container are kept per project and stage between runs, through the
 * stage caches. Each folder lives in the workspace under ACCELERATION_ROOT/<stage>/ and
 * is shown to the stage at /root/<folder> (a container or pod) or as its $HOME (a host
 * process, whose home is that folder); before the stage the newest entry is restored,
 * after it succeeds the folders are saved as a new entry.
 */
export const ACCELERATION_LABEL = 'workflowrun.cyclone.dev/acceleration';

/** Under /root in a container: Maven, Gradle, npm, the XDG cache (Go's build cache, pip…), Ivy. */
export const ACCELERATED_FOLDERS = ['.m2', '.gradle', '.npm', '.cache', '.ivy2'] as const;

/** Where a container stage finds the folders. */
export const ACCELERATED_HOME = '/root';

/** The workspace folder that holds the accelerated folders of each stage. */
export const ACCELERATION_ROOT = '.cyclone-acceleration';

/** The workspace-relative home of a stage's accelerated folders. */
export function accelerationHome(stage: string): string {
  return `${ACCELERATION_ROOT}/${stage}`;
}

/** Each accelerated folder of a stage: where it lives in the workspace and where a container sees it. */
export function acceleratedFolders(stage: string): { workspacePath: string; containerPath: string }[] {
  return ACCELERATED_FOLDERS.map((folder) => ({
    workspacePath: `${accelerationHome(stage)}/${folder}`,
    containerPath: `${ACCELERATED_HOME}/${folder}`,
  }));
}

/**
 * The stage cache acceleration adds: one entry per run, so the newest always wins
 * (entries are immutable), restored from the newest of the same project and stage.
 */
export function accelerationCache(project: string, stage: string, runId: string): StageCache {
  const prefix = `acceleration/${project}/${stage}/`;
  return {
    key: `${prefix}${runId}`,
    paths: acceleratedFolders(stage).map((folder) => folder.workspacePath),
    restoreKeys: [prefix],
  };
}

/** True for a label value that turns acceleration on (as the original reads it). */
export function isAccelerationOn(value: unknown): boolean {
  return value === true || value === 'true';
}
