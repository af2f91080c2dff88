import { ValuesError, type WorkflowSpec, type WorkflowStage } from '@cyclone/domain';
import { notifyControllers, notifyRunChanged } from '../db/notification-hub.js';
import type { SqlTx } from '../db/sql-tx.js';
import { childHandle, childRunIdOf } from '../modules/runs/child-handle.js';
import { createRunInTx } from '../modules/runs/run-create.js';
import { readWorkflowVersion } from '../modules/workflows/workflow-versions.js';
import { claimHandOff, type LockedRun } from './reconcile-store.js';
import { runVariables, substituteStage } from './run-values.js';

/**
 * Child workflows (`workflow: {name, parameters}` on a stage): the controller's part, no
 * executor involved. Starting the stage's attempt creates a run of the other workflow
 * (admitted at once, counted with its parent) and keeps `child:<run id>` as the attempt's
 * handle; the child's end, in the transaction that ends it, ends that attempt with the
 * same phase and the child's outputs; killing the attempt (stop, timeout) stops the child.
 */

/** Runs nested deeper than this fail the stage that would start one more (a guard behind the save-time cycle check). */
export const MAX_CHILD_DEPTH = 8;

/**
 * Claims the attempt and starts its child run. Returns the handle; null when the attempt
 * was claimed elsewhere; undefined when the child could not start (the attempt then
 * failed for good, with why: no such workflow, too deep, a value that cannot be resolved).
 */
export async function startChildRun(
  tx: SqlTx,
  run: LockedRun & { stageRuns: readonly { stage: string; phase: string; outputs: unknown }[] },
  spec: WorkflowSpec,
  stage: WorkflowStage & { workflow: NonNullable<WorkflowStage['workflow']> },
  attempt: number,
  now: Date,
): Promise<string | null | undefined> {
  const failClaimed = await claimHandOff(tx, run.id, stage.name, attempt, now);
  if (!failClaimed) return null;
  // A child run is not retried by its parent's retries: it failed for good.
  const fail = (message: string) =>
    failClaimed({ message, finishedAt: now, attempt: Math.max(attempt, stage.retries + 1) });
  const [target] = await tx.$queryRaw<{ id: string; created_by_id: string | null }[]>`
    SELECT child.id, parent_run.created_by_id
    FROM workflows w JOIN workflows child ON child.project_id = w.project_id AND child.name = ${stage.workflow.name}
    JOIN workflow_runs parent_run ON parent_run.id = ${run.id}::uuid
    WHERE w.id = ${run.workflowId}::uuid`;
  if (!target) return fail(`workflow "${stage.workflow.name}" does not exist in this project`);
  if ((await depthOf(tx, run.id)) >= MAX_CHILD_DEPTH) {
    return fail(
      `child workflows nest deeper than ${MAX_CHILD_DEPTH} runs; is there a cycle through "${stage.workflow.name}"?`,
    );
  }
  let parameters: { name: string; value: string }[];
  try {
    // The parameters take references like env does; a secret never goes into another run's parameters.
    parameters = substituteStage(
      { ...stage, env: stage.workflow.parameters },
      spec,
      runVariables(run, spec),
      run.stageRuns,
    ).env;
  } catch (error) {
    if (error instanceof ValuesError) return fail(error.message);
    throw error;
  }
  const child = await createRunInTx(tx, target.id, {
    parameters,
    timeoutSeconds: null,
    createdById: target.created_by_id,
    parent: { runId: run.id, stage: stage.name, attempt },
  });
  const message = `child run #${child.number} of ${stage.workflow.name}`;
  await tx.$executeRaw`
    UPDATE stage_runs SET message = ${message}
    WHERE run_id = ${run.id}::uuid AND stage = ${stage.name} AND attempt = ${attempt}::int`;
  return childHandle(child.id);
}

/** How many runs lie above this one (0 for a run no stage started). */
async function depthOf(tx: SqlTx, runId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ depth: number }[]>`
    WITH RECURSIVE chain(id, parent, depth) AS (
      SELECT id, parent_run_id, 0 FROM workflow_runs WHERE id = ${runId}::uuid
      UNION ALL
      SELECT r.id, r.parent_run_id, c.depth + 1 FROM workflow_runs r JOIN chain c ON r.id = c.parent
      WHERE c.depth < ${MAX_CHILD_DEPTH + 1}
    )
    SELECT max(depth)::int AS depth FROM chain`;
  return row?.depth ?? 0;
}

/** A killed child-workflow attempt (stop, timeout): its child run is stopped too. */
export async function stopChildRun(tx: SqlTx, handle: string, now: Date): Promise<void> {
  const id = childRunIdOf(handle) as string;
  await tx.$executeRaw`
    UPDATE workflow_runs SET stop_requested_at = ${now.toISOString()}::timestamptz
    WHERE id = ${id}::uuid AND stop_requested_at IS NULL`;
  await notifyControllers(tx, id);
}

/**
 * A child run that just ended ends its parent's attempt with the same phase and its
 * outputs (every succeeded stage's, in workflow order: a later stage's key wins), in the
 * child's transaction; the parent is woken. Nothing when the attempt already ended
 * (a stop or timeout of the parent killed it).
 */
export async function endParentAttempt(
  tx: SqlTx,
  child: { id: string; versionId: string; parentRunId: string; parentStage: string; parentAttempt: number },
  phase: 'SUCCEEDED' | 'FAILED' | 'CANCELLED',
  now: Date,
): Promise<void> {
  const [{ spec }, rows, run] = await Promise.all([
    readWorkflowVersion(tx, { id: child.versionId }),
    tx.$queryRaw<{ stage: string; outputs: unknown }[]>`
      SELECT stage, outputs FROM stage_runs WHERE run_id = ${child.id}::uuid AND phase = 'SUCCEEDED'`,
    readChild(tx, child.id),
  ]);
  const order = spec.stages.map((stage) => stage.name);
  rows.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
  const outputs = new Map<string, string>();
  for (const row of rows) {
    for (const output of (row.outputs ?? []) as { key: string; value: string }[]) outputs.set(output.key, output.value);
  }
  const message = `child run #${run.number} ${phase}${run.message ? `: ${run.message}` : ''}`;
  const ended = await tx.$executeRaw`
    UPDATE stage_runs
    SET phase = ${phase}::text::"StagePhase", finished_at = ${now.toISOString()}::timestamptz, message = ${message},
        outputs = ${JSON.stringify([...outputs].map(([key, value]) => ({ key, value })))}::jsonb
    WHERE run_id = ${child.parentRunId}::uuid AND stage = ${child.parentStage} AND attempt = ${child.parentAttempt}::int
      AND phase = 'RUNNING'`;
  if (ended === 0) return;
  await notifyRunChanged(tx, child.parentRunId);
  await notifyControllers(tx, child.parentRunId);
}

async function readChild(tx: SqlTx, id: string): Promise<{ number: number; message: string }> {
  const [row] = await tx.$queryRaw<{ number: number; message: string }[]>`
    SELECT number, message FROM workflow_runs WHERE id = ${id}::uuid`;
  if (!row) throw new Error(`run ${id} not found`);
  return row;
}
