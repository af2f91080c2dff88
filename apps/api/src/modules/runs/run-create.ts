import { approvalWaitMessage, selectStages } from '@cyclone/dag';
import type { NameValue, RunVolume, WorkflowSpec } from '@cyclone/domain';
import { CHANNELS } from '../../db/notification-hub.js';
import type { SqlTx } from '../../db/sql-tx.js';
import { badInput, conflict, notFound } from '../../errors/app-error.js';
import { Prisma, type WorkflowRun } from '../../generated/prisma/client.js';
import type { RunTrigger } from '../../generated/prisma/enums.js';
import { inSpan, traceParentOf } from '../../observability/trace-context.js';
import { readWorkflowVersion } from '../workflows/workflow-versions.js';
import { nextRunNumberInTx, type RunNumbers } from './run-numbers.js';

/** A stage a retry takes over from its original run as it ended there. */
export interface ReusedStage {
  attempt: number;
  exitCode: number | null;
  outputs: Prisma.InputJsonValue;
  startedAt: Date | null;
  finishedAt: Date | null;
  message: string;
}

export interface NewRun {
  parameters: NameValue[];
  timeoutSeconds: number | null;
  createdById: string | null;
  name?: string;
  /** What started the run (MANUAL when unset) and, for triggered runs, which trigger. */
  trigger?: RunTrigger;
  triggerId?: string | null;
  /** A retry runs the version of its original run; others the workflow's current one. */
  versionId?: string;
  retryOfId?: string;
  /** A retry's stages that run with overrides (healed in place). */
  overriddenStages?: readonly string[];
  /** Stages copied as SUCCEEDED instead of run (retries). */
  reusedStages?: ReadonlyMap<string, ReusedStage>;
  /** Numbers the run outside the transaction (see RunNumbers); without it, inside. */
  numbers?: RunNumbers;
  /** Worker cluster (a KUBERNETES integration of the tenant); unset: the workflow's, else the control cluster. */
  executionCluster?: string | null;
  /**
   * Why the run must wait for a tenant member's approval (approveWorkflowRun) before it
   * is admitted: nothing starts and no secret is opened until then. Unset: no approval.
   */
  approvalReason?: string;
  /**
   * A child run: the child-workflow stage attempt that starts it. It is admitted at once,
   * counted with its parent (queued behind limits its parent holds, it could wait forever).
   */
  parent?: { runId: string; stage: string; attempt: number };
  /**
   * Cyclone's startStages / endStages: only the stages between them run, the others are
   * SKIPPED from the start. Names must be stages of the version (refused naming `field`).
   */
  selection?: { startStages: readonly string[]; endStages: readonly string[]; field: string };
  /** Acceleration (docs/workflows.md): on or off for this run; unset: as its workflow version says. */
  acceleration?: boolean;
  /** The service account its stage pods run as (docs/security.md, "A run's own service account"); unset: Cyclone's. */
  serviceAccount?: string | null;
  /** Claims, Secrets and ConfigMaps its stage pods mount (checked by runVolumesSchema). */
  volumes?: readonly RunVolume[];
}

/** The reason on a stage a run leaves out (startStages / endStages). */
export const NOT_SELECTED_MESSAGE = "skipped: not between the run's startStages and endStages";

/**
 * The one way a run is created (runWorkflow, WorkflowRun documents, retries): numbered
 * next per workflow, bound to a version, with a stage row per stage (PENDING, or
 * SUCCEEDED when reused). The run is queued until the controller admits it under the
 * concurrency limits; every controller is woken on commit.
 */
export function createRunInTx(tx: SqlTx, workflowId: string, run: NewRun): Promise<WorkflowRun> {
  // The run's trace (tracing on): its span is the parent of every pass over the run.
  return inSpan('cyclone.run.create', { 'cyclone.workflow.id': workflowId }, async (span) => {
    const created = await insertRun(tx, workflowId, run);
    span.setAttributes({ 'cyclone.run.id': created.id, 'cyclone.run.number': created.number });
    return created;
  });
}

async function insertRun(tx: SqlTx, workflowId: string, run: NewRun): Promise<WorkflowRun> {
  // A key-share lock: waits for a concurrent update or delete of the workflow (which
  // lock it FOR UPDATE), so the run takes the version that update made, yet lets runs
  // of one workflow be created side by side.
  // The tenant's queued runs are counted in the same statement when its queue is limited.
  const isQueueLimited = !run.parent && maxQueuedPerTenant !== null;
  const locked = await tx.$queryRaw<{ current_version: number; tenant_id: string; tenant: string; queued: number }[]>`
    SELECT w.current_version, t.id AS tenant_id, t.name AS tenant,
           CASE WHEN ${isQueueLimited} THEN (${queuedRunsOf(Prisma.sql`t.id`)}) END AS queued
    FROM workflows w JOIN projects p ON p.id = w.project_id JOIN tenants t ON t.id = p.tenant_id
    WHERE w.id = ${workflowId}::uuid FOR KEY SHARE OF w`;
  const workflow = locked[0];
  if (!workflow) throw notFound('workflow');
  if (isQueueLimited) await assertQueueRoom(tx, workflow.tenant_id, workflow.tenant, workflow.queued);
  const version = await readWorkflowVersion(
    tx,
    run.versionId != null ? { id: run.versionId } : { workflowId, version: workflow.current_version },
  );
  const selected = selectedStages(version.spec, run.selection);
  const acceleration = run.acceleration ?? version.spec.acceleration ?? false;
  const number = run.numbers ? await run.numbers.next(tx, workflowId) : await nextRunNumberInTx(tx, workflowId);
  const stages = version.spec.stages.map(({ name: stage }) => {
    const reused = run.reusedStages?.get(stage);
    if (!selected.has(stage)) {
      return { stage, phase: 'SKIPPED', attempt: 0, exit_code: null, message: NOT_SELECTED_MESSAGE, outputs: [] };
    }
    return reused
      ? {
          stage,
          phase: 'SUCCEEDED',
          attempt: reused.attempt,
          exit_code: reused.exitCode,
          message: reused.message,
          outputs: reused.outputs,
          started_at: reused.startedAt?.toISOString() ?? null,
          finished_at: reused.finishedAt?.toISOString() ?? null,
        }
      : { stage, phase: 'PENDING', attempt: 0, exit_code: null, message: '', outputs: [] };
  });
  // One statement: the run, its stage rows and the controllers' wake-up (sent on commit).
  const rows = await tx.$queryRaw<WorkflowRun[]>`
    WITH run AS (
      INSERT INTO workflow_runs (id, workflow_id, version_id, number, name, parameters, timeout_seconds,
                                 created_by_id, trigger, trigger_id, retry_of_id, execution_cluster,
                                 phase, message, approval_reason, overridden_stages,
                                 parent_run_id, parent_stage, parent_attempt, admitted_at, start_stages, end_stages,
                                 acceleration, service_account, volumes, trace_parent)
      VALUES (gen_random_uuid(), ${workflowId}::uuid, ${version.id}::uuid, ${number}::int, ${run.name ?? null}::text,
              ${JSON.stringify(run.parameters)}::jsonb, ${run.timeoutSeconds}::int, ${run.createdById}::uuid,
              ${run.trigger ?? 'MANUAL'}::text::"RunTrigger", ${run.triggerId ?? null}::uuid, ${run.retryOfId ?? null}::uuid,
              COALESCE(${run.executionCluster ?? null}::text,
                       (SELECT execution_cluster FROM workflows WHERE id = ${workflowId}::uuid)),
              ${run.approvalReason ? 'WAITING' : 'PENDING'}::text::"RunPhase",
              ${run.approvalReason ? approvalWaitMessage(run.approvalReason) : ''}::text, ${run.approvalReason ?? null}::text,
              ${[...(run.overriddenStages ?? [])]}::text[],
              ${run.parent?.runId ?? null}::uuid, ${run.parent?.stage ?? null}::text, ${run.parent?.attempt ?? null}::int,
              CASE WHEN ${run.parent !== undefined} THEN now() END,
              ${[...(run.selection?.startStages ?? [])]}::text[], ${[...(run.selection?.endStages ?? [])]}::text[],
              ${acceleration}::boolean, ${run.serviceAccount ?? null}::text,
              ${JSON.stringify(run.volumes ?? [])}::jsonb, ${traceParentOf()}::text)
      RETURNING *
    ), stages AS (
      INSERT INTO stage_runs (id, run_id, stage, phase, attempt, exit_code, message, outputs, started_at, finished_at)
      SELECT gen_random_uuid(), run.id, s.stage, s.phase::"StagePhase", s.attempt, s.exit_code, s.message, s.outputs,
             s.started_at, s.finished_at
      FROM run, jsonb_to_recordset(${JSON.stringify(stages)}::jsonb) AS s(stage text, phase text, attempt int,
        exit_code int, message text, outputs jsonb, started_at timestamptz, finished_at timestamptz)
      RETURNING 1
    ), woken AS (
      SELECT pg_notify(${CHANNELS.controller}, run.id::text) FROM run
    )
    SELECT run.id, run.workflow_id AS "workflowId", run.version_id AS "versionId", run.number, run.name,
           run.phase::text AS phase, run.message, run.parameters, run.timeout_seconds AS "timeoutSeconds",
           run.stop_requested_at AS "stopRequestedAt", run.stop_forced_at AS "stopForcedAt", run.paused_at AS "pausedAt", run.admitted_at AS "admittedAt",
           run.retry_of_id AS "retryOfId", run.created_by_id AS "createdById", run.trigger::text AS trigger,
           run.trigger_id AS "triggerId", run.created_at AS "createdAt", run.started_at AS "startedAt",
           run.finished_at AS "finishedAt", run.notified_at AS "notifiedAt", run.execution_cluster AS "executionCluster",
           run.approval_reason AS "approvalReason", run.approved_at AS "approvedAt", run.approved_by_id AS "approvedById",
           run.overridden_stages AS "overriddenStages", run.parent_run_id AS "parentRunId",
           run.parent_stage AS "parentStage", run.parent_attempt AS "parentAttempt",
           run.start_stages AS "startStages", run.end_stages AS "endStages", run.acceleration,
           run.service_account AS "serviceAccount", run.volumes, run.trace_parent AS "traceParent"
    FROM run, (SELECT count(*) FROM stages) AS made, (SELECT count(*) FROM woken) AS sent`;
  const created = rows[0];
  if (!created) throw new Error('the run was not created');
  return created;
}

/** The stages a run covers; names that are no stage of the version are refused. */
function selectedStages(spec: WorkflowSpec, selection: NewRun['selection']): Set<string> {
  if (!selection || selection.startStages.length + selection.endStages.length === 0) {
    return new Set(spec.stages.map((stage) => stage.name));
  }
  const names = new Set(spec.stages.map((stage) => stage.name));
  for (const key of ['startStages', 'endStages'] as const) {
    selection[key].forEach((name, index) => {
      if (!names.has(name)) throw badInput(`${selection.field}.${key}[${index}]`, `no stage "${name}" in the workflow`);
    });
  }
  const selected = selectStages(spec.stages, selection.startStages, selection.endStages);
  if (![...selected].some((name) => !spec.stages.find((stage) => stage.name === name)?.finally)) {
    throw badInput(`${selection.field}.startStages`, 'no stage lies between these startStages and endStages');
  }
  return selected;
}

/** Queued runs per tenant (CYCLONE_MAX_QUEUED_RUNS_PER_TENANT, set at boot); null: no limit. */
let maxQueuedPerTenant: number | null = 1000;

export function configureRunQueue(settings: { maxQueuedRunsPerTenant: number | null }): void {
  maxQueuedPerTenant = settings.maxQueuedRunsPerTenant;
}

/**
 * Far below the limit a creation takes no turn: only creations in flight at once could
 * pass the limit together, and there are never this many (each holds a pooled
 * database connection). Creations near the limit take their turn (see assertQueueRoom).
 */
const UNLOCKED_MARGIN = 100;

/**
 * The tenant's turn to check its queue, held until commit. A transaction that creates
 * several runs takes it before the first (before any run number's row lock): taken
 * between two creations it could wait on a creation that waits on this transaction.
 */
export async function lockTenantQueue(tx: SqlTx, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`cyclone-queue:${tenantId}`}))`;
}

/**
 * Counts the runs of a tenant waiting for admission: its workflows first, then each
 * one's entries in the partial index of queued runs. Joined the other way round, every
 * queued run of every tenant was looked up in workflows and projects, on each creation.
 */
function queuedRunsOf(tenantId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT coalesce(sum(queued.n), 0)::int FROM workflows w
    JOIN projects p ON p.id = w.project_id
    CROSS JOIN LATERAL (SELECT count(*) AS n FROM workflow_runs r
      WHERE r.workflow_id = w.id AND r.admitted_at IS NULL AND r.phase IN ('PENDING', 'WAITING')) queued
    WHERE p.tenant_id = ${tenantId}`;
}

async function countQueued(tx: SqlTx, tenantId: string): Promise<number> {
  const counted = await tx.$queryRaw<{ n: number }[]>`SELECT (${queuedRunsOf(Prisma.sql`${tenantId}::uuid`)}) AS n`;
  return counted[0]?.n ?? 0;
}

/**
 * A tenant may not queue more than the limit: runs waiting for admission cost every
 * admission pass, so one tenant's flood would slow everyone's. Near the limit the
 * check is serialized per tenant (a transaction-scoped advisory lock, taken before the
 * run number's row lock), so concurrent creations cannot pass it together; far below
 * it creations go side by side, which is what lets a burst of submissions in.
 * `counted` is what the statement that locked the workflow counted.
 */
async function assertQueueRoom(tx: SqlTx, tenantId: string, tenant: string, counted: number): Promise<void> {
  if (maxQueuedPerTenant === null || counted < maxQueuedPerTenant - UNLOCKED_MARGIN) return;
  await lockTenantQueue(tx, tenantId);
  const queued = await countQueued(tx, tenantId);
  if (queued >= maxQueuedPerTenant) {
    throw conflict(
      `tenant "${tenant}" already has ${queued} queued runs, the most one tenant may queue (CYCLONE_MAX_QUEUED_RUNS_PER_TENANT); wait for some to start, or stop some, then try again`,
    );
  }
}
