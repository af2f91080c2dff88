import type { Db } from '../db/prisma.js';
import type { Logger } from '../logging/logger.js';
import { WakeableReconciler } from './controller.js';

/** How often retention looks for old runs unless a finished run wakes it sooner. */
const PASS_INTERVAL_MS = 60_000;
/** Runs deleted per transaction; a full batch asks for another pass at once. */
const BATCH = 200;

/**
 * Retention: keeps the newest N finished runs of each workflow (the workflow's
 * `runRetention`, else CYCLONE_RUN_RETENTION) and deletes older ones — first their
 * workspace and artifacts (`deleteRunData`), then their rows, which takes their stage
 * rows, log lines and notifications along (ON DELETE CASCADE). Active runs are never
 * counted nor deleted, and a run a kept run was retried from is kept too (the retry
 * reads its reused stages' artifacts there). Several controllers may do this at once:
 * every step is idempotent.
 */
export class RetentionReconciler extends WakeableReconciler {
  readonly name = 'retention';
  private nextPassAt = 0;
  /**
   * Runs that finished since the last round: only their workflows can have one run too
   * many, so the round looks at those alone (its cost does not grow with the history of
   * other workflows). Only a shortcut: the periodic pass covers everything anyway.
   */
  private finishedRuns = new Set<string>();

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      keep: number;
      deleteRunData: (runId: string) => Promise<void>;
    },
  ) {
    super();
  }

  /** A run finished: its workflow may have one run too many now. */
  runFinished(runId: string): void {
    this.finishedRuns.add(runId);
    this.wake();
  }

  protected async reconcileRound(): Promise<{ requeueAfterMs?: number }> {
    const isPassDue = Date.now() >= this.nextPassAt;
    if (!isPassDue && this.finishedRuns.size === 0) return { requeueAfterMs: this.nextPassAt - Date.now() };
    const finished = [...this.finishedRuns];
    this.finishedRuns = new Set();
    const { ids, isBatchFull } = await this.findExpired(isPassDue ? undefined : finished);
    for (const id of ids) {
      await this.deps.deleteRunData(id);
      await this.deps.db.workflowRun.deleteMany({ where: { id } });
    }
    if (ids.length > 0) this.deps.logger.info({ runs: ids.length }, 'retention deleted old runs');
    if (isBatchFull && ids.length > 0) {
      // More of the same: look again at once (those workflows, or everything).
      if (isPassDue) this.nextPassAt = 0;
      else for (const id of finished) this.finishedRuns.add(id);
      return { requeueAfterMs: 0 };
    }
    if (isPassDue) this.nextPassAt = Date.now() + PASS_INTERVAL_MS;
    return { requeueAfterMs: this.nextPassAt - Date.now() };
  }

  /** Finished runs past their workflow's retention: of every workflow, or of the finished runs' workflows. */
  private async findExpired(finishedRuns?: string[]): Promise<{ ids: string[]; isBatchFull: boolean }> {
    const rows = finishedRuns
      ? await this.deps.db.$queryRaw<{ id: string }[]>`
          SELECT past.id
          FROM (SELECT DISTINCT workflow_id FROM workflow_runs WHERE id = ANY(${finishedRuns}::uuid[])) f
          JOIN workflows w ON w.id = f.workflow_id
          CROSS JOIN LATERAL (
            SELECT r.id FROM workflow_runs r
            WHERE r.workflow_id = f.workflow_id AND r.phase IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
            ORDER BY r.number DESC
            OFFSET COALESCE(w.run_retention, ${this.deps.keep}) LIMIT ${BATCH}
          ) past
          LIMIT ${BATCH}`
      : await this.deps.db.$queryRaw<{ id: string }[]>`
          SELECT id FROM (
            SELECT r.id, row_number() OVER (PARTITION BY r.workflow_id ORDER BY r.number DESC) AS rank,
                   COALESCE(w.run_retention, ${this.deps.keep}) AS keep
            FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
            WHERE r.phase IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
          ) ranked
          WHERE rank > keep
          LIMIT ${BATCH}`;
    const expired = new Set(rows.map((row) => row.id));
    // Keep the origins of kept runs, and their origins in turn.
    for (;;) {
      const referenced = await this.deps.db.workflowRun.findMany({
        where: { retryOfId: { in: [...expired] }, id: { notIn: [...expired] } },
        select: { retryOfId: true },
      });
      if (referenced.length === 0) break;
      for (const row of referenced) expired.delete(row.retryOfId as string);
    }
    return { ids: [...expired], isBatchFull: rows.length === BATCH };
  }
}
