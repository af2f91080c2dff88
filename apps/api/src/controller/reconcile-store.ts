import { matrixRunName } from '@cyclone/domain';
import { CHANNELS } from '../db/notification-hub.js';
import type { PlainSql } from '../db/plain-sql.js';
import type { SqlTx } from '../db/sql-tx.js';
import { Prisma } from '../generated/prisma/client.js';
import type { RunPhase, StagePhase } from '../generated/prisma/enums.js';
import type { StageExit } from './executors/executor.js';

/**
 * The run pass's reads and writes, each one statement (a pass is a handful of round
 * trips: lock, stages, one claim per started stage, one closing write).
 */

/** What a pass reads of its run. */
export interface LockedRun {
  id: string;
  /** Its number in the workflow (resolver images see `<workflow>-<number>` as WORKFLOWRUN_NAME). */
  number: number;
  workflowId: string;
  /** Read with the run: stages with resources or caches name it, and no query per stage start. */
  workflowName: string;
  versionId: string;
  phase: RunPhase;
  message: string;
  parameters: unknown;
  timeoutSeconds: number | null;
  stopRequestedAt: Date | null;
  /** A second stop: finally stages are killed too. */
  stopForcedAt: Date | null;
  /** What started it: MANUAL, CRON, SCM or WEBHOOK (conditions see it as trigger.type). */
  trigger: string;
  pausedAt: Date | null;
  retryOfId: string | null;
  /** The retried run's number (a retry's stages start from its workspace), read with the run. */
  retryOfNumber: number | null;
  createdAt: Date;
  startedAt: Date | null;
  /** A child run: the attempt of the child-workflow stage it ends (child-runs.ts). */
  parentRunId: string | null;
  parentStage: string | null;
  parentAttempt: number | null;
  /** Cyclone's startStages / endStages (empty: the whole workflow). */
  startStages: string[];
  endStages: string[];
  /** Acceleration: its stages keep their build tools' folders between runs. */
  acceleration: boolean;
  /** The service account its stage pods run as (Kubernetes); null: Cyclone's own. */
  serviceAccount: string | null;
  /** Claims, Secrets and ConfigMaps its stage pods mount (as stored: see storedRunVolumes). */
  volumes: unknown;
  /** W3C traceparent of the span that created it (tracing on): its passes' spans are children of it. */
  traceParent: string | null;
}

/** A stage row as a pass sees it. */
export interface StageRow {
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
  /** A matrix combination's row: the matrix stage it belongs to, and its values. */
  matrixOf: string | null;
  matrix: unknown;
}

/**
 * Locks an admitted active run for this pass (`SKIP LOCKED`: a run another
 * controller is passing over is left to it) and returns it; undefined when it is
 * not ours to pass over (locked, queued, ended, or waiting for a member's approval:
 * such a run never gets here unapproved, and this says so again, so no stage of it
 * starts and no secret is opened for it).
 */
export async function lockRun(tx: SqlTx, id: string): Promise<LockedRun | undefined> {
  const rows = await tx.$queryRaw<LockedRun[]>`
    SELECT id, number, workflow_id AS "workflowId",
           (SELECT w.name FROM workflows w WHERE w.id = workflow_runs.workflow_id) AS "workflowName", version_id AS "versionId", phase::text AS phase, message, parameters,
           timeout_seconds AS "timeoutSeconds", stop_requested_at AS "stopRequestedAt", stop_forced_at AS "stopForcedAt",
           trigger::text AS trigger, paused_at AS "pausedAt",
           retry_of_id AS "retryOfId",
           (SELECT origin.number FROM workflow_runs origin WHERE origin.id = workflow_runs.retry_of_id) AS "retryOfNumber",
           created_at AS "createdAt", started_at AS "startedAt",
           parent_run_id AS "parentRunId", parent_stage AS "parentStage", parent_attempt AS "parentAttempt",
           start_stages AS "startStages", end_stages AS "endStages", acceleration,
           service_account AS "serviceAccount", volumes, trace_parent AS "traceParent"
    FROM workflow_runs
    WHERE id = ${id}::uuid AND phase IN ('PENDING', 'RUNNING', 'WAITING') AND admitted_at IS NOT NULL
      AND (approval_reason IS NULL OR approved_at IS NOT NULL)
    FOR UPDATE SKIP LOCKED`;
  return rows[0];
}

/**
 * The run's stage rows, read after the lock (a separate statement, so it sees every
 * exit committed before the lock was taken).
 */
export function readStages(tx: SqlTx, runId: string): Promise<StageRow[]> {
  return tx.$queryRaw<StageRow[]>`SELECT ${STAGE_ROW} FROM stage_runs WHERE run_id = ${runId}::uuid`;
}

/** The columns of a StageRow. */
const STAGE_ROW = Prisma.raw(`id, run_id AS "runId", stage, phase::text AS phase, attempt, exit_code AS "exitCode",
  message, outputs, started_at AS "startedAt", finished_at AS "finishedAt", handle, matrix_of AS "matrixOf", matrix`);

/** What a look at a running attempt changes of its row: its exit, its handle, or the message explaining a wait. */
export type ObservedChange =
  | { exit: { exitCode: number | null; message: string; outputs: unknown }; finishedAt: Date }
  | { handle: string }
  | { message: string };

/** Writes what a look at a running attempt saw; returns the row as it is now. */
export async function writeObserved(tx: SqlTx, id: string, change: ObservedChange): Promise<StageRow> {
  const exit = 'exit' in change ? change : undefined;
  const phase = exit ? (exit.exit.exitCode === 0 ? 'SUCCEEDED' : 'FAILED') : null;
  const message = exit ? exit.exit.message : 'message' in change ? change.message : null;
  const [row] = await tx.$queryRaw<StageRow[]>`
    UPDATE stage_runs
    SET phase = COALESCE(${phase}::text::"StagePhase", phase),
        exit_code = CASE WHEN ${exit !== undefined} THEN ${exit?.exit.exitCode ?? null}::int ELSE exit_code END,
        message = COALESCE(${message}::text, message),
        outputs = COALESCE(${exit ? JSON.stringify(exit.exit.outputs) : null}::jsonb, outputs),
        finished_at = COALESCE(${exit?.finishedAt.toISOString() ?? null}::timestamptz, finished_at),
        handle = COALESCE(${'handle' in change ? change.handle : null}::text, handle)
    WHERE id = ${id}::uuid
    RETURNING ${STAGE_ROW}`;
  if (!row) throw new Error(`stage row ${id} is gone`);
  return row;
}

/**
 * Fails an attempt that could not start, for good when `attempt` is given (a value
 * that cannot be resolved never resolves later in the run). Only while the stage is
 * still at the previous attempt and PENDING or FAILED, as a claim would be.
 */
export async function failUnclaimed(
  tx: SqlTx,
  runId: string,
  stage: string,
  claim: { attempt: number; failedAttempt: number; message: string; now: Date },
): Promise<void> {
  await tx.$executeRaw`
    UPDATE stage_runs
    SET phase = 'FAILED', attempt = ${claim.failedAttempt}, started_at = ${claim.now.toISOString()}::timestamptz,
        finished_at = ${claim.now.toISOString()}::timestamptz, exit_code = NULL, message = ${claim.message},
        outputs = '[]'::jsonb, handle = NULL
    WHERE run_id = ${runId}::uuid AND stage = ${stage} AND attempt = ${claim.attempt - 1} AND phase IN ('PENDING', 'FAILED')`;
}

/**
 * Claims an attempt: the stage row becomes RUNNING with it only if it is still at
 * the previous attempt and PENDING or FAILED (so an attempt is claimed once). Returns
 * the highest seq the stage has stored (a new attempt's log continues after it), or
 * undefined when the claim failed.
 */
export async function claimAttempt(
  tx: SqlTx,
  runId: string,
  stage: string,
  attempt: number,
  now: Date,
): Promise<{ lastSeq: number } | undefined> {
  const rows = await tx.$queryRaw<{ last: number }[]>`
    UPDATE stage_runs
    SET phase = 'RUNNING', attempt = ${attempt}, started_at = ${now.toISOString()}::timestamptz, finished_at = NULL, exit_code = NULL,
        message = '', outputs = '[]'::jsonb, handle = NULL, log_bytes = 0
    WHERE run_id = ${runId}::uuid AND stage = ${stage} AND attempt = ${attempt - 1} AND phase IN ('PENDING', 'FAILED')
    RETURNING (SELECT COALESCE(max(seq), 0)::float8 FROM log_lines WHERE run_id = ${runId}::uuid AND stage = ${stage}) AS last`;
  const row = rows[0];
  return row ? { lastSeq: row.last } : undefined;
}

/** How a claimed attempt that never ran anywhere ends FAILED; returns undefined, what the starters answer then. */
export type FailClaimed = (fields: {
  message: string;
  finishedAt: Date;
  attempt?: number;
  handle?: null;
}) => Promise<undefined>;

/**
 * Claims an attempt of a stage that runs elsewhere (a child run, a delegation): null when
 * another pass has it, else how to end it FAILED when it cannot start.
 */
export async function claimHandOff(
  tx: SqlTx,
  runId: string,
  stage: string,
  attempt: number,
  now: Date,
): Promise<FailClaimed | null> {
  if (!(await claimAttempt(tx, runId, stage, attempt, now))) return null;
  return async (fields) => {
    await tx.$executeRaw`
      UPDATE stage_runs
      SET phase = 'FAILED', message = ${fields.message}, finished_at = ${fields.finishedAt.toISOString()}::timestamptz,
          attempt = COALESCE(${fields.attempt ?? null}::int, attempt),
          handle = CASE WHEN ${fields.handle === null} THEN NULL ELSE handle END
      WHERE run_id = ${runId}::uuid AND stage = ${stage} AND attempt = ${attempt}`;
    return undefined;
  };
}

/** A running attempt a pass ends (stop, timeout): the change applies only while it is still on that attempt. */
export interface StageKill {
  stage: string;
  attempt: number;
  phase: 'FAILED' | 'CANCELLED';
  message: string;
}

/** A stage that never ran (or waits for a retry), or an approval gate, that ends without running. */
export interface StageFinish {
  stage: string;
  /** FAILED: its condition could not be evaluated; `attempt` then makes it failed for good. SUCCEEDED: an approved gate. */
  phase: 'SKIPPED' | 'CANCELLED' | 'FAILED' | 'SUCCEEDED';
  message: string;
  attempt?: number;
  outputs?: readonly { key: string; value: string }[];
}

/**
 * Ends stages in one statement, however many (a stop of a 200-stage run is one round
 * trip): kills apply only to the attempt still RUNNING, finishes only to PENDING or
 * FAILED rows. Returns the handles of the attempts it ended, for the caller to kill
 * before its transaction commits (so a crash in between leaves them RUNNING, and the
 * next pass kills them again).
 */
export async function endStages(
  tx: SqlTx,
  runId: string,
  kills: readonly StageKill[],
  finishes: readonly StageFinish[],
  now: Date,
): Promise<{ stage: string; handle: string | null }[]> {
  if (kills.length === 0 && finishes.length === 0) return [];
  return tx.$queryRaw<{ stage: string; handle: string | null }[]>`
    WITH finished AS (
      UPDATE stage_runs s
      SET phase = f.phase::"StagePhase", message = f.message, attempt = COALESCE(f.attempt::int, s.attempt),
          outputs = COALESCE(f.outputs::jsonb, s.outputs),
          finished_at = CASE WHEN f.phase IN ('FAILED', 'SUCCEEDED') OR s.phase IN ('WAITING', 'RUNNING')
                             THEN ${now.toISOString()}::timestamptz ELSE s.finished_at END
      FROM unnest(${finishes.map((f) => f.stage)}::text[], ${finishes.map((f) => f.phase)}::text[],
                  ${finishes.map((f) => f.message)}::text[],
                  ${finishes.map((f) => (f.attempt === undefined ? null : String(f.attempt)))}::text[],
                  ${finishes.map((f) => (f.outputs === undefined ? null : JSON.stringify(f.outputs)))}::text[])
           AS f(stage, phase, message, attempt, outputs)
      WHERE s.run_id = ${runId}::uuid AND s.stage = f.stage
        AND (s.phase IN ('PENDING', 'FAILED', 'WAITING')
             -- A running matrix stage runs nothing itself: it ends from its combinations.
             OR (s.phase = 'RUNNING' AND EXISTS (
                   SELECT 1 FROM stage_runs c WHERE c.run_id = s.run_id AND c.matrix_of = s.stage)))
      RETURNING 1
    ), killed AS (
      UPDATE stage_runs s
      SET phase = k.phase::"StagePhase", message = k.message, finished_at = ${now.toISOString()}::timestamptz,
          exit_code = NULL
      FROM unnest(${kills.map((k) => k.stage)}::text[], ${kills.map((k) => String(k.attempt))}::text[],
                  ${kills.map((k) => k.phase)}::text[], ${kills.map((k) => k.message)}::text[])
           AS k(stage, attempt, phase, message)
      WHERE s.run_id = ${runId}::uuid AND s.stage = k.stage AND s.attempt = k.attempt::int AND s.phase = 'RUNNING'
      RETURNING s.stage, s.handle
    )
    SELECT stage, handle FROM killed`;
}

/**
 * Matrix stages that expand: each becomes RUNNING (it runs nothing itself) and gets one
 * PENDING row per combination, `<stage>.<i>`, only from PENDING (a pass applies it once).
 */
export async function expandMatrices(
  tx: SqlTx,
  runId: string,
  expands: readonly { stage: string; combinations: { name: string; value: string }[][] }[],
  now: Date,
): Promise<void> {
  for (const { stage, combinations } of expands) {
    const names = combinations.map((_, index) => matrixRunName(stage, index));
    await tx.$executeRaw`
      WITH parent AS (
        UPDATE stage_runs SET phase = 'RUNNING', attempt = 1, started_at = ${now.toISOString()}::timestamptz,
               finished_at = NULL, exit_code = NULL, message = '', handle = NULL
        WHERE run_id = ${runId}::uuid AND stage = ${stage} AND phase = 'PENDING'
        RETURNING 1
      )
      INSERT INTO stage_runs (id, run_id, stage, phase, matrix_of, matrix)
      SELECT gen_random_uuid(), ${runId}::uuid, c.stage, 'PENDING', ${stage}, c.matrix::jsonb
      FROM unnest(${names}::text[], ${combinations.map((values) => JSON.stringify(values))}::text[]) AS c(stage, matrix)
      WHERE EXISTS (SELECT 1 FROM parent)
      ON CONFLICT (run_id, stage) DO NOTHING`;
  }
}

/** Approval gates that start waiting: each row WAITING on its new attempt, only from PENDING at the one before. */
export async function beginWaits(
  tx: SqlTx,
  runId: string,
  waits: readonly { stage: string; attempt: number; message: string }[],
  now: Date,
): Promise<void> {
  if (waits.length === 0) return;
  await tx.$executeRaw`
    UPDATE stage_runs s
    SET phase = 'WAITING', attempt = w.attempt::int, message = w.message, started_at = ${now.toISOString()}::timestamptz,
        finished_at = NULL, exit_code = NULL, outputs = '[]'::jsonb, handle = NULL
    FROM unnest(${waits.map((w) => w.stage)}::text[], ${waits.map((w) => String(w.attempt))}::text[],
                ${waits.map((w) => w.message)}::text[]) AS w(stage, attempt, message)
    WHERE s.run_id = ${runId}::uuid AND s.stage = w.stage AND s.attempt = w.attempt::int - 1 AND s.phase = 'PENDING'`;
}

/**
 * Approval stages that start waiting are announced to every receiver of the workflow's
 * notifications, whatever its policy (which is about finished runs): someone must act.
 * The notification reconciler delivers the rows.
 */
export async function requestApprovals(tx: SqlTx, runId: string, stages: readonly string[], now: Date): Promise<void> {
  if (stages.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO run_notifications (id, run_id, receiver, type, event, stage, next_attempt_at)
    SELECT gen_random_uuid(), r.id, receiver->>'name', receiver->>'type', 'stage.approvalRequested', s.stage,
           ${now.toISOString()}::timestamptz
    FROM workflow_runs r
    JOIN workflow_notifications n ON n.workflow_id = r.workflow_id
    CROSS JOIN jsonb_array_elements(n.receivers) AS receiver
    CROSS JOIN unnest(${[...stages]}::text[]) AS s(stage)
    WHERE r.id = ${runId}::uuid
    ON CONFLICT DO NOTHING`;
}

/** The decisions given on the run's approval gates, on each gate's current attempt, oldest first. */
export function readDecisions(tx: SqlTx, runId: string): Promise<DecisionRow[]> {
  return tx.$queryRaw<DecisionRow[]>`
    SELECT a.stage, a.decision::text AS decision, a.user_email AS email, a.comment, a.inputs, a.created_at AS at
    FROM stage_approvals a JOIN stage_runs s ON s.run_id = a.run_id AND s.stage = a.stage AND s.attempt = a.attempt
    WHERE a.run_id = ${runId}::uuid
    ORDER BY a.created_at, a.id`;
}

export interface DecisionRow {
  stage: string;
  decision: 'APPROVE' | 'REJECT';
  email: string;
  comment: string;
  inputs: unknown;
  at: Date;
}

/** Fails running attempts whose process nobody can report any more, in one statement. */
export async function failStages(tx: SqlTx, runId: string, stages: readonly string[], message: string, now: Date) {
  if (stages.length === 0) return;
  await tx.$executeRaw`
    UPDATE stage_runs SET phase = 'FAILED', finished_at = ${now.toISOString()}::timestamptz, message = ${message}
    WHERE run_id = ${runId}::uuid AND stage = ANY(${[...stages]}::text[]) AND phase = 'RUNNING'`;
}

/** How a pass ends its run's row; undefined fields stay as they are. */
export interface RunWrite {
  /** Handles of the attempts this pass started. */
  handles: { stage: string; handle: string }[];
  /** The run's new phase etc., when its row changes. */
  run?: { phase: RunPhase; message?: string; startedAt?: Date; finishedAt?: Date };
  /** Tell subscribers (any process) that the run changed. */
  isNotified: boolean;
}

/** How many of a run's stages have ended (a matrix stage counts once, not once per combination). */
export interface StageCounts {
  finished: number;
  total: number;
}

/**
 * The closing writes of a pass in one statement: stage handles, the run row, the
 * notification. When it writes the run row it also counts the run's ended stages (the
 * executor is told of the phase change with them), so that costs no statement more.
 */
export async function applyRunWrite(tx: SqlTx, runId: string, write: RunWrite): Promise<StageCounts | undefined> {
  const { handles, run, isNotified } = write;
  if (handles.length === 0 && !run && !isNotified) return undefined;
  const stages = handles.map((h) => h.stage);
  const values = handles.map((h) => h.handle);
  const isRunWritten = run !== undefined;
  const [counts] = await tx.$queryRaw<StageCounts[]>`
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
    SELECT CASE WHEN ${isNotified} THEN pg_notify(${CHANNELS.run}, ${runId}::text) IS NOT NULL END AS notified,
           counts.finished, counts.total
    FROM (SELECT (SELECT count(*) FROM handles) + (SELECT count(*) FROM run) AS n) AS written,
      (SELECT count(*) FILTER (WHERE phase NOT IN ('PENDING', 'RUNNING', 'WAITING'))::int AS finished,
              count(*)::int AS total
       FROM stage_runs WHERE run_id = ${runId}::uuid AND matrix_of IS NULL AND ${isRunWritten}) AS counts`;
  return isRunWritten && counts ? { finished: counts.finished, total: counts.total } : undefined;
}

/**
 * Records how an attempt ended, unless the controller already ended it (stop,
 * timeout), and announces it on commit (only when it changed a row: the exits of
 * the 200 processes a stop killed announce nothing more). The run's row lock is taken first, by a
 * statement of its own: a pass in progress on the run finishes before the exit lands
 * (so each pass sees a consistent state), and the update's snapshot, taken after the
 * lock, sees the attempt that pass claimed.
 */
export function writeExit(sql: PlainSql, exit: StageExit, now: Date): Promise<EndedAttempt | undefined> {
  return sql.transaction((tx) => recordExitInTx(tx, exit, now));
}

/** An attempt an exit ended: when it had started (for its duration). */
export interface EndedAttempt {
  phase: 'SUCCEEDED' | 'FAILED';
  startedAt: Date | null;
}

/**
 * writeExit inside the caller's transaction (the run's row stays locked until it
 * ends). The attempt when it ended it; undefined when the attempt had already ended
 * (the pass that ended it did what follows).
 */
export async function recordExitInTx(tx: SqlTx, exit: StageExit, now: Date): Promise<EndedAttempt | undefined> {
  const phase = exit.exitCode === 0 ? 'SUCCEEDED' : 'FAILED';
  const outputs = JSON.stringify(exit.outputs);
  await tx.$executeRaw`SELECT 1 FROM workflow_runs WHERE id = ${exit.runId}::uuid FOR UPDATE`;
  // One row when the attempt ended here (and then one notification), none otherwise.
  const rows = await tx.$queryRaw<{ startedAt: Date | null; isNotified: boolean }[]>`
      WITH ended AS (
        UPDATE stage_runs
        SET phase = ${phase}::text::"StagePhase", exit_code = ${exit.exitCode}::int, message = ${exit.message},
            outputs = ${outputs}::jsonb, finished_at = ${now.toISOString()}::timestamptz
        WHERE run_id = ${exit.runId}::uuid AND stage = ${exit.stage} AND attempt = ${exit.attempt} AND phase = 'RUNNING'
        RETURNING started_at
      )
    SELECT started_at AS "startedAt", pg_notify(${CHANNELS.run}, ${exit.runId}::text) IS NOT NULL AS "isNotified"
    FROM (SELECT started_at FROM ended LIMIT 1) AS one`;
  return rows[0] ? { phase, startedAt: rows[0].startedAt } : undefined;
}
