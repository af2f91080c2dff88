import type { Db } from '../../db/prisma.js';
import { type ArtifactStore, artifactKey } from '../../modules/artifacts/artifact-store.js';
import { recordArtifact } from '../../modules/artifacts/artifacts.repository.js';
import type { LogWriter } from './log-writer.js';
import { workspacePath } from './stage-paths.js';
import { type OpenedInWorkspace, openInWorkspace } from './workspace-files.js';

/**
 * Copies the output artifacts of a successful attempt into the store and records
 * them (a later attempt of the stage replaces its row). A declared path that does
 * not exist fails the attempt: a consumer would otherwise start without its input.
 * So does one that leads out of the workspace (a link the stage made to a file of
 * the API's): the API reads only what the stage could read itself.
 */
export async function collectArtifacts(
  db: Db,
  store: ArtifactStore,
  workspace: string,
  launch: {
    runId: string;
    stage: string;
    attempt: number;
    outputArtifacts?: readonly { name: string; path: string }[];
  },
  writer: LogWriter,
): Promise<void> {
  for (const output of launch.outputArtifacts ?? []) {
    const source = workspacePath(workspace, output.path);
    let opened: OpenedInWorkspace;
    try {
      opened = await openInWorkspace(workspace, source, output.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`"${output.name}": ${output.path} does not exist`);
      }
      throw new Error(`"${output.name}": ${(error as Error).message}`);
    }
    const { isDirectory } = opened;
    const storageKey = artifactKey(launch.runId, launch.stage, output.name);
    const stored = await store.put(storageKey, opened.path, isDirectory).finally(() => opened.handle.close());
    await recordArtifact(
      db,
      { runId: launch.runId, stage: launch.stage, name: output.name, attempt: launch.attempt, isDirectory, storageKey },
      stored,
    );
    const kind = isDirectory ? 'directory, as tar' : 'file';
    writer.line(
      'STDOUT',
      `[cyclone] stored artifact "${output.name}" (${kind}, ${stored.size} bytes, sha256 ${stored.sha256})`,
    );
  }
}
