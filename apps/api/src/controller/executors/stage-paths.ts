import { join, posix } from 'node:path';

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

/** Where a stage sees its run workspace, whatever runs it (sandbox, container, pod). */
export const STAGE_WORKSPACE = WORKSPACE_MOUNT;

/**
 * Top-level folders the sandbox provides itself (system, /proc, /tmp …): a stage
 * path may not name one, since the stage would not find there what is placed in
 * the workspace. The same rule holds with and without the sandbox.
 */
const SYSTEM_FOLDERS = new Set([
  'bin',
  'boot',
  'dev',
  'etc',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'opt',
  'proc',
  'run',
  'sbin',
  'sys',
  'tmp',
  'usr',
  'var',
]);

/**
 * A stage path as segments inside the run workspace: `/workspace/src` and `src`
 * are both `['src']` (the workspace itself is `[]`); another absolute path keeps
 * its segments (`/go/src/app` is `['go', 'src', 'app']`: the sandbox links `/go` to
 * `/workspace/go`). A path that climbs out (`..`) or names a system folder is refused.
 */
export function workspaceSegments(path: string): string[] {
  const isAbsolute = path.startsWith('/');
  const segments: string[] = isAbsolute ? [] : ['workspace'];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (segments.length === 0 || (!isAbsolute && segments.length === 1)) {
        throw new Error(`path "${path}" leaves the run workspace`);
      }
      segments.pop();
    } else segments.push(part);
  }
  if (segments[0] === 'workspace') return segments.slice(1);
  if (segments.length === 0) throw new Error(`path "${path}" is the root folder, not a place in the run workspace`);
  if (SYSTEM_FOLDERS.has(segments[0] as string)) {
    throw new Error(
      `path "${path}" is a system folder of the stage's sandbox: use ${STAGE_WORKSPACE}/… or a path relative to it`,
    );
  }
  return segments;
}

/** A stage path relative to the run workspace on the host (`.` for the workspace itself; `/go/src` is `go/src`). */
export function workspaceSubpath(path: string): string {
  return workspaceSegments(path).join('/') || '.';
}

/**
 * The top-level folders outside /workspace that stage paths name (`go` for /go/src/app):
 * a container sees each as its workspace folder, as the sandbox links it (host executor).
 */
export function outsideFolders(paths: readonly string[]): string[] {
  return [...new Set(paths.map(outsideFolder).filter((top) => top !== undefined))];
}

/** The host path of a stage path in the run workspace (see workspaceSegments). */
export function workspacePath(workspace: string, path: string): string {
  return join(workspace, ...workspaceSegments(path));
}

/** The top-level folder outside /workspace a stage path names (`go` for /go/src), if any. */
export function outsideFolder(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const segments = normalizedAbsolute(path);
  return segments[0] === 'workspace' ? undefined : segments[0];
}

/** How the stage names a path as it wrote it, resolved (`src` is `/workspace/src`; `/go/src` stays). */
export function sandboxPath(path: string): string {
  workspaceSegments(path);
  const segments = path.startsWith('/') ? normalizedAbsolute(path) : ['workspace', ...normalizedRelative(path)];
  return `/${segments.join('/')}`;
}

function normalizedAbsolute(path: string): string[] {
  const segments: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') segments.pop();
    else segments.push(part);
  }
  return segments;
}

function normalizedRelative(path: string): string[] {
  return normalizedAbsolute(`/${path}`);
}

/**
 * A run's folders under the data folder, whichever executor runs it: the workspace
 * its stages share, and the API's own folder of its Git/Svn pulls (never shown to a
 * stage). Retention removes both.
 */
export function runFolders(dataDir: string) {
  return {
    workspaceOf: (runId: string) => join(dataDir, 'workspaces', runId),
    /** The API's own folder of a run's Git/Svn pulls (never mounted into a container). */
    pullsOf: (runId: string) => join(dataDir, 'pulls', runId),
    /** Kept copies of persistent resources, `<tenant>/<resource>` (kept-resources.ts). */
    keptResources: join(dataDir, 'kept-resources'),
  };
}
