import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageLaunch } from './executor.js';

/**
 * Makes a stage's accelerated folders in the workspace (after their cache is restored),
 * writable by whatever user the stage runs as: a container bind or a pod subPath needs
 * them to exist, and a save needs every path of the cache.
 */
export async function makeAcceleratedFolders(workspace: string, launch: Pick<StageLaunch, 'accelerated'>) {
  if (!launch.accelerated) return;
  await makeWritable(join(workspace, launch.accelerated.home));
  for (const folder of launch.accelerated.folders) await makeWritable(join(workspace, folder.workspacePath));
}

/** Only a folder made here is opened up: a restored one already belongs to the stage's user. */
async function makeWritable(path: string): Promise<void> {
  if ((await mkdir(path, { recursive: true })) !== undefined) await chmod(path, 0o777);
}
