import type { Db } from '../db/prisma.js';
import type { RunPhase, StagePhase } from '../generated/prisma/enums.js';
import { RUN_CHANNEL } from '../modules/runs/run-events.js';
import type { Tx } from '../modules/shared/mutation.js';
import type { StageExit } from './executors/executor.js';

/** Waiting for a pooled connection under load is better than failing the write. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

/**
 * The run pass's reads and writes, each one statement (a pass is a handful of round
 * trips: lock, stages, one claim per started stage, one closing write).
 */

/** What a pass reads of its run. */
export interface PassRun {
  id: string;
  workflowId: string;
  versionId: string;
  phase: RunPhase;
  message: string;
  parameters: unknown;
  timeoutSeconds: number | null;
  stopRequestedAt: Date | null;
  pausedAt: Date | null;
  retryOfId: string | null;
  createdAt: Date;
  startedAt: Date | null;
}

/** A stage row as a pass sees it. */
export interface PassStage {
  id: string;
  runId: string;
  stage: string;
  phase: StagePhase;
  attempt: number;
  exitCode: number | null;
  message: string;
  outputs: unknown;
  startedAt: Date | null;
  finishedAt: Date | null;
  handle: string | null;
}

/**
 * Locks an admitted active run for this pass (`SKIP LOCKED`: a run another
 * controller is passing over is left to it) and returns it; undefined when it is
 * not ours to pass over (locked, queued or ended).
 */
export async function lockRun(tx: Tx, id: string): Promise<PassRun | undefined> {
  const rows = await tx.$queryRaw<PassRun[]>`
    SELECT id, workflow_id AS "workflowId", version_id AS "versionId", phase::text AS phase, message, parameters,
           timeout_seconds AS "timeoutSeconds", stop_requested_at AS "stopRequestedAt", paused_at AS "pausedAt",
           retry_of_id AS "retryOfId", created_at AS "createdAt", started_at AS "startedAt"
    FROM workflow_runs
    WHERE id = ${id}::uuid AND phase IN ('PENDING', 'RUNNING', 'WAITING') AND admitted_at IS NOT NULL
    FOR UPDATE SKIP LOCKED`;
  return rows[0];
}

/**
 * The run's stage rows, read after the lock (a separate statement, so it sees every
 * exit committed before the lock was taken).
 */
export function readStages(tx: Tx, runId: string): Promise<PassStage[]> {
  return tx.$queryRaw<PassStage[]>`
    SELECT id, run_id AS "runId", stage, phase::text AS phase, attempt, exit_code AS "exitCode", message, outputs,
           started_at AS "startedAt", finished_at AS "finishedAt", handle
    FROM stage_runs WHERE run_id = ${runId}::uuid`;
}

/**
 * Claims an attempt: the stage row becomes RUNNING with it only if it is still at
 * the previous attempt and PENDING or FAILED (so an attempt is claimed once). Returns
 * the highest seq the stage has stored (a new attempt's log continues after it), or
 * undefined when the claim failed.
 */
export async function claimAttempt(
  tx: Tx,
  runId: string,
  stage: string,
  attempt: number,
  now: Date,
): Promise<{ lastSeq: number } | undefined> {
  const rows = await tx.$queryRaw<{ last: bigint | null }[]>`
    UPDATE stage_runs
    SET phase = 'RUNNING', attempt = ${attempt}, started_at = ${now.toISOString()}::timestamptz, finished_at = NULL, exit_code = NULL,
        message = '', outputs = '[]'::jsonb, handle = NULL
    WHERE run_id = ${runId}::uuid AND stage = ${stage} AND attempt = ${attempt - 1} AND phase IN ('PENDING', 'FAILED')
    RETURNING (SELECT max(seq) FROM log_lines WHERE run_id = ${runId}::uuid AND stage = ${stage}) AS last`;
  const row = rows[0];
  return row ? { lastSeq: Number(row.last ?? 0n) } : undefined;
}

/** How a pass ends its run's row; undefined fields stay as they are. */
export interface PassClose {
  /** Handles of the attempts this pass started. */
  handles: { stage: string; handle: string }[];
  /** The run's new phase etc., when its row changes. */
  run?: { phase: RunPhase; message?: string; startedAt?: Date; finishedAt?: Date };
  /** Tell subscribers (any process) that the run changed. */
  isNotified: boolean;
}

/** The closing writes of a pass in one statement: stage handles, the run row, the notification. */
export async function closePass(tx: Tx, runId: string, close: PassClose): Promise<void> {
  const { handles, run, isNotified } = close;
  if (handles.length === 0 && !run && !isNotified) return;
  const stages = handles.map((h) => h.stage);
  const values = handles.map((h) => h.handle);
  const isRunWritten = run !== undefined;
  await tx.$executeRaw`
    WITH handles AS (
      UPDATE stage_runs s SET handle = v.handle
      FROM unnest(${stages}::text[], ${values}::text[]) AS v(stage, handle)
      WHERE s.run_id = ${runId}::uuid AND s.stage = v.stage
      RETURNING 1
    ), run AS (
      UPDATE workflow_runs
      SET phase = COALESCE(${run?.phase ?? null}::text::"RunPhase", phase),
          message = COALESCE(${run?.message ?? null}::text, message),
          started_at = COALESCE(started_at, ${run?.startedAt?.toISOString() ?? null}::timestamptz),
          finished_at = COALESCE(${run?.finishedAt?.toISOString() ?? null}::timestamptz, finished_at)
      WHERE id = ${runId}::uuid AND ${isRunWritten}
      RETURNING 1
    )
    SELECT pg_notify(${RUN_CHANNEL}, ${runId}::text)
    FROM (SELECT (SELECT count(*) FROM handles) + (SELECT count(*) FROM run) AS n) AS written
    WHERE ${isNotified}`;
}

/**
 * Records how an attempt ended, unless the controller already ended it (stop,
 * timeout), and announces it on commit. The run's row lock is taken first, by a
 * statement of its own: a pass in progress on the run finishes before the exit lands
 * (so each pass sees a consistent state), and the update's snapshot, taken after the
 * lock, sees the attempt that pass claimed.
 */
export function writeExit(db: Db, exit: StageExit, now: Date): Promise<void> {
  return db.$transaction((tx) => recordExitInTx(tx, exit, now), TX_OPTIONS);
}

/** writeExit inside the caller's transaction (the run's row stays locked until it ends). */
export async function recordExitInTx(tx: Tx, exit: StageExit, now: Date): Promise<void> {
  const phase = exit.exitCode === 0 ? 'SUCCEEDED' : 'FAILED';
  const outputs = JSON.stringify(exit.outputs);
  await tx.$executeRaw`SELECT 1 FROM workflow_runs WHERE id = ${exit.runId}::uuid FOR UPDATE`;
  await tx.$executeRaw`
      WITH ended AS (
        UPDATE stage_runs
        SET phase = ${phase}::text::"StagePhase", exit_code = ${exit.exitCode}::int, message = ${exit.message},
            outputs = ${outputs}::jsonb, finished_at = ${now.toISOString()}::timestamptz
        WHERE run_id = ${exit.runId}::uuid AND stage = ${exit.stage} AND attempt = ${exit.attempt} AND phase = 'RUNNING'
        RETURNING 1
      )
    SELECT pg_notify(${RUN_CHANNEL}, ${exit.runId}::text) FROM (SELECT count(*) FROM ended) AS done`;
}
