import { constants } from 'node:fs';
import { type FileHandle, open, readlink, realpath } from 'node:fs/promises';
import { sep } from 'node:path';

/** A file or folder of a run workspace, opened by the API for reading. */
export interface OpenedInWorkspace {
  handle: FileHandle;
  isDirectory: boolean;
  /**
   * A path that names exactly what was opened (`/proc/<api pid>/fd/<n>`): readers
   * use it instead of the stage's path, which the stage may change meanwhile.
   */
  path: string;
}

/**
 * Opens a path of a run workspace for the API to read (results, output artifacts).
 * The stage owns the workspace and may have put links there; what is opened must
 * lie inside the workspace (checked on the opened file itself, so swapping a link
 * afterwards changes nothing) and be a regular file or a folder (a FIFO would
 * block the reader forever). Otherwise it throws, naming the stage's path.
 */
export async function openInWorkspace(workspace: string, path: string, shown = path): Promise<OpenedInWorkspace> {
  const root = await realpath(workspace);
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const opened = await readlink(`/proc/self/fd/${handle.fd}`);
    if (opened !== root && !opened.startsWith(`${root}${sep}`)) {
      throw new Error(`${shown} leads out of the run workspace`);
    }
    const stats = await handle.stat();
    if (!stats.isFile() && !stats.isDirectory()) throw new Error(`${shown} is neither a file nor a folder`);
    return { handle, isDirectory: stats.isDirectory(), path: `/proc/${process.pid}/fd/${handle.fd}` };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The first `maxBytes` of a regular file of the workspace (see openInWorkspace); undefined when it does not exist. */
export async function readWorkspaceFile(
  workspace: string,
  path: string,
  maxBytes: number,
): Promise<Buffer | undefined> {
  let opened: OpenedInWorkspace;
  try {
    opened = await openInWorkspace(workspace, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    if (opened.isDirectory) throw new Error(`${path} is a folder`);
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await opened.handle.read(buffer, 0, maxBytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await opened.handle.close();
  }
}
