import { stat } from 'node:fs/promises';
import type { Db } from '../../db/prisma.js';
import { type ArtifactStore, artifactKey } from '../../modules/artifacts/artifact-store.js';
import { recordArtifact } from '../../modules/artifacts/artifacts.repository.js';
import type { LogWriter } from './log-writer.js';
import { workspacePath } from './stage-inputs.js';

/**
 * Copies the output artifacts of a successful attempt into the store and records
 * them (a later attempt of the stage replaces its row). A declared path that does
 * not exist fails the attempt: a consumer would otherwise start without its input.
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
    const found = await stat(source).catch(() => undefined);
    if (!found) throw new Error(`"${output.name}": ${output.path} does not exist`);
    const isDirectory = found.isDirectory();
    const storageKey = artifactKey(launch.runId, launch.stage, output.name);
    const stored = await store.put(storageKey, source, isDirectory);
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
