import type { Tx } from '../shared/mutation.js';
import type { StoredArtifact } from './artifact-store.js';

/** How far back a chain of retries is followed for a reused stage's artifact. */
const MAX_RETRY_DEPTH = 20;

/**
 * A stage's artifact in a run; for a run made by retryWorkflowRun, a stage it reused
 * has its artifacts in the run it retried (or that run's origin, and so on).
 */
export async function findRunArtifact(
  tx: Tx,
  run: { id: string; retryOfId?: string | null },
  stage: string,
  name: string,
) {
  let runId: string | null | undefined = run.id;
  let origin = run.retryOfId;
  for (let depth = 0; runId && depth <= MAX_RETRY_DEPTH; depth += 1) {
    const row = await tx.artifact.findUnique({ where: { runId_stage_name: { runId, stage, name } } });
    if (row) return row;
    if (origin === undefined) {
      origin = (await tx.workflowRun.findUnique({ where: { id: runId }, select: { retryOfId: true } }))?.retryOfId;
    }
    runId = origin;
    origin = undefined;
  }
  return null;
}

/**
 * Every artifact a run shows: its own, plus, for a retry, those of the stages it
 * reused (SUCCEEDED here without running here) from the runs it retried.
 */
export async function listRunArtifacts(tx: Tx, runId: string) {
  const run = await tx.workflowRun.findUnique({
    where: { id: runId },
    select: { retryOfId: true, stageRuns: { where: { phase: 'SUCCEEDED' }, select: { stage: true } } },
  });
  const succeeded = new Set(run?.stageRuns.map((row) => row.stage));
  const seen = new Set<string>();
  const rows = [];
  let current: string | null | undefined = runId;
  for (let depth = 0; current && depth <= MAX_RETRY_DEPTH; depth += 1) {
    const found = await tx.artifact.findMany({
      where: { runId: current },
      orderBy: [{ stage: 'asc' }, { name: 'asc' }],
    });
    const ownStages = new Set(found.map((row) => row.stage));
    for (const row of found) {
      const key = `${row.stage}/${row.name}`;
      if (seen.has(key) || (current !== runId && !succeeded.has(row.stage))) continue;
      seen.add(key);
      rows.push(row);
    }
    // A stage that produced artifacts here hides older ones of the same stage.
    for (const stage of ownStages) succeeded.delete(stage);
    current = (await tx.workflowRun.findUnique({ where: { id: current }, select: { retryOfId: true } }))?.retryOfId;
  }
  return rows;
}

/** Records a stored artifact of an attempt; a later attempt of the stage replaces the row. */
export async function recordArtifact(
  tx: Pick<Tx, 'artifact'>,
  artifact: { runId: string; stage: string; name: string; attempt: number; isDirectory: boolean; storageKey: string },
  stored: StoredArtifact,
): Promise<void> {
  const { runId, stage, name } = artifact;
  const data = {
    attempt: artifact.attempt,
    isDirectory: artifact.isDirectory,
    size: stored.size,
    sha256: stored.sha256,
    storageKey: artifact.storageKey,
  };
  await tx.artifact.upsert({
    where: { runId_stage_name: { runId, stage, name } },
    create: { runId, stage, name, ...data },
    update: { ...data, createdAt: new Date() },
  });
}
