import type { StageApproval } from '@cyclone/domain';
import DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';
import type { WorkflowRun } from '../../generated/prisma/client.js';
import { childRunIdOf } from './child-handle.js';
import type { StageRunView } from './runs.presenter.js';
import { approvalView, readDecisionRows } from './stage-approvals.js';

/** Per-request loaders of the runs module. */
export function createRunLoaders(db: Db) {
  return {
    /** Runs by id (e.g. the origin of a retry, which shares its workflow and so its tenant). */
    runById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.workflowRun.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    /**
     * Place of each queued run in its tenant's queue (1 = next), null when the run is
     * not queued (admitted, finished, paused, stopped or waiting for approval). One query per batch.
     */
    queuePositionByRunId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.$queryRaw<{ id: string; position: number }[]>`
        SELECT r.id, (
          SELECT count(*)::int FROM workflow_runs q
          JOIN workflows qw ON qw.id = q.workflow_id JOIN projects qp ON qp.id = qw.project_id
          WHERE qp.tenant_id = p.tenant_id AND q.admitted_at IS NULL AND q.phase IN ('PENDING', 'WAITING')
            AND q.paused_at IS NULL AND q.stop_requested_at IS NULL AND (q.created_at, q.id) < (r.created_at, r.id)
            AND (q.approval_reason IS NULL OR q.approved_at IS NOT NULL)
        ) + 1 AS position
        FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
        WHERE r.id = ANY(${[...ids]}::uuid[]) AND r.admitted_at IS NULL AND r.phase IN ('PENDING', 'WAITING')
          AND r.paused_at IS NULL AND r.stop_requested_at IS NULL
          AND (r.approval_reason IS NULL OR r.approved_at IS NOT NULL)`;
      const byId = new Map(rows.map((row) => [row.id, row.position]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    /** The stages of each run, in the order of its workflow version: three queries per batch. */
    stageRunsByRunId: new DataLoader((ids: readonly string[]) => readStageRunViews(db, ids)),
  };
}

/** The stages of each run, in the order of its workflow version: three queries (four with approval gates). */
export async function readStageRunViews(db: Db, ids: readonly string[]): Promise<StageRunView[][]> {
  const [rows, runs] = await Promise.all([
    db.stageRun.findMany({ where: { runId: { in: [...ids] } } }),
    db.workflowRun.findMany({ where: { id: { in: [...ids] } }, select: { id: true, versionId: true } }),
  ]);
  const versions = await db.workflowVersion.findMany({
    where: { id: { in: [...new Set(runs.map((run) => run.versionId))] } },
    select: { id: true, spec: true },
  });
  type StoredStage = { name: string; approval?: StageApproval };
  const stagesOf = new Map(versions.map((v) => [v.id, (v.spec as { stages?: StoredStage[] }).stages ?? []]));
  const versionOf = new Map(runs.map((run) => [run.id, run.versionId]));
  const gatedRuns = runs.filter((run) => stagesOf.get(run.versionId)?.some((stage) => stage.approval));
  // Decisions grouped by run and stage once, not filtered again for every stage row.
  const decisionsOf = new Map<string, Awaited<ReturnType<typeof readDecisionRows>>>();
  for (const decision of await readDecisionRows(
    db,
    gatedRuns.map((run) => run.id),
  )) {
    const key = `${decision.runId}/${decision.stage}`;
    decisionsOf.set(key, [...(decisionsOf.get(key) ?? []), decision]);
  }
  const now = new Date();
  return ids.map((id) => {
    const stages = stagesOf.get(versionOf.get(id) ?? '') ?? [];
    const order = stages.map((stage) => stage.name);
    const approvalOf = new Map(stages.map((stage) => [stage.name, stage.approval]));
    // A matrix stage's combinations follow it, in their order.
    const rank = (row: { stage: string; matrixOf: string | null }) => {
      const own = order.indexOf(row.matrixOf ?? row.stage) + 1 || order.length + 1;
      return row.matrixOf ? own + (Number(row.stage.slice(row.matrixOf.length + 1)) + 1) / 1_000 : own;
    };
    return rows
      .filter((row) => row.runId === id)
      .sort((a, b) => rank(a) - rank(b))
      .map((row): StageRunView => {
        const approval = approvalOf.get(row.stage);
        return {
          name: row.stage,
          phase: row.phase,
          attempt: row.attempt,
          exitCode: row.exitCode,
          message: row.message,
          outputs: Array.isArray(row.outputs) ? (row.outputs as { key: string; value: string }[]) : [],
          startedAt: row.startedAt,
          finishedAt: row.finishedAt,
          childRunId: childRunIdOf(row.handle),
          matrixOf: row.matrixOf,
          matrix: Array.isArray(row.matrix) ? (row.matrix as { name: string; value: string }[]) : [],
          approval: approval ? approvalView(approval, row, decisionsOf.get(`${id}/${row.stage}`) ?? [], now) : null,
        };
      });
  });
}

/**
 * A run as a subscription sends it, with the stages read together with it: the
 * resolver primes the stages loader with them, so the event shows the state that
 * made the stream send it (read again later, two events could show the same state).
 */
export type RunEvent = WorkflowRun & { stageViews: StageRunView[] };

/** The stage part of a run event's change signature. */
export const stageSignature = (views: readonly StageRunView[]) =>
  views.map((v) => [v.name, v.phase, v.attempt, v.approval?.approvals.length ?? 0]);
