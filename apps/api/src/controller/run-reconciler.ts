import type { PlainSql } from '../db/plain-sql.js';
import type { SqlTx } from '../db/sql-tx.js';
import type { Logger } from '../logging/logger.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import type { Metrics } from '../observability/instruments.js';
import type { Reconciler } from './controller.js';
import { DEFAULT_DELEGATION_TIMEOUT_MS, type DelegationSettings } from './delegations.js';
import type { Executor, RunSummary, StageExit } from './executors/executor.js';
import { ReconcilePriority, ReconcileQueue } from './reconcile-queue.js';
import { type ReconcileResult, reconcileRunInTx } from './reconcile-run.js';
import { type EndedAttempt, recordExitInTx, writeExit } from './reconcile-store.js';
import { admitQueuedRuns } from './run-admission.js';
import { passEvents, recordExit, recordPass } from './run-metrics.js';

/**
 * Words of the run reconciler (the same in reconcile-*.ts and docs/engine.md):
 * - reconciler: a level-triggered loop the controller runs (controller.ts): each
 *   round reads stored desired and actual state and acts on the difference. This
 *   one drives runs; the others fire cron triggers, delete old runs, notify, post
 *   commit statuses and mirror the database into Kubernetes (kube-sync/).
 * - reconcile (of a run), also called a pass: one look at one run in one
 *   transaction: lock its row, read its stage rows, plan, apply, write, requeue
 *   (`reconcileRun`, reconcile-run.ts).
 * - plan: the pure planner's answer for the stored state (`planRun` of
 *   packages/dag, asked by `planFromRows`): stages to start, kill and finish, the
 *   run's phase, when it needs looking at again.
 * - apply: doing what the plan says: stage rows ended, attempts claimed and started
 *   through the executor (`AppliedPlan` is the plan plus what that did).
 * - write: the run's one closing statement (`RunWrite`, `applyRunWrite`): handles,
 *   the run row, the notification; nothing when nothing changed.
 * - requeue: when the run wants its next reconcile (`requeueAfterMs`);
 *   `isResyncEnough` when that is only what the resync does anyway.
 * - resync: the periodic reconcile of every admitted active run not reconciled during
 *   the last `resyncMs` (CYCLONE_CONTROLLER_RESYNC), behind pushed exits and wake-ups.
 * - admit: give a queued run a slot under the concurrency limits (run-admission.ts).
 * - wake: ask for a reconcile now (a mutation, an exit) instead of at the next resync.
 */

/** Every admitted active run gets a pass at least this often, woken or not (CYCLONE_CONTROLLER_RESYNC). */
const DEFAULT_RESYNC_MS = 5_000;
/** A failed pass is tried again this soon. */
const ERROR_REQUEUE_MS = 1_000;
/** A stage exit is written this many times before it is given up (and logged). */
const EXIT_ATTEMPTS = 10;
/**
 * Passes run at once by default; each holds one engine connection (of 12) while it
 * runs. Passes make no slow calls: pods are created outside the pass transaction.
 */
const DEFAULT_PARALLEL = 6;

/**
 * Drives every active run. Each loop pass first admits queued runs under the
 * concurrency limits (run-admission.ts), then passes over runs in the order of
 * reconcile-queue.ts: runs just admitted or woken (a mutation in any process, an exit)
 * first, runs whose own timer is due next, and the periodic resync of every admitted
 * active run (every resync interval, read from the database) last, behind pushed
 * exits. Workers keep taking runs until the queue is empty or a wake-up
 * arrives (queued runs may then need admission: the loop admits and goes on where it
 * stopped, highest priority first). What is kept in memory only decides how soon a run
 * is looked at, never what happens to it. A run's pass locks its row (`FOR UPDATE SKIP
 * LOCKED`, so two controllers never act on one run at once), reads its stored state,
 * asks the pure planner what to do and applies that in the same transaction.
 * Processes are started inside the transaction after their stage row is RUNNING with
 * the attempt, so the handle is committed with it; if the commit fails they are killed.
 */
export class RunReconciler implements Reconciler {
  readonly name = 'runs';
  private isWakeRequested = false;
  /** Runs to pass over, by priority. */
  private readonly queue = new ReconcileQueue();
  /** When runs asked to be looked at again (their own timers). */
  private readonly dueAt = new Map<string, number>();
  private nextResyncAt = 0;
  /** The next resync passes over every active run, however recently one was passed over (a wake of all). */
  private isFullResyncDue = true;
  /**
   * When this process last passed over each active run: the resync leaves out a run
   * passed over within its interval (its exits and wake-ups are pushed; the resync is the
   * net behind them, and a second look so soon would find what the last one found).
   */
  private readonly passedAt = new Map<string, number>();
  /** Runs a committed pass ended: their slots are free for queued runs. */
  private readonly finished = new Set<string>();
  /** Phase changes of runs whose pass is committing; the executor hears of them after the commit. */
  private readonly phaseChanges = new Map<string, RunSummary>();

  constructor(
    private readonly deps: {
      /** Admission, the resync's list of active runs, passes and stage exits (see SqlTx). */
      sql: PlainSql;
      logger: Logger;
      executor: Executor;
      /** Opens integration secrets for the stages it starts. */
      box?: SecretBox;
      /** Active runs across all tenants; null or undefined: no limit. */
      maxActiveRuns?: number | null;
      /** Reconciles every active run this often even without a wake-up (the resync). */
      resyncMs?: number;
      /** Passes run at once (each holds a database connection). */
      parallel?: number;
      /** Called after a run ended (retention, for one, may then have work). */
      onRunFinished?: (runId: string) => void;
      /** Counts committed passes and exits (runs and stages started, ended, how long). */
      metrics?: Metrics;
      /** The executor's kind, for its errors' label. */
      executorKind?: string;
      /** How delegated stages hand their work over; default: the callback on http://localhost:4000. */
      delegations?: Partial<DelegationSettings>;
    },
  ) {}

  /** Asks for a pass as soon as possible: of one run (a new run, a stop, a process exit), or of all. */
  wake(runId?: string): void {
    if (runId) this.queue.add(runId, ReconcilePriority.WOKEN);
    else {
      this.nextResyncAt = 0;
      this.isFullResyncDue = true;
    }
    this.isWakeRequested = true;
    this.onWake?.();
  }

  private onWake: (() => void) | undefined;

  setWakeHandler(handler: () => void): void {
    this.onWake = handler;
  }

  hasWakeRequest(): boolean {
    return this.isWakeRequested;
  }

  async reconcileAll(): Promise<{ requeueAfterMs?: number }> {
    this.isWakeRequested = false;
    const { sql, logger } = this.deps;
    const { admitted, cancelled } = await admitQueuedRuns(sql, this.deps.maxActiveRuns ?? null);
    for (const id of cancelled) this.deps.onRunFinished?.(id);
    // Just admitted: each has its first stages to start.
    for (const id of admitted) this.queue.add(id, ReconcilePriority.WOKEN);
    const now = Date.now();
    for (const [id, at] of this.dueAt) {
      if (at > now) continue;
      this.dueAt.delete(id);
      this.queue.add(id, ReconcilePriority.DUE);
    }
    if (now >= this.nextResyncAt) {
      const resyncMs = this.deps.resyncMs ?? DEFAULT_RESYNC_MS;
      this.nextResyncAt = now + resyncMs;
      const isFull = this.isFullResyncDue;
      this.isFullResyncDue = false;
      const rows = await sql.rows<{ id: string }>(
        `SELECT id FROM workflow_runs WHERE phase IN ('PENDING', 'RUNNING', 'WAITING') AND admitted_at IS NOT NULL
          ORDER BY created_at`,
        [],
      );
      const active = new Set<string>();
      for (const { id } of rows) {
        active.add(id);
        const passed = this.passedAt.get(id);
        if (isFull || passed === undefined || now - passed >= resyncMs) this.queue.add(id, ReconcilePriority.RESYNC);
      }
      // Runs that ended (here or in another process) need no memory.
      for (const id of this.passedAt.keys()) if (!active.has(id)) this.passedAt.delete(id);
    }

    // Until the queue is empty, or a wake-up asks for admission first (runs not taken
    // stay queued); each worker passes over one run at least, so a storm of wake-ups
    // cannot stop all progress.
    const worker = async () => {
      for (let isFirst = true; isFirst || !this.isWakeRequested; isFirst = false) {
        const id = this.queue.take();
        if (id === undefined) return;
        let next: number | undefined | null;
        try {
          next = await this.reconcileRun(id);
        } catch (error) {
          logger.error({ err: error, runId: id }, 'run pass failed; retrying');
          next = ERROR_REQUEUE_MS;
        } finally {
          this.queue.done(id);
        }
        this.scheduleAfter(id, next);
      }
    };
    const parallel = this.deps.parallel ?? DEFAULT_PARALLEL;
    await Promise.all(Array.from({ length: Math.min(parallel, Math.max(1, this.queue.size)) }, worker));

    // A run that ended freed a slot: admit the next ones at once.
    const hasFreedSlot = this.finished.size > 0;
    for (const id of this.finished) this.deps.onRunFinished?.(id);
    this.finished.clear();
    if (hasFreedSlot || this.queue.hasReady()) return { requeueAfterMs: 0 };
    const soonest = Math.min(this.nextResyncAt, ...this.dueAt.values());
    return { requeueAfterMs: Math.max(0, soonest - Date.now()) };
  }

  private recordMetrics(result: ReconcileResult): void {
    const { metrics } = this.deps;
    if (!metrics) return;
    recordPass(metrics, passEvents(result));
    if (result.startFailures > 0) {
      metrics.executorErrors.inc({ executor: this.deps.executorKind ?? 'unknown' }, result.startFailures);
    }
  }

  /** Remembers when a run wants its next pass (undefined: only when woken or resynced). */
  private scheduleAfter(id: string, next: number | undefined | null): void {
    if (next === null) return;
    if (next === undefined) this.dueAt.delete(id);
    else this.dueAt.set(id, Date.now() + next);
  }

  /**
   * One pass over one run; returns ms until it wants another, if any (not the safety
   * net's interval: the periodic resync covers that). `before` runs first in the
   * pass's transaction (a stage exit is recorded there); when it answers false there
   * is nothing to pass over, and null is returned (the run's timers stay as they are).
   */
  async reconcileRun(id: string, before?: (tx: SqlTx) => Promise<boolean>): Promise<number | undefined | null> {
    const started: string[] = [];
    const ctx = {
      executor: this.deps.executor,
      box: this.deps.box,
      resyncMs: this.deps.resyncMs ?? DEFAULT_RESYNC_MS,
      delegations: {
        publicUrl: this.deps.delegations?.publicUrl ?? 'http://localhost:4000',
        timeoutMs: this.deps.delegations?.timeoutMs ?? DEFAULT_DELEGATION_TIMEOUT_MS,
      },
    };
    try {
      const result = await this.deps.sql.transaction(async (tx) => {
        if ((await before?.(tx)) === false) return null;
        const result = await reconcileRunInTx(ctx, tx, id, started);
        // Queued runs (not admitted) are the admission step's; locked ones another pass's.
        if (!result) return undefined;
        if (result.plan.runPhase !== result.phaseBefore && this.deps.executor.runPhaseChanged) {
          this.phaseChanges.set(id, this.summaryOf(result));
        }
        return result;
      });
      if (result === null) return null;
      if (result) this.recordMetrics(result);
      if (result?.isTerminal) this.finished.add(id);
      if (result && !result.isTerminal) this.passedAt.set(id, Date.now());
      else this.passedAt.delete(id);
      this.reportPhaseChange(id);
      // A look the resync takes anyway needs no timer per running run.
      return result?.isResyncEnough ? undefined : result?.requeueAfterMs;
    } catch (error) {
      this.phaseChanges.delete(id);
      for (const handle of started) this.deps.executor.kill(handle);
      throw error;
    }
  }

  /** What the executor is told of a run whose phase a pass changed. */
  private summaryOf(result: ReconcileResult): RunSummary {
    const { run, plan, now, isTerminal, stageCounts } = result;
    return {
      phase: plan.runPhase,
      message: plan.runMessage ?? run.message,
      finishedStages: stageCounts?.finished ?? 0,
      totalStages: stageCounts?.total ?? 0,
      startedAt: run.startedAt ?? (plan.runPhase !== 'PENDING' ? now : null),
      finishedAt: isTerminal ? now : null,
    };
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

  /**
   * Records how an attempt ended, unless the controller already ended it (stop,
   * timeout), and passes over its run in the same transaction (the next stages start,
   * or the run ends, without waiting for the loop). Should that pass fail, the exit is
   * recorded alone and the run woken, as the loop would.
   */
  async recordExit(exit: StageExit): Promise<void> {
    const record = (ended: EndedAttempt | undefined) => {
      if (ended && this.deps.metrics) recordExit(this.deps.metrics, ended, new Date());
      return ended !== undefined;
    };
    try {
      let ended: EndedAttempt | undefined;
      const next = await this.reconcileRun(exit.runId, async (tx) => {
        ended = await recordExitInTx(tx, exit, new Date());
        return ended !== undefined;
      });
      // Counted once committed.
      record(ended);
      this.scheduleAfter(exit.runId, next);
      // A run that ended frees a slot: the loop admits queued runs (and tells retention).
      if (this.finished.has(exit.runId)) this.requestPass();
      return;
    } catch (error) {
      this.deps.logger.warn({ err: error, runId: exit.runId, stage: exit.stage }, 'run pass after a stage exit failed');
    }
    // An exit is told once: a busy database (no connection in time) must not lose it,
    // or the stage would stay RUNNING. The write is idempotent, so it is simply retried.
    for (let attempt = 1; ; attempt++) {
      try {
        record(await writeExit(this.deps.sql, exit, new Date()));
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

  /** A loop pass soon (admission first), without marking any run. */
  private requestPass(): void {
    this.isWakeRequested = true;
    this.onWake?.();
  }
}
