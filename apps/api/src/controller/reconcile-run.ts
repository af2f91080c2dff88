import type { RunPlan } from '@cyclone/dag';
import {
  buildsImages,
  declaredStageName,
  matrixRunName,
  type NameValue,
  ValuesError,
  type WorkflowSpec,
  type WorkflowStage,
} from '@cyclone/domain';
import { SpanStatusCode } from '@opentelemetry/api';
import type { SqlTx } from '../db/sql-tx.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import { isChildHandle } from '../modules/runs/child-handle.js';
import { isDelegationHandle } from '../modules/runs/delegation-handle.js';
import { storedRunVolumes } from '../modules/runs/stored-run-volumes.js';
import { readWorkflowVersion } from '../modules/workflows/workflow-versions.js';
import { contextFromTraceParent, inSpan, traceParentOf, withTraceParent } from '../observability/trace-context.js';
import { endParentAttempt, startChildRun, stopChildRun } from './child-runs.js';
import { type DelegationSettings, startDelegation } from './delegations.js';
import type { Executor } from './executors/executor.js';
import { withWorkflowResources, workloadLimits, workloadPullPolicy } from './executors/stage-limits.js';
import { planFromRows, reconcileOutcome } from './reconcile-plan.js';
import {
  applyRunWrite,
  beginWaits,
  claimAttempt,
  endStages,
  expandMatrices,
  failStages,
  failUnclaimed,
  type LockedRun,
  lockRun,
  readDecisions,
  readStages,
  requestApprovals,
  type StageCounts,
  type StageRow,
  writeObserved,
} from './reconcile-store.js';
import { type PreparedStage, prepareStage } from './stage-prepare.js';

export interface ReconcileContext {
  executor: Executor;
  /** Opens integration secrets for `${secrets.…}` and resource credentials; absent: stages needing them fail. */
  box: SecretBox | undefined;
  resyncMs: number;
  /** How delegated stages hand their work over. */
  delegations: DelegationSettings;
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
  /** The stage rows the plan was made from. */
  stages: ReadonlyMap<string, StageRow>;
  /** Attempts the executor could not start in this pass. */
  startFailures: number;
  /** The run's ended and total stages after the pass, when it wrote the run's row (a phase change does). */
  stageCounts: StageCounts | undefined;
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
  tx: SqlTx,
  id: string,
  started: string[],
): Promise<ReconcileResult | undefined> {
  const run = await lockRun(tx, id);
  if (!run) return undefined;
  // A child of the span that created the run, whichever process made it (the context is stored with the run).
  return inSpan(
    'cyclone.run.reconcile',
    { 'cyclone.run.id': run.id, 'cyclone.run.number': run.number, 'cyclone.workflow.id': run.workflowId },
    async (span) => {
      const result = await passOver(ctx, tx, run, started);
      span.setAttributes({
        'cyclone.run.phase': result.plan.runPhase,
        'cyclone.stages.started': result.plan.start.length,
      });
      return result;
    },
    contextFromTraceParent(run.traceParent),
  );
}

async function passOver(ctx: ReconcileContext, tx: SqlTx, run: LockedRun, started: string[]): Promise<ReconcileResult> {
  const id = run.id;
  const stageRows = await readStages(tx, id);
  const { spec } = await readWorkflowVersion(tx, { id: run.versionId });
  const now = new Date();
  // createRunInTx makes every stage row together with its run.
  const rows = new Map(stageRows.map((row) => [row.stage, row]));
  // Finally stages and their matrix combinations.
  const finallyNames = new Set(spec.stages.filter((stage) => stage.finally).map((stage) => stage.name));
  const finals = new Set(
    [...rows.values()].filter((row) => finallyNames.has(row.matrixOf ?? row.stage)).map((row) => row.stage),
  );
  const isOrphanFound = await failOrphans(ctx, tx, run, rows, finals, now);
  const isObservedChange = await observeRunning(ctx, tx, id, rows, now);
  const hasGates = spec.stages.some((stage) => stage.approval !== undefined);
  const decisions = hasGates ? await readDecisions(tx, id) : [];
  const plan = planFromRows(spec, run, rows, now, decisions);
  await applyStageChanges(ctx, tx, id, plan, now);
  // A gate approved in this pass passes its outputs to the stages this pass starts.
  for (const finish of plan.finish) {
    const row = rows.get(finish.stage);
    if (row && finish.outputs) rows.set(finish.stage, { ...row, phase: finish.phase, outputs: finish.outputs });
  }

  const stagesByName = new Map(spec.stages.map((stage) => [stage.name, stage]));
  const combinations = new Map(
    plan.expand.flatMap(({ stage, combinations }) =>
      combinations.map((values, index) => [matrixRunName(stage, index), values] as const),
    ),
  );
  for (const row of rows.values()) if (row.matrixOf) combinations.set(row.stage, row.matrix as NameValue[]);
  const stageRuns = [...rows.values()];
  const preparable = { ...run, stageRuns };
  const handles: { stage: string; handle: string }[] = [];
  let startFailures = 0;
  for (const start of plan.start) {
    const matrix = combinations.get(start.stage);
    const stage = stagesByName.get(declaredStageName(start.stage)) as WorkflowStage;
    const handle = stage.workflow
      ? await startChildRun(tx, preparable, spec, { ...stage, workflow: stage.workflow }, start.attempt, now)
      : stage.delegation
        ? await startDelegation(
            tx,
            ctx.delegations,
            ctx.box,
            run,
            { ...stage, delegation: stage.delegation },
            start.attempt,
            now,
          )
        : await startStage(ctx, tx, preparable, spec, stage, start, matrix);
    if (handle === undefined) startFailures += 1;
    else if (handle !== null) {
      // A child run is made in this transaction, a delegation has no process: nothing to kill should it roll back.
      if (!isChildHandle(handle) && !isDelegationHandle(handle)) started.push(handle);
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
  const stageCounts = await applyRunWrite(tx, id, outcome.write);
  if (outcome.isTerminal && run.parentRunId && run.parentStage && run.parentAttempt !== null) {
    const child = {
      ...run,
      parentRunId: run.parentRunId,
      parentStage: run.parentStage,
      parentAttempt: run.parentAttempt,
    };
    await endParentAttempt(tx, child, plan.runPhase as 'SUCCEEDED' | 'FAILED' | 'CANCELLED', now);
  }
  return {
    requeueAfterMs: outcome.requeueAfterMs,
    isResyncEnough: outcome.isResyncEnough,
    isTerminal: outcome.isTerminal,
    phaseBefore: run.phase,
    run,
    plan,
    stages: rows,
    startFailures,
    stageCounts,
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
  tx: SqlTx,
  run: LockedRun,
  rows: Map<string, StageRow>,
  finals: ReadonlySet<string>,
  now: Date,
): Promise<boolean> {
  const isStopping = run.stopRequestedAt !== null;
  // A running matrix stage has no process of its own (its combinations have): never an orphan.
  const matrixStages = new Set([...rows.values()].flatMap((row) => (row.matrixOf ? [row.matrixOf] : [])));
  const orphans = [...rows.values()].filter(
    (row) =>
      row.phase === 'RUNNING' &&
      !matrixStages.has(row.stage) &&
      (!isStopping || finals.has(row.stage)) &&
      !isChildHandle(row.handle) &&
      ctx.executor.isOrphan(row.handle),
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
  tx: SqlTx,
  runId: string,
  plan: RunPlan,
  now: Date,
): Promise<void> {
  await beginWaits(tx, runId, plan.wait, now);
  await expandMatrices(tx, runId, plan.expand, now);
  await requestApprovals(
    tx,
    runId,
    plan.wait.map((wait) => wait.stage),
    now,
  );
  const ended = await endStages(tx, runId, plan.kill, plan.finish, now);
  for (const { handle } of ended) {
    if (isChildHandle(handle)) await stopChildRun(tx, handle, now);
    else ctx.executor.kill(handle, { isRecorded: true });
  }
}

/**
 * Claims the attempt (its stage row RUNNING), then spawns it. Returns the handle,
 * null when the attempt was claimed elsewhere, undefined when the stage could not
 * start (its attempt then failed).
 */
async function startStage(
  ctx: ReconcileContext,
  tx: SqlTx,
  run: LockedRun & { stageRuns: StageRow[] },
  spec: WorkflowSpec,
  stage: WorkflowStage,
  start: { stage: string; attempt: number },
  matrix?: readonly NameValue[],
): Promise<string | null | undefined> {
  const now = new Date();
  let fields: PreparedStage;
  try {
    fields = await prepareStage(
      tx,
      { box: ctx.box, withPullAuth: ctx.executor.needsPullCredentials === true },
      run,
      spec,
      stage,
      matrix,
      start.stage,
    );
  } catch (error) {
    if (!(error instanceof ValuesError)) throw error;
    // Values never change within a run, so retrying cannot help: the stage fails for good.
    await failUnclaimed(tx, run.id, start.stage, {
      attempt: start.attempt,
      failedAttempt: Math.max(start.attempt, (stage.retries ?? 0) + 1),
      message: error.message,
      now,
    });
    return undefined;
  }
  const claimed = await claimAttempt(tx, run.id, start.stage, start.attempt, now);
  if (!claimed) return null;
  // The attempt's span: the executor's start is its child, and the stage gets its traceparent
  // (W3C TRACEPARENT, unless the stage sets one itself) to join its own spans to the run's trace.
  return inSpan(
    'cyclone.stage.start',
    { 'cyclone.run.id': run.id, 'cyclone.stage': start.stage, 'cyclone.stage.attempt': start.attempt },
    async (span) => {
      const env = withTraceParent(fields.env, traceParentOf());
      const volumes = storedRunVolumes(run.volumes);
      try {
        return await ctx.executor.start({
          runId: run.id,
          stage: start.stage,
          attempt: start.attempt,
          image: fields.image,
          command: fields.command,
          args: fields.args,
          env,
          workingDir: fields.workingDir,
          firstSeq: claimed.lastSeq + 1,
          secrets: fields.secrets,
          resources: fields.resources,
          ...(fields.resolvers ? { resolvers: fields.resolvers } : {}),
          ...(fields.httpPushes ? { httpPushes: fields.httpPushes } : {}),
          artifacts: fields.artifacts,
          outputArtifacts: stage.outputs.artifacts,
          ...(fields.caches && fields.cacheScope ? { caches: fields.caches, cacheScope: fields.cacheScope } : {}),
          limits: workloadLimits(withWorkflowResources(stage.podSpecExtras, spec.resources)),
          pullPolicy: workloadPullPolicy(stage.podSpecExtras),
          ...(buildsImages(stage.podSpecExtras) ? { buildsImages: true } : {}),
          pullAuth: fields.pullAuth,
          services: stage.services,
          ...(fields.accelerated ? { accelerated: fields.accelerated } : {}),
          ...(fields.retryOf ? { retryOf: fields.retryOf } : {}),
          ...(run.serviceAccount ? { serviceAccount: run.serviceAccount } : {}),
          ...(volumes.length > 0 ? { volumes } : {}),
        });
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        // Claimed just now, so RUNNING: it fails like any running attempt nobody can report.
        await failStages(tx, run.id, [start.stage], `could not start: ${(error as Error).message}`, new Date());
        return undefined;
      }
    },
  );
}

/**
 * Asks the executor about each running attempt (Kubernetes: a pod GET), so an exit
 * whose notification was lost is recorded all the same; also keeps the stage message
 * explaining a wait (e.g. an unschedulable pod). True when a row changed.
 */
async function observeRunning(
  ctx: ReconcileContext,
  tx: SqlTx,
  runId: string,
  rows: Map<string, StageRow>,
  now: Date,
): Promise<boolean> {
  const { executor } = ctx;
  if (!executor.observe) return false;
  let hasChanged = false;
  for (const row of [...rows.values()]) {
    if (row.phase !== 'RUNNING' || row.handle === null || isChildHandle(row.handle)) continue;
    const seen = await executor.observe({
      runId,
      stage: row.stage,
      attempt: row.attempt,
      handle: row.handle,
      message: row.message,
      startedAt: row.startedAt,
    });
    if (!seen) continue;
    const change = seen.exit
      ? { exit: seen.exit, finishedAt: now }
      : seen.handle
        ? { handle: seen.handle }
        : { message: seen.message ?? '' };
    rows.set(row.stage, await writeObserved(tx, row.id, change));
    hasChanged = true;
  }
  return hasChanged;
}
