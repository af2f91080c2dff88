import { type PlanStageState, planRun, type RunPlan } from '@cyclone/dag';
import { durationTextToMs, ValuesError, type WorkflowSpec, type WorkflowStage } from '@cyclone/domain';
import type { Db } from '../db/prisma.js';
import type { Logger } from '../logging/logger.js';
import { notifyRunChanged } from '../modules/runs/run-events.js';
import type { Tx } from '../modules/shared/mutation.js';
import { toWorkflowSpec } from '../modules/workflows/workflows.repository.js';
import type { Reconciler } from './controller.js';
import type { Executor, RunSummary, StageExit } from './executors/executor.js';
import { admitQueuedRuns } from './run-admission.js';
import { runVariables, substituteStage } from './run-values.js';
import { type PreparableRun, type PreparedStage, prepareStage } from './stage-prepare.js';

/** The spec of a run's version, parsed once per pass (startStage gets the pass's run object). */
const specs = new WeakMap<object, WorkflowSpec>();
function specOf(run: { version: { spec: unknown } }): WorkflowSpec {
  let spec = specs.get(run.version as object);
  if (!spec) {
    spec = toWorkflowSpec(run.version.spec);
    specs.set(run.version as object, spec);
  }
  return spec;
}

/**
 * Versions are immutable: a pass reads each one once (then parses it once, specOf)
 * instead of on every pass of every run. Bounded: cleared when full.
 */
const versions = new Map<string, { spec: unknown }>();
const MAX_CACHED_VERSIONS = 1_000;
async function versionOf(tx: Tx, versionId: string): Promise<{ spec: unknown }> {
  let version = versions.get(versionId);
  if (!version) {
    version = await tx.workflowVersion.findUniqueOrThrow({ where: { id: versionId }, select: { spec: true } });
    if (versions.size >= MAX_CACHED_VERSIONS) versions.clear();
    versions.set(versionId, version);
  }
  return version;
}

/** Every admitted active run gets a pass at least this often, woken or not (CYCLONE_CONTROLLER_RESYNC). */
const DEFAULT_FULL_PASS_MS = 5_000;
/** A failed pass is tried again this soon. */
const ERROR_REQUEUE_MS = 1_000;
/** Waiting for a pooled connection under load is better than failing the pass. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };
/** A stage exit is written this many times before it is given up (and logged). */
const EXIT_ATTEMPTS = 10;
/** Runs reconciled at once; each holds one database connection while it runs. */
const PARALLEL = 4;

/**
 * Drives every active run. Each pass first admits queued runs under the concurrency
 * limits (run-admission.ts), then reconciles the runs that asked for it (woken by a
 * mutation in any process, a stage exit or their own requeue time) and, every
 * full-pass interval, every admitted active run: what is kept in memory only decides how
 * soon a run is looked at, never what happens to it. A run's pass locks its row (`FOR UPDATE SKIP LOCKED`, so
 * two controllers never act on one run at once), reads its stored state, asks the
 * pure planner what to do and applies that in the same transaction. Processes are
 * started inside the transaction after their stage row is RUNNING with the attempt,
 * so the handle is committed with it; if the commit fails they are killed.
 */
export class RunReconciler implements Reconciler {
  readonly name = 'runs';
  private isWakeRequested = false;
  /** Runs to look at in the next pass, and when the others asked to be looked at again. */
  private readonly dirty = new Set<string>();
  private readonly dueAt = new Map<string, number>();
  private nextFullPassAt = 0;
  /** Runs a committed pass ended: their slots are free for queued runs. */
  private readonly finished = new Set<string>();
  /** Phase changes of runs whose pass is committing; the executor hears of them after the commit. */
  private readonly phaseChanges = new Map<string, RunSummary>();

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      executor: Executor;
      /** Active runs across all tenants; null or undefined: no limit. */
      maxActiveRuns?: number | null;
      /** Passes over every active run this often even without a wake-up; also the requeue of running runs. */
      fullPassMs?: number;
      /** Called after a run ended (retention, for one, may then have work). */
      onRunFinished?: (runId: string) => void;
    },
  ) {}

  /** Asks for a pass as soon as possible: of one run (a new run, a stop, a process exit), or of all. */
  wake(runId?: string): void {
    if (runId) this.dirty.add(runId);
    else this.nextFullPassAt = 0;
    this.isWakeRequested = true;
  }

  hasWakeRequest(): boolean {
    return this.isWakeRequested;
  }

  async reconcileAll(): Promise<{ requeueAfterMs?: number }> {
    this.isWakeRequested = false;
    const { db, logger } = this.deps;
    const { admitted, cancelled } = await admitQueuedRuns(db, this.deps.maxActiveRuns ?? null);
    for (const id of cancelled) this.deps.onRunFinished?.(id);
    const now = Date.now();
    let ids: string[];
    if (now >= this.nextFullPassAt) {
      this.nextFullPassAt = now + (this.deps.fullPassMs ?? DEFAULT_FULL_PASS_MS);
      const rows = await db.workflowRun.findMany({
        where: { phase: { in: ['PENDING', 'RUNNING', 'WAITING'] }, admittedAt: { not: null } },
        select: { id: true },
        orderBy: { createdAt: 'asc' },
      });
      ids = rows.map((row) => row.id);
      this.dueAt.clear();
    } else {
      const due = [...this.dueAt].filter(([, at]) => at <= now).map(([id]) => id);
      ids = [...new Set([...this.dirty, ...admitted, ...due])];
    }
    this.dirty.clear();
    for (const id of admitted) if (!ids.includes(id)) ids.push(id);

    const work = [...ids];
    const worker = async () => {
      for (let id = work.shift(); id !== undefined; id = work.shift()) {
        let next: number | undefined;
        try {
          next = await this.reconcileRun(id);
        } catch (error) {
          logger.error({ err: error, runId: id }, 'run pass failed; retrying');
          next = ERROR_REQUEUE_MS;
        }
        if (next === undefined) this.dueAt.delete(id);
        else this.dueAt.set(id, Date.now() + next);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, ids.length) }, worker));

    // A run that ended freed a slot: admit the next ones at once.
    const hasFreedSlot = this.finished.size > 0;
    for (const id of this.finished) this.deps.onRunFinished?.(id);
    this.finished.clear();
    if (hasFreedSlot || this.dirty.size > 0) return { requeueAfterMs: 0 };
    const soonest = Math.min(this.nextFullPassAt, ...this.dueAt.values());
    return { requeueAfterMs: Math.max(0, soonest - Date.now()) };
  }

  /** One pass over one run; returns ms until it wants another, if any. */
  async reconcileRun(id: string): Promise<number | undefined> {
    const started: string[] = [];
    try {
      const next = await this.deps.db.$transaction(async (tx) => {
        // Queued runs (not admitted) are the admission step's.
        const locked = await tx.$queryRaw<{ id: string }[]>`
            SELECT id FROM workflow_runs
            WHERE id = ${id}::uuid AND phase IN ('PENDING', 'RUNNING', 'WAITING') AND admitted_at IS NOT NULL
            FOR UPDATE SKIP LOCKED`;
        if (locked.length === 0) return undefined;
        return await this.pass(tx, id, started);
      }, TX_OPTIONS);
      this.reportPhaseChange(id);
      return next;
    } catch (error) {
      this.phaseChanges.delete(id);
      this.finished.delete(id);
      for (const handle of started) this.deps.executor.kill(handle);
      throw error;
    }
  }

  private async pass(tx: Tx, id: string, started: string[]): Promise<number | undefined> {
    const { executor } = this.deps;
    const row = await tx.workflowRun.findUniqueOrThrow({ where: { id }, include: { stageRuns: true } });
    const run = { ...row, version: await versionOf(tx, row.versionId) };
    const spec = specOf(run);
    const now = new Date();
    // createRunInTx makes every stage row together with its run.
    const rows = new Map(run.stageRuns.map((row) => [row.stage, row]));
    // A running attempt nobody can finish any more (its API process died) fails.
    let isOrphanFound = false;
    for (const row of rows.values()) {
      if (row.phase !== 'RUNNING' || !executor.isOrphan(row.handle)) continue;
      isOrphanFound = true;
      executor.kill(row.handle);
      const message = 'the process was lost when its controller stopped; the attempt counts as failed';
      rows.set(
        row.stage,
        await tx.stageRun.update({ where: { id: row.id }, data: { phase: 'FAILED', finishedAt: now, message } }),
      );
    }

    const isObservedChange = await this.observeRunning(tx, id, rows, now);
    const states = new Map<string, PlanStageState>([...rows].map(([name, row]) => [name, row]));
    const startedAt = run.startedAt ?? now;
    const plan = planRun(
      spec.stages.map((stage) => ({
        name: stage.name,
        dependsOn: stage.dependsOn,
        trivial: stage.trivial,
        retries: stage.retries,
        timeoutMs: stage.timeout ? durationTextToMs(stage.timeout) : undefined,
      })),
      {
        phase: run.phase,
        isPaused: run.pausedAt !== null,
        isStopRequested: run.stopRequestedAt !== null,
        deadline: run.timeoutSeconds ? new Date(startedAt.getTime() + run.timeoutSeconds * 1000) : null,
        now,
      },
      states,
    );
    await this.applyStageChanges(tx, id, plan, now);
    const stagesByName = new Map(spec.stages.map((stage) => [stage.name, stage]));
    // Same values on every pass: see runVariables.
    const prepare = (stage: WorkflowStage) => substituteStage(stage, spec, runVariables(run, spec), [...rows.values()]);
    let startFailures = 0;
    for (const start of plan.start) {
      const stage = stagesByName.get(start.stage) as WorkflowStage;
      const isStarted = await this.startStage(tx, run, stage, start, started, prepare);
      if (!isStarted) startFailures += 1;
    }

    const isTerminal = ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(plan.runPhase);
    const hasChanged =
      isOrphanFound ||
      isObservedChange ||
      plan.start.length + plan.kill.length + plan.finish.length > 0 ||
      plan.runPhase !== run.phase;
    if (hasChanged) await notifyRunChanged(tx, id);
    // A pass that changes nothing (most periodic ones) writes nothing.
    const isRunChanged =
      isTerminal ||
      plan.runPhase !== run.phase ||
      (plan.runMessage !== undefined && plan.runMessage !== run.message) ||
      (run.startedAt === null && plan.runPhase !== 'PENDING');
    if (isRunChanged)
      await tx.workflowRun.update({
        where: { id },
        data: {
          phase: plan.runPhase,
          ...(plan.runMessage !== undefined ? { message: plan.runMessage } : {}),
          ...(run.startedAt === null && plan.runPhase !== 'PENDING' ? { startedAt: now } : {}),
          ...(isTerminal ? { finishedAt: now } : {}),
        },
      });
    if (plan.runPhase !== run.phase && this.deps.executor.runPhaseChanged) {
      const phases = await tx.stageRun.findMany({ where: { runId: id }, select: { phase: true } });
      this.phaseChanges.set(id, {
        phase: plan.runPhase,
        message: plan.runMessage ?? run.message,
        finishedStages: phases.filter((row) => !['PENDING', 'RUNNING'].includes(row.phase)).length,
        totalStages: phases.length,
        startedAt: run.startedAt ?? (plan.runPhase !== 'PENDING' ? now : null),
        finishedAt: isTerminal ? now : null,
      });
    }
    if (isTerminal) {
      this.finished.add(id);
      return undefined;
    }
    // A start that failed or a kill changes what the planner sees: look again at once.
    if (startFailures > 0 || plan.kill.length > 0) return 0;
    const isRunning = plan.start.length > 0 || [...rows.values()].some((row) => row.phase === 'RUNNING');
    // While something runs, look again after a full-pass interval even without a wake-up (exits wake it sooner).
    const soon = isRunning ? (this.deps.fullPassMs ?? DEFAULT_FULL_PASS_MS) : undefined;
    if (plan.requeueAfterMs === undefined) return soon;
    return Math.min(plan.requeueAfterMs, soon ?? plan.requeueAfterMs);
  }

  private async applyStageChanges(tx: Tx, runId: string, plan: RunPlan, now: Date): Promise<void> {
    for (const kill of plan.kill) {
      const row = await tx.stageRun.findUnique({ where: { runId_stage: { runId, stage: kill.stage } } });
      if (row?.phase !== 'RUNNING' || row.attempt !== kill.attempt) continue;
      await tx.stageRun.update({
        where: { id: row.id },
        data: { phase: kill.phase, message: kill.message, finishedAt: now, exitCode: null },
      });
      this.deps.executor.kill(row.handle);
    }
    for (const finish of plan.finish) {
      await tx.stageRun.updateMany({
        where: { runId, stage: finish.stage, phase: { in: ['PENDING', 'FAILED'] } },
        data: { phase: finish.phase, message: finish.message },
      });
    }
  }

  /** Marks the attempt RUNNING, then spawns it; a stage that cannot start fails its attempt. */
  private async startStage(
    tx: Tx,
    run: PreparableRun & { version: { spec: unknown } },
    stage: WorkflowStage,
    start: { stage: string; attempt: number },
    started: string[],
    // Superseded by prepareStage (which also resolves secrets, parameters and inputs in one pass).
    _prepare?: (stage: WorkflowStage) => Pick<WorkflowStage, 'command' | 'args' | 'env' | 'workingDir'>,
  ): Promise<boolean> {
    const now = new Date();
    const claim = {
      runId: run.id,
      stage: start.stage,
      attempt: start.attempt - 1,
      phase: { in: ['PENDING' as const, 'FAILED' as const] },
    };
    let fields: PreparedStage;
    try {
      fields = await prepareStage(tx, { box: this.deps.executor.box }, run, specOf(run), stage);
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
      return false;
    }
    const claimed = await tx.stageRun.updateMany({
      where: claim,
      data: {
        phase: 'RUNNING',
        attempt: start.attempt,
        startedAt: now,
        finishedAt: null,
        exitCode: null,
        message: '',
        outputs: [],
        handle: null,
      },
    });
    if (claimed.count !== 1) return true;
    const last = await tx.logLine.aggregate({ where: { runId: run.id, stage: start.stage }, _max: { seq: true } });
    try {
      const handle = await this.deps.executor.start({
        runId: run.id,
        stage: stage.name,
        attempt: start.attempt,
        command: fields.command,
        args: fields.args,
        env: fields.env,
        workingDir: fields.workingDir,
        firstSeq: Number(last._max.seq ?? 0n) + 1,
        secrets: fields.secrets,
        resources: fields.resources,
        artifacts: fields.artifacts,
        outputArtifacts: stage.outputs.artifacts,
      });
      started.push(handle);
      await tx.stageRun.updateMany({ where: { runId: run.id, stage: start.stage }, data: { handle } });
      return true;
    } catch (error) {
      const message = `could not start: ${(error as Error).message}`;
      await tx.stageRun.updateMany({
        where: { runId: run.id, stage: start.stage },
        data: { phase: 'FAILED', finishedAt: new Date(), message },
      });
      return false;
    }
  }

  /**
   * Asks the executor about each running attempt (Kubernetes: a pod GET), so an exit
   * whose notification was lost is recorded all the same; also keeps the stage message
   * explaining a wait (e.g. an unschedulable pod). True when a row changed.
   */
  private async observeRunning(
    tx: Tx,
    runId: string,
    rows: Map<string, Awaited<ReturnType<Tx['stageRun']['update']>>>,
    now: Date,
  ): Promise<boolean> {
    const { executor } = this.deps;
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
        : { message: seen.message ?? '' };
      rows.set(row.stage, await tx.stageRun.update({ where: { id: row.id }, data }));
      hasChanged = true;
    }
    return hasChanged;
  }

  /**
   * Hands a committed phase change to the executor without waiting for it (a
   * Kubernetes write keeps its order per run and is retried there); a failure never
   * undoes the pass.
   */
  private reportPhaseChange(runId: string): void {
    const summary = this.phaseChanges.get(runId);
    if (!summary) return;
    this.phaseChanges.delete(runId);
    this.deps.executor.runPhaseChanged?.(runId, summary).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, runId }, 'the executor could not record a run phase change yet');
    });
  }

  /** Records how an attempt ended, unless the controller already ended it (stop, timeout). */
  async recordExit(exit: StageExit): Promise<void> {
    // An exit is told once: a busy database (no connection in time) must not lose it,
    // or the stage would stay RUNNING. The write is idempotent, so it is simply retried.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writeExit(exit);
        break;
      } catch (error) {
        if (attempt >= EXIT_ATTEMPTS) throw error;
        this.deps.logger.warn(
          { err: error, runId: exit.runId, stage: exit.stage },
          'stage exit not recorded yet; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, attempt * ERROR_REQUEUE_MS));
      }
    }
    this.wake(exit.runId);
  }

  private async writeExit(exit: StageExit): Promise<void> {
    await this.deps.db.$transaction(async (tx) => {
      // Waits for a pass on this run to finish, so each pass sees a consistent state.
      await tx.$queryRaw`SELECT 1 FROM workflow_runs WHERE id = ${exit.runId}::uuid FOR UPDATE`;
      await tx.stageRun.updateMany({
        where: { runId: exit.runId, stage: exit.stage, attempt: exit.attempt, phase: 'RUNNING' },
        data: {
          phase: exit.exitCode === 0 ? 'SUCCEEDED' : 'FAILED',
          exitCode: exit.exitCode,
          message: exit.message,
          outputs: exit.outputs,
          finishedAt: new Date(),
        },
      });
      await notifyRunChanged(tx, exit.runId);
    }, TX_OPTIONS);
  }
}
