import { planAdmission, type QueuedRun } from '@cyclone/dag';
import { CHANNELS, notifyRunChanged } from '../db/notification-hub.js';
import type { PlainSql } from '../db/plain-sql.js';
import type { SqlTx } from '../db/sql-tx.js';

/** One key for the whole installation: admissions are serialized across controllers. */
const ADMISSION_LOCK = 0x6379_636c; // "cycl"
/**
 * Queued runs looked at per pass for each workflow, oldest first (paused ones and
 * ones waiting for approval apart).
 * Every workflow with queued runs takes part in every pass, so no tenant's queue can
 * push another's out of the scan; a workflow's later runs move up as earlier ones go.
 * The whole scan is bounded by the queued runs per tenant (CYCLONE_MAX_QUEUED_RUNS_PER_TENANT).
 */
const SCAN_PER_WORKFLOW = 100;

interface QueueRow {
  id: string;
  workflow_id: string;
  tenant_id: string;
  created_at: Date;
  phase: string;
  message: string;
  paused_at: Date | null;
  stop_requested_at: Date | null;
  approval_reason: string | null;
  approved_at: Date | null;
  wait_kind: string | null;
  wait_limit: number | null;
  wait_position: number | null;
  workflow_limit: number | null;
  tenant_limit: number | null;
}

export interface AdmissionResult {
  admitted: string[];
  cancelled: string[];
}

/**
 * Moves queued runs (not yet admitted) on: stopped ones are cancelled, the ones the
 * limits allow are admitted (the run reconciler then starts them), the others are
 * WAITING with the reason in their message. Runs under a transaction-scoped
 * advisory lock, so two controllers never admit past a limit together.
 */
export async function admitQueuedRuns(sql: PlainSql, capacity: number | null): Promise<AdmissionResult> {
  // Cheap check first, outside a transaction: most passes find no queue and take no lock
  // (a run queued just after is found by the next pass, as it would be in a transaction).
  const any = await sql.rows<{ id: string }>(
    `SELECT id FROM workflow_runs WHERE admitted_at IS NULL AND phase IN ('PENDING', 'WAITING') LIMIT 1`,
    [],
  );
  if (any.length === 0) return { admitted: [], cancelled: [] };
  return sql.transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMISSION_LOCK})`;
    const rows = await tx.$queryRaw<QueueRow[]>`
        SELECT r.id, r.workflow_id, p.tenant_id, r.created_at, r.phase::text AS phase, r.message, r.paused_at,
               r.stop_requested_at, r.approval_reason, r.approved_at, r.wait_kind, r.wait_limit, r.wait_position,
               w.max_concurrent_runs AS workflow_limit, t.max_concurrent_runs AS tenant_limit
        FROM (
          SELECT q.*, row_number() OVER (
                   PARTITION BY q.workflow_id, q.paused_at IS NULL, q.stop_requested_at IS NULL,
                                (q.approval_reason IS NULL OR q.approved_at IS NOT NULL)
                   ORDER BY q.created_at, q.id) AS place
          FROM workflow_runs q
          WHERE q.admitted_at IS NULL AND q.phase IN ('PENDING', 'WAITING')
        ) r
        JOIN workflows w ON w.id = r.workflow_id
        JOIN projects p ON p.id = w.project_id
        JOIN tenants t ON t.id = p.tenant_id
        WHERE r.place <= ${SCAN_PER_WORKFLOW} OR r.stop_requested_at IS NOT NULL
        ORDER BY r.created_at, r.id`;
    const now = new Date();
    const cancelled = rows.filter((row) => row.stop_requested_at !== null).map((row) => row.id);
    if (cancelled.length > 0) await cancelQueued(tx, cancelled, now);
    const queue = rows.filter((row) => row.stop_requested_at === null);
    if (queue.length === 0) return { admitted: [], cancelled };

    // Active runs per tenant and workflow, and when each queued tenant last had a run admitted, in one read.
    const tenantIds = [...new Set(queue.map((row) => row.tenant_id))];
    const counts = await tx.$queryRaw<{ tenant_id: string; workflow_id: string | null; n: number; at: Date | null }[]>`
        SELECT p.tenant_id, r.workflow_id, count(*)::int AS n, NULL::timestamptz AS at
        FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
        WHERE r.admitted_at IS NOT NULL AND r.phase IN ('PENDING', 'RUNNING', 'WAITING')
        GROUP BY p.tenant_id, r.workflow_id
        UNION ALL
        SELECT id, NULL, 0, last_admitted_at FROM tenants
        WHERE id = ANY(${tenantIds}::uuid[]) AND last_admitted_at IS NOT NULL`;
    const activeByTenant = new Map<string, number>();
    const activeByWorkflow = new Map<string, number>();
    const lastAdmittedAt = new Map<string, Date>();
    for (const row of counts) {
      if (row.at) lastAdmittedAt.set(row.tenant_id, row.at);
      if (row.workflow_id === null) continue;
      activeByTenant.set(row.tenant_id, (activeByTenant.get(row.tenant_id) ?? 0) + row.n);
      activeByWorkflow.set(row.workflow_id, (activeByWorkflow.get(row.workflow_id) ?? 0) + row.n);
    }
    const tenantLimits = new Map(queue.map((row) => [row.tenant_id, row.tenant_limit]));
    const workflowLimits = new Map(queue.map((row) => [row.workflow_id, row.workflow_limit]));
    const plan = planAdmission(
      queue.map(
        (row): QueuedRun => ({
          id: row.id,
          tenantId: row.tenant_id,
          workflowId: row.workflow_id,
          createdAt: row.created_at,
          isPaused: row.paused_at !== null,
          ...(row.approval_reason !== null && row.approved_at === null
            ? { awaitingApproval: row.approval_reason }
            : {}),
        }),
      ),
      {
        activeByTenant,
        activeByWorkflow,
        tenantLimit: (id) => tenantLimits.get(id) ?? null,
        workflowLimit: (id) => workflowLimits.get(id) ?? null,
        capacity,
        lastAdmittedAt,
      },
    );
    const byId = new Map(queue.map((row) => [row.id, row]));
    if (plan.admit.length > 0) {
      // Stamped after the counts were read: a run that ended before that read (and so
      // freed the place) ended before its successor's admission.
      const admittedAt = new Date();
      const admittedTenants = [...new Set(plan.admit.map((id) => byId.get(id)?.tenant_id))];
      await tx.$executeRaw`
          WITH admitted AS (
            UPDATE workflow_runs SET admitted_at = ${admittedAt}, message = '', wait_kind = NULL, wait_limit = NULL, wait_position = NULL
            WHERE id = ANY(${plan.admit}::uuid[])
          )
          UPDATE tenants SET last_admitted_at = ${admittedAt} WHERE id = ANY(${admittedTenants}::uuid[])`;
    }
    // Only runs whose phase or reason changes are written (and announced).
    const changed = plan.waiting.filter(({ id, reason, wait }) => {
      const row = byId.get(id);
      return (
        row?.phase !== 'WAITING' ||
        row.message !== reason ||
        row.wait_kind !== wait.kind ||
        row.wait_limit !== wait.limit ||
        row.wait_position !== wait.position
      );
    });
    if (changed.length > 0) {
      const ids = changed.map((entry) => entry.id);
      const reasons = changed.map((entry) => entry.reason);
      const kinds = changed.map((entry) => entry.wait.kind);
      const limits = changed.map((entry) => entry.wait.limit);
      const positions = changed.map((entry) => entry.wait.position);
      await tx.$executeRaw`
          UPDATE workflow_runs r
          SET phase = 'WAITING', message = v.reason, wait_kind = v.kind, wait_limit = v.wait_limit, wait_position = v.position
          FROM unnest(${ids}::uuid[], ${reasons}::text[], ${kinds}::text[], ${limits}::int[], ${positions}::int[])
            AS v(id, reason, kind, wait_limit, position)
          WHERE r.id = v.id`;
      await tx.$executeRaw`SELECT pg_notify(${CHANNELS.run}, id::text) FROM unnest(${ids}::uuid[]) AS id`;
    }
    return { admitted: plan.admit, cancelled };
  });
}

/** A stopped run that never started: nothing to kill, everything is CANCELLED. */
async function cancelQueued(tx: SqlTx, ids: string[], now: Date): Promise<void> {
  await tx.$executeRaw`
    UPDATE stage_runs SET phase = 'CANCELLED', message = 'not started: the run was stopped'
    WHERE run_id = ANY(${ids}::uuid[]) AND phase = 'PENDING'`;
  await tx.$executeRaw`
    UPDATE workflow_runs SET phase = 'CANCELLED', message = 'stopped before it started', finished_at = ${now}
    WHERE id = ANY(${ids}::uuid[])`;
  for (const id of ids) await notifyRunChanged(tx, id);
}
