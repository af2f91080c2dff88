import type { SqlTx } from '../../db/sql-tx.js';
import type { Tx } from '../shared/mutation.js';
import type { StoredArtifact } from './artifact-store.js';

/** How far back a chain of retries is followed for a reused stage's artifact. */
const MAX_RETRY_DEPTH = 20;

/** A stored artifact, as what takes it (a stage's input, a download) reads it. */
export interface RunArtifact {
  storageKey: string;
  isDirectory: boolean;
  size: bigint;
  sha256: string;
}

/**
 * A stage's artifact in a run; for a run made by retryWorkflowRun, a stage it reused
 * has its artifacts in the run it retried (or that run's origin, and so on): the
 * nearest run of that chain that stored it.
 */
export async function findRunArtifact(
  tx: SqlTx,
  run: { id: string },
  stage: string,
  name: string,
): Promise<RunArtifact | null> {
  // The size as text: int8 is a string on pg and a bigint through Prisma.
  const [row] = await tx.$queryRaw<(Omit<RunArtifact, 'size'> & { size: string })[]>`
    WITH RECURSIVE chain(id, depth) AS (
      SELECT ${run.id}::uuid, 0
      UNION ALL
      SELECT r.retry_of_id, c.depth + 1 FROM chain c JOIN workflow_runs r ON r.id = c.id
      WHERE r.retry_of_id IS NOT NULL AND c.depth < ${MAX_RETRY_DEPTH}::int
    )
    SELECT a.storage_key AS "storageKey", a.is_directory AS "isDirectory", a.size::text AS size, a.sha256
    FROM chain c JOIN artifacts a ON a.run_id = c.id AND a.stage = ${stage} AND a.name = ${name}
    ORDER BY c.depth LIMIT 1`;
  return row ? { ...row, size: BigInt(row.size) } : null;
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
