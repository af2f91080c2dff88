import type { RunPlan } from '@cyclone/dag';
import { ValuesError, type WorkflowSpec, type WorkflowStage } from '@cyclone/domain';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import type { Tx } from '../modules/shared/mutation.js';
import { readWorkflowVersion } from '../modules/workflows/workflow-versions.js';
import type { Executor } from './executors/executor.js';
import { workloadLimits, workloadPullPolicy } from './executors/stage-limits.js';
import { planFromRows, reconcileOutcome } from './reconcile-plan.js';
import {
  applyRunWrite,
  claimAttempt,
  endStages,
  failStages,
  type LockedRun,
  lockRun,
  readStages,
  type StageRow,
} from './reconcile-store.js';
import { type PreparedStage, prepareStage } from './stage-prepare.js';

export interface ReconcileContext {
  executor: Executor;
  /** Opens integration secrets for `${secrets.…}` and resource credentials; absent: stages needing them fail. */
  box: SecretBox | undefined;
  resyncMs: number;
}

export interface ReconcileResult {
  /** ms until the run wants another pass; undefined: only when woken. */
  requeueAfterMs: number | undefined;
  /** The requeue is only what the periodic resync does anyway (something runs and its exit is pushed). */
  isResyncEnough: boolean;
  isTerminal: boolean;
  /** The run's phase before and after the pass (for the executor's summary). */
  phaseBefore: string;
  run: LockedRun;
  plan: RunPlan;
  now: Date;
}

/**
 * One pass over one run inside the caller's transaction: locks the run (undefined
 * when it is not ours now), reads its stored state, asks the pure planner what to do
 * and applies that. Handles of the processes it started are pushed to `started`, so
 * the caller can kill them if the transaction fails.
 */
export async function reconcileRunInTx(
  ctx: ReconcileContext,
  tx: Tx,
  id: string,
  started: string[],
): Promise<ReconcileResult | undefined> {
  const run = await lockRun(tx, id);
  if (!run) return undefined;
  const stageRows = await readStages(tx, id);
  const { spec } = await readWorkflowVersion(tx, { id: run.versionId });
  const now = new Date();
  // createRunInTx makes every stage row together with its run.
  const rows = new Map(stageRows.map((row) => [row.stage, row]));
  const finals = new Set(spec.stages.filter((stage) => stage.finally).map((stage) => stage.name));
  const isOrphanFound = await failOrphans(ctx, tx, run, rows, finals, now);
  const isObservedChange = await observeRunning(ctx, tx, id, rows, now);
  const plan = planFromRows(spec, run, rows, now);
  await applyStageChanges(ctx, tx, id, plan, now);

  const stagesByName = new Map(spec.stages.map((stage) => [stage.name, stage]));
  const stageRuns = [...rows.values()];
  const preparable = { ...run, stageRuns };
  const handles: { stage: string; handle: string }[] = [];
  let startFailures = 0;
  for (const start of plan.start) {
    const stage = stagesByName.get(start.stage) as WorkflowStage;
    const handle = await startStage(ctx, tx, preparable, spec, stage, start);
    if (handle === undefined) startFailures += 1;
    else if (handle !== null) {
      started.push(handle);
      handles.push({ stage: start.stage, handle });
    }
  }
  const outcome = reconcileOutcome({
    run,
    plan,
    rows,
    handles,
    isStageChanged: isOrphanFound || isObservedChange,
    startFailures,
    now,
    resyncMs: ctx.resyncMs,
  });
  await applyRunWrite(tx, id, outcome.write);
  return {
    requeueAfterMs: outcome.requeueAfterMs,
    isResyncEnough: outcome.isResyncEnough,
    isTerminal: outcome.isTerminal,
    phaseBefore: run.phase,
    run,
    plan,
    now,
  };
}

/**
 * A running attempt nobody can finish any more (its API process died) fails, all of
 * them in one statement. Not an ordinary stage while a stop is requested: the stop's
 * kill ends it CANCELLED instead (a controller that died in the middle of a stop
 * leaves them so); finally stages run on during a stop, so theirs fail as usual.
 */
async function failOrphans(
  ctx: ReconcileContext,
  tx: Tx,
  run: LockedRun,
  rows: Map<string, StageRow>,
  finals: ReadonlySet<string>,
  now: Date,
): Promise<boolean> {
  const isStopping = run.stopRequestedAt !== null;
  const orphans = [...rows.values()].filter(
    (row) => row.phase === 'RUNNING' && (!isStopping || finals.has(row.stage)) && ctx.executor.isOrphan(row.handle),
  );
  if (orphans.length === 0) return false;
  const message = 'the process was lost when its controller stopped; the attempt counts as failed';
  await failStages(
    tx,
    run.id,
    orphans.map((row) => row.stage),
    message,
    now,
  );
  for (const row of orphans) {
    ctx.executor.kill(row.handle);
    rows.set(row.stage, { ...row, phase: 'FAILED', finishedAt: now, message });
  }
  return true;
}

/**
 * Kills and finishes what the plan says in one statement, then kills the ended
 * attempts' handles all at once (each kill only signals: a process group's SIGKILL,
 * a pod's delete request), still inside the transaction: should it not commit, the
 * rows stay RUNNING and the next pass, deciding the same kill from the stored state
 * (stop, timeout), ends them. Their exits are not reported (`isRecorded`): this
 * statement recorded them.
 */
async function applyStageChanges(
  ctx: ReconcileContext,
  tx: Tx,
  runId: string,
  plan: RunPlan,
  now: Date,
): Promise<void> {
  const ended = await endStages(tx, runId, plan.kill, plan.finish, now);
  for (const { handle } of ended) ctx.executor.kill(handle, { isRecorded: true });
}

/**
 * Claims the attempt (its stage row RUNNING), then spawns it. Returns the handle,
 * null when the attempt was claimed elsewhere, undefined when the stage could not
 * start (its attempt then failed).
 */
async function startStage(
  ctx: ReconcileContext,
  tx: Tx,
  run: LockedRun & { stageRuns: StageRow[] },
  spec: WorkflowSpec,
  stage: WorkflowStage,
  start: { stage: string; attempt: number },
): Promise<string | null | undefined> {
  const now = new Date();
  const claim = {
    runId: run.id,
    stage: start.stage,
    attempt: start.attempt - 1,
    phase: { in: ['PENDING' as const, 'FAILED' as const] },
  };
  let fields: PreparedStage;
  try {
    fields = await prepareStage(
      tx,
      { box: ctx.box, withPullAuth: ctx.executor.needsPullCredentials === true },
      run,
      spec,
      stage,
    );
  } catch (error) {
    if (!(error instanceof ValuesError)) throw error;
    // Values never change within a run, so retrying cannot help: the stage fails for good.
    await tx.stageRun.updateMany({
      where: claim,
      data: {
        phase: 'FAILED',
        attempt: Math.max(start.attempt, (stage.retries ?? 0) + 1),
        startedAt: now,
        finishedAt: now,
        exitCode: null,
        message: error.message,
        outputs: [],
        handle: null,
      },
    });
    return undefined;
  }
  const claimed = await claimAttempt(tx, run.id, start.stage, start.attempt, now);
  if (!claimed) return null;
  try {
    return await ctx.executor.start({
      runId: run.id,
      stage: stage.name,
      attempt: start.attempt,
      image: fields.image,
      command: fields.command,
      args: fields.args,
      env: fields.env,
      workingDir: fields.workingDir,
      firstSeq: claimed.lastSeq + 1,
      secrets: fields.secrets,
      resources: fields.resources,
      artifacts: fields.artifacts,
      outputArtifacts: stage.outputs.artifacts,
      limits: workloadLimits(stage.podSpecExtras),
      pullPolicy: workloadPullPolicy(stage.podSpecExtras),
      pullAuth: fields.pullAuth,
    });
  } catch (error) {
    const message = `could not start: ${(error as Error).message}`;
    await tx.stageRun.updateMany({
      where: { runId: run.id, stage: start.stage },
      data: { phase: 'FAILED', finishedAt: new Date(), message },
    });
    return undefined;
  }
}

/**
 * Asks the executor about each running attempt (Kubernetes: a pod GET), so an exit
 * whose notification was lost is recorded all the same; also keeps the stage message
 * explaining a wait (e.g. an unschedulable pod). True when a row changed.
 */
async function observeRunning(
  ctx: ReconcileContext,
  tx: Tx,
  runId: string,
  rows: Map<string, StageRow>,
  now: Date,
): Promise<boolean> {
  const { executor } = ctx;
  if (!executor.observe) return false;
  let hasChanged = false;
  for (const row of [...rows.values()]) {
    if (row.phase !== 'RUNNING' || row.handle === null) continue;
    const seen = await executor.observe({
      runId,
      stage: row.stage,
      attempt: row.attempt,
      handle: row.handle,
      message: row.message,
    });
    if (!seen) continue;
    const data = seen.exit
      ? {
          phase: seen.exit.exitCode === 0 ? ('SUCCEEDED' as const) : ('FAILED' as const),
          exitCode: seen.exit.exitCode,
          message: seen.exit.message,
          outputs: seen.exit.outputs,
          finishedAt: now,
        }
      : seen.handle
        ? { handle: seen.handle }
        : { message: seen.message ?? '' };
    rows.set(row.stage, await tx.stageRun.update({ where: { id: row.id }, data }));
    hasChanged = true;
  }
  return hasChanged;
}
