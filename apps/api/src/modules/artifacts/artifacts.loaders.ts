import DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';
import type { Artifact } from '../../generated/prisma/client.js';
import { listRunArtifacts } from './artifacts.repository.js';

/** Per-request loaders of the artifacts module. */
export function createArtifactLoaders(db: Db) {
  return {
    /** A run's artifacts (with those a retry reused); one query for runs that are not retries. */
    artifactsByRunId: new DataLoader(async (ids: readonly string[]) => {
      const [runs, rows] = await Promise.all([
        db.workflowRun.findMany({ where: { id: { in: [...ids] } }, select: { id: true, retryOfId: true } }),
        db.artifact.findMany({ where: { runId: { in: [...ids] } }, orderBy: [{ stage: 'asc' }, { name: 'asc' }] }),
      ]);
      const retries = new Set(runs.filter((run) => run.retryOfId).map((run) => run.id));
      return Promise.all(
        ids.map(
          async (id): Promise<Artifact[]> =>
            retries.has(id) ? listRunArtifacts(db, id) : rows.filter((row) => row.runId === id),
        ),
      );
    }),
  };
}
