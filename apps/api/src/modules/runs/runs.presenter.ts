import type { Db } from '../../db/prisma.js';
import { badInput } from '../../errors/app-error.js';
import type { WorkflowRun } from '../../generated/prisma/client.js';
import type { LogStream, StagePhase } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireRun, requireRunAccess } from './run-access.js';
import { type RunWaitView, runWait } from './run-wait.js';
import type { StageApprovalView } from './stage-approvals.js';

export const MAX_LOG_LINES = 5000;

export interface StageRunView {
  name: string;
  phase: StagePhase;
  attempt: number;
  exitCode: number | null;
  message: string;
  outputs: { key: string; value: string }[];
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Set for an approval gate. */
  approval: StageApprovalView | null;
  /** The run a child-workflow stage's attempt started. */
  childRunId: string | null;
  /** A matrix combination's stage run: the matrix stage it belongs to, and its values. */
  matrixOf: string | null;
  matrix: { name: string; value: string }[];
}

export interface LogLineView {
  seq: number;
  stage: string;
  stream: LogStream;
  line: string;
  timestamp: Date;
}

/** Reads of runs, their stages and their logs, for members of the run's tenant. */
export class RunsPresenter {
  constructor(private readonly db: Db) {}

  /** WorkflowRun.wait: the caller already read the run (and may). */
  wait(runId: string): Promise<RunWaitView | null> {
    return runWait(this.db, runId);
  }

  async getRun(user: AuthUser, id: string): Promise<WorkflowRun> {
    // Outside a transaction: a read needs no snapshot of its own, and a transaction
    // costs two more round trips and Prisma's bookkeeping. A burst of subscribers waits
    // for a pooled connection (the pool has no timeout).
    return (await requireRun(this.db, user, id, 'VIEWER')).run;
  }

  /**
   * Throws unless the caller may still read the run: a live stream's periodic check, one
   * statement (bench/engine/log-scale.ts: 500 followers, one check each every 30 s).
   */
  async assertCanRead(user: AuthUser, id: string): Promise<void> {
    await requireRunAccess(this.db, user, id, 'VIEWER');
  }

  /** Stored lines of one stage after `afterSeq`, oldest first, at most MAX_LOG_LINES. */
  async logs(user: AuthUser, id: string, stage: string, afterSeq: number | undefined): Promise<LogLineView[]> {
    if (afterSeq !== undefined && (!Number.isInteger(afterSeq) || afterSeq < 0)) {
      throw badInput('afterSeq', 'must be a whole number, 0 or more');
    }
    const run = await this.getRun(user, id);
    const rows = await this.db.logLine.findMany({
      where: { runId: run.id, stage, seq: { gt: BigInt(afterSeq ?? 0) } },
      orderBy: { seq: 'asc' },
      take: MAX_LOG_LINES,
    });
    return rows.map((row) => ({
      seq: Number(row.seq),
      stage: row.stage,
      stream: row.stream,
      line: row.text,
      timestamp: row.timestamp,
    }));
  }
}
