import { isTerminalRunPhase, type RunPhase } from '@cyclone/domain/core';

/**
 * The run planner: a pure function from the stored state of a run to what the
 * controller must do next. Everything time-based (retry backoff, stage and run
 * timeouts) is derived from stored timestamps and `now`, so a controller restart
 * changes nothing.
 *
 * Policies:
 * - Attempts: a stage gets `retries + 1` attempts. A failed attempt is retried
 *   `backoffMs(attempt)` after its `finishedAt` (1 s × 2^(attempt-1), capped).
 * - Trivial stages (Cyclone's meaning): when a trivial stage fails for good the run
 *   does not fail, and its dependents run as if it had succeeded.
 * - Fail fast: once a non-trivial stage has failed for good, no new stage and no
 *   retry starts; stages that never started become SKIPPED, running ones finish,
 *   then the run is FAILED.
 * - Skips: a pending stage whose upstream stage is SKIPPED, CANCELLED or failed for
 *   good (non-trivial) becomes SKIPPED.
 * - Pause: no new starts or retries, running stages continue; the run shows WAITING.
 * - Stop: running stages are killed and become CANCELLED, stages not started become
 *   CANCELLED, the run is CANCELLED. Stop wins over pause.
 * - Stage timeout: a running attempt older than its timeout is killed and counts as
 *   a failed attempt (retried per policy).
 * - Run timeout: past the deadline running stages are killed (FAILED), stages not
 *   started become CANCELLED and the run is FAILED.
 */

export { isTerminalRunPhase };

export type PlanRunPhase = RunPhase;
export type PlanStagePhase = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'SKIPPED';

export interface PlanStage {
  name: string;
  dependsOn?: readonly string[];
  trivial?: boolean;
  /** Extra attempts after the first failure. */
  retries?: number;
  /** Limit of one attempt, if any. */
  timeoutMs?: number;
}

export interface PlanRunState {
  phase: PlanRunPhase;
  isPaused: boolean;
  isStopRequested: boolean;
  /** When the whole run must be over, if it has a timeout. */
  deadline?: Date | null;
  now: Date;
}

export interface PlanStageState {
  phase: PlanStagePhase;
  /** Number of the current (or last) attempt; 0 when never started. */
  attempt: number;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  exitCode?: number | null;
}

export interface PlanStart {
  stage: string;
  attempt: number;
}

export interface PlanKill {
  stage: string;
  /** The attempt being killed; the kill applies only if the stage is still on it. */
  attempt: number;
  phase: 'FAILED' | 'CANCELLED';
  reason: 'STOPPED' | 'STAGE_TIMEOUT' | 'RUN_TIMEOUT';
  message: string;
}

export interface PlanFinish {
  stage: string;
  phase: 'SKIPPED' | 'CANCELLED';
  message: string;
}

export interface RunPlan {
  start: PlanStart[];
  kill: PlanKill[];
  /** Stages that never ran (or wait for a retry) and end without running. */
  finish: PlanFinish[];
  runPhase: PlanRunPhase;
  /** Set when the run phase changes to a terminal one with something to say. */
  runMessage?: string;
  /** When the next retry or timeout falls due, if any. */
  requeueAfterMs?: number;
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 300_000;

/** Delay before retrying after failed attempt `attempt` (1-based). */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/**
 * When the soonest retry of a failed stage is due (the run waits for it: RETRY_BACKOFF),
 * or null when no stage waits for one. Same rule as planRun: a FAILED stage with
 * attempts left starts again `backoffMs(attempt)` after it finished.
 */
export function nextRetryAt(
  stages: readonly Pick<PlanStage, 'name' | 'retries'>[],
  states: readonly { stage: string; phase: string; attempt: number; finishedAt: Date | null }[],
): Date | null {
  let soonest: number | null = null;
  for (const state of states) {
    const stage = stages.find((s) => s.name === state.stage);
    if (!stage || state.phase !== 'FAILED' || state.attempt >= (stage.retries ?? 0) + 1) continue;
    const dueAt = (state.finishedAt?.getTime() ?? 0) + backoffMs(state.attempt);
    if (soonest === null || dueAt < soonest) soonest = dueAt;
  }
  return soonest === null ? null : new Date(soonest);
}

export function planRun(
  stages: readonly PlanStage[],
  run: PlanRunState,
  states: ReadonlyMap<string, PlanStageState>,
): RunPlan {
  const plan: RunPlan = { start: [], kill: [], finish: [], runPhase: run.phase };
  if (isTerminalRunPhase(run.phase)) return plan;

  const now = run.now.getTime();
  // The state after this plan is applied, updated as decisions are made.
  const after = new Map<string, PlanStageState>();
  for (const stage of stages) after.set(stage.name, states.get(stage.name) ?? { phase: 'PENDING', attempt: 0 });
  const phaseOf = (name: string) => after.get(name)?.phase ?? 'PENDING';
  const maxAttempts = (stage: PlanStage) => (stage.retries ?? 0) + 1;
  const isFailedForGood = (stage: PlanStage) => {
    const state = after.get(stage.name) as PlanStageState;
    return state.phase === 'FAILED' && state.attempt >= maxAttempts(stage);
  };
  const isWaitingForRetry = (stage: PlanStage) => {
    const state = after.get(stage.name) as PlanStageState;
    return state.phase === 'FAILED' && state.attempt < maxAttempts(stage);
  };

  const isPastDeadline = run.deadline != null && now >= run.deadline.getTime();
  if (run.isStopRequested || isPastDeadline) {
    return terminate(stages, after, plan, isPastDeadline && !run.isStopRequested);
  }

  let requeue: number | undefined;
  const soonest = (ms: number) => {
    requeue = requeue === undefined ? Math.max(0, ms) : Math.min(requeue, Math.max(0, ms));
  };
  if (run.deadline != null) soonest(run.deadline.getTime() - now);

  // Stage timeouts: the attempt fails and may be retried below.
  for (const stage of stages) {
    const state = after.get(stage.name) as PlanStageState;
    if (state.phase !== 'RUNNING' || stage.timeoutMs === undefined || !state.startedAt) continue;
    const dueAt = state.startedAt.getTime() + stage.timeoutMs;
    if (now >= dueAt) {
      plan.kill.push({
        stage: stage.name,
        attempt: state.attempt,
        phase: 'FAILED',
        reason: 'STAGE_TIMEOUT',
        message: `attempt ${state.attempt} timed out after ${stage.timeoutMs} ms`,
      });
      after.set(stage.name, { ...state, phase: 'FAILED', finishedAt: run.now, exitCode: null });
    } else {
      soonest(dueAt - now);
    }
  }

  const failedStage = stages.find((stage) => !stage.trivial && isFailedForGood(stage));
  const isBlocked = (name: string) => {
    const stage = stages.find((s) => s.name === name);
    const phase = phaseOf(name);
    return (
      phase === 'SKIPPED' || phase === 'CANCELLED' || (stage !== undefined && !stage.trivial && isFailedForGood(stage))
    );
  };
  const isSatisfied = (name: string) => {
    const stage = stages.find((s) => s.name === name);
    return phaseOf(name) === 'SUCCEEDED' || (stage !== undefined && stage.trivial === true && isFailedForGood(stage));
  };

  // Skips cascade along the graph; repeat until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const stage of stages) {
      if (phaseOf(stage.name) !== 'PENDING') continue;
      const blocker = (stage.dependsOn ?? []).find(isBlocked);
      const message = blocker
        ? `skipped: upstream stage "${blocker}" did not succeed`
        : failedStage
          ? `skipped: stage "${failedStage.name}" failed`
          : undefined;
      if (message === undefined) continue;
      plan.finish.push({ stage: stage.name, phase: 'SKIPPED', message });
      after.set(stage.name, { ...(after.get(stage.name) as PlanStageState), phase: 'SKIPPED' });
      changed = true;
    }
  }

  if (!failedStage && !run.isPaused) {
    for (const stage of stages) {
      const state = after.get(stage.name) as PlanStageState;
      if (state.phase === 'PENDING' && (stage.dependsOn ?? []).every(isSatisfied)) {
        plan.start.push({ stage: stage.name, attempt: state.attempt + 1 });
        after.set(stage.name, { ...state, phase: 'RUNNING', attempt: state.attempt + 1 });
      } else if (isWaitingForRetry(stage)) {
        const dueAt = (state.finishedAt?.getTime() ?? now) + backoffMs(state.attempt);
        if (now >= dueAt) {
          plan.start.push({ stage: stage.name, attempt: state.attempt + 1 });
          after.set(stage.name, { ...state, phase: 'RUNNING', attempt: state.attempt + 1 });
        } else {
          soonest(dueAt - now);
        }
      }
    }
  }

  const isRunning = stages.some((stage) => phaseOf(stage.name) === 'RUNNING');
  const isUnfinished = stages.some((stage) => phaseOf(stage.name) === 'PENDING' || isWaitingForRetry(stage));
  if (failedStage && !isRunning) {
    plan.runPhase = 'FAILED';
    plan.runMessage = `stage "${failedStage.name}" failed`;
    // Retries that will never happen end as they are: FAILED.
    return plan;
  }
  if (!failedStage && !isRunning && !isUnfinished) {
    // Every stage ended: the run succeeds only if each non-trivial stage succeeded.
    const notSucceeded = stages.find((stage) => !stage.trivial && phaseOf(stage.name) !== 'SUCCEEDED');
    plan.runPhase = notSucceeded ? 'FAILED' : 'SUCCEEDED';
    if (notSucceeded) plan.runMessage = `stage "${notSucceeded.name}" did not succeed`;
    return plan;
  }
  plan.runPhase = run.isPaused ? 'WAITING' : 'RUNNING';
  if (requeue !== undefined) plan.requeueAfterMs = requeue;
  return plan;
}

/** Stop or run timeout: kill what runs, end what never ran, end the run. */
function terminate(
  stages: readonly PlanStage[],
  after: Map<string, PlanStageState>,
  plan: RunPlan,
  isTimeout: boolean,
): RunPlan {
  for (const stage of stages) {
    const state = after.get(stage.name) as PlanStageState;
    if (state.phase === 'RUNNING') {
      plan.kill.push({
        stage: stage.name,
        attempt: state.attempt,
        phase: isTimeout ? 'FAILED' : 'CANCELLED',
        reason: isTimeout ? 'RUN_TIMEOUT' : 'STOPPED',
        message: isTimeout ? 'killed: the run timed out' : 'killed: the run was stopped',
      });
    } else if (state.phase === 'PENDING') {
      plan.finish.push({
        stage: stage.name,
        phase: 'CANCELLED',
        message: isTimeout ? 'not started: the run timed out' : 'not started: the run was stopped',
      });
    }
  }
  plan.runPhase = isTimeout ? 'FAILED' : 'CANCELLED';
  plan.runMessage = isTimeout ? 'the run timed out' : 'stopped';
  return plan;
}
