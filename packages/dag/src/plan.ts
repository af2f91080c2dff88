import { isTerminalRunPhase, type RunPhase } from '@cyclone/domain/core';
import { type ApprovalDecision, type ApprovalPolicy, approvalWaitingMessage, judgeApproval } from './approval.js';
import { type ConditionFacts, type ConditionStage, EMPTY_TRIGGER, evaluateCondition } from './condition.js';
import { combinationStage, fanOut, type PlanMatrix, settleMatrix } from './matrix.js';

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
 *   then (after the finally stages) the run is FAILED.
 * - Conditions (`when`, CEL, see condition.ts): evaluated when the stage is ready to
 *   start (every upstream stage ended, nothing failed, not paused), with the facts of
 *   that moment. False: the stage is SKIPPED with the reason `skipped: when … is false`.
 *   An evaluation error fails the stage for good (no retry can change it), with the message.
 * - Skips: a pending stage becomes SKIPPED when an upstream stage is CANCELLED or failed
 *   for good (non-trivial), or when every one of its upstream stages was SKIPPED (it
 *   only depends on skipped stages). A stage with at least one upstream stage that
 *   succeeded runs even if others were skipped. A SKIPPED stage never fails the run.
 * - Finally stages (`finally: true`; Tekton's finally, Argo's onExit): they start once
 *   every other stage has ended, whatever the outcome, and on stop. Among themselves
 *   they follow dependsOn, but only wait for those stages to end (they are never
 *   skipped because of an upstream outcome, only by their own `when`). Their `when`
 *   sees `run.phase`: what the other stages made of the run (SUCCEEDED, FAILED,
 *   CANCELLED). A non-trivial finally stage that fails turns a SUCCEEDED outcome into
 *   FAILED; it never changes a FAILED or CANCELLED one.
 * - Approval gates (`approval`, see approval.ts): a gate that would start runs nothing
 *   and becomes WAITING; each pass ends it from its decisions (SUCCEEDED with the
 *   approvers' inputs as outputs, FAILED when rejected) or its timeout. Decisions count
 *   while the run is paused. A waiting gate is cancelled by a stop and skipped once
 *   another stage failed for good (the run fails anyway).
 * - Delegated stages (`delegation`): starting one hands its work to an external system
 *   (the controller POSTs it) and it becomes WAITING until that system calls back with
 *   the outcome. It is otherwise an attempt like any: its timeout fails the attempt
 *   (retried per policy: a retry hands the work over again), a stop cancels it, and
 *   it is not skipped when another stage fails (it runs on, as running stages do).
 * - Matrix stages (`matrix`, see matrix.ts): a matrix stage that would start runs
 *   nothing; it expands (`expand`) into one stage per combination (`matrixOf` it, named
 *   `<stage>.<i>`), becomes RUNNING, and the first `maxParallel` of them start at once;
 *   more start as others end. Each combination has the stage's retries, timeout,
 *   trivial and finally. A non-trivial combination that fails for good fails fast like
 *   any stage (pending combinations are skipped). Once every combination has ended the
 *   matrix stage ends: FAILED (for good) if one failed, CANCELLED if one was cancelled,
 *   else SUCCEEDED; its dependents wait for that. A `matrixFrom` list is read from the
 *   upstream output when the stage is ready: a bad list fails the stage for good, an
 *   empty one skips it. A stop or a run timeout ends a running matrix stage as it
 *   ends its combinations.
 * - Pause: no new starts or retries, running stages continue; the run shows WAITING.
 * - Stop: running ordinary stages are killed and become CANCELLED, ordinary stages not
 *   started become CANCELLED; then the finally stages run (unless no stage had ever
 *   started: they are CANCELLED too), and the run is CANCELLED once they end. A
 *   second stop (`isStopForced`) kills the finally stages too and ends the run at
 *   once. Stop wins over pause.
 * - Stage timeout: a running attempt older than its timeout is killed and counts as
 *   a failed attempt (retried per policy). Finally stages too.
 * - Run timeout: past the deadline every running stage, finally ones included, is
 *   killed (FAILED), waiting gates FAILED, stages not started become CANCELLED and
 *   the run is FAILED.
 */

export { isTerminalRunPhase };

export type PlanRunPhase = RunPhase;
/** WAITING: an approval gate waits for its decisions, a delegated stage for its callback. */
export type PlanStagePhase = 'PENDING' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'SKIPPED';

export interface PlanStage {
  name: string;
  dependsOn?: readonly string[];
  trivial?: boolean;
  /** Extra attempts after the first failure. */
  retries?: number;
  /** Limit of one attempt, if any. */
  timeoutMs?: number;
  /** CEL condition: false skips the stage. */
  when?: string;
  /** Runs after every other stage has ended, whatever the outcome. */
  finally?: boolean;
  /** An approval gate: it runs nothing and waits for decisions. */
  approval?: ApprovalPolicy;
  /** A delegated stage: its start hands the work over, then it waits for the callback. */
  delegation?: boolean;
  /** A matrix stage: it runs nothing and expands into its combinations. */
  matrix?: PlanMatrix;
  /** A combination's stage: the matrix stage it belongs to, and its values. */
  matrixOf?: string;
  matrixValues?: readonly { name: string; value: string }[];
}

export interface PlanRunState {
  phase: PlanRunPhase;
  isPaused: boolean;
  isStopRequested: boolean;
  /** A second stop: finally stages are killed too and the run ends at once. */
  isStopForced?: boolean;
  /** What conditions see of the run besides its stages (absent: nothing). */
  facts?: ConditionFacts;
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
  /** The `key:value` lines it wrote, for conditions. */
  outputs?: readonly { key: string; value: string }[];
  /** An approval gate's decisions on its current attempt. */
  decisions?: readonly ApprovalDecision[];
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

/** An approval gate that starts waiting for its decisions. */
export interface PlanWait {
  stage: string;
  attempt: number;
  message: string;
}

/** A matrix stage that expands: its combinations become stages `<stage>.<i>`, PENDING. */
export interface PlanExpand {
  stage: string;
  combinations: { name: string; value: string }[][];
}

export interface PlanFinish {
  stage: string;
  /**
   * FAILED: its condition could not be evaluated (set with `attempt`, so it is failed
   * for good), or a gate was rejected or timed out. SUCCEEDED: a gate was approved.
   */
  phase: 'SKIPPED' | 'CANCELLED' | 'FAILED' | 'SUCCEEDED';
  message: string;
  attempt?: number;
  /** An approved gate's outputs (the approvers' inputs). */
  outputs?: { key: string; value: string }[];
}

export interface RunPlan {
  start: PlanStart[];
  /** Approval gates that start waiting (they run nothing). */
  wait: PlanWait[];
  /** Matrix stages that expand into their combinations (applied before `start`). */
  expand: PlanExpand[];
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

/** Phases after which a stage does nothing more; not TERMINAL_STAGE_PHASES: FAILED only once it is failed for good (no retry left). */
const ENDED_BEYOND_RETRY = new Set<PlanStagePhase>(['SUCCEEDED', 'CANCELLED', 'SKIPPED']);
/** How much of a condition a skip message quotes. */
const QUOTED_CONDITION = 200;

interface Outcome {
  phase: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  message?: string;
}

export function planRun(
  stages: readonly PlanStage[],
  run: PlanRunState,
  states: ReadonlyMap<string, PlanStageState>,
): RunPlan {
  const plan: RunPlan = { start: [], wait: [], expand: [], kill: [], finish: [], runPhase: run.phase };
  if (isTerminalRunPhase(run.phase)) return plan;

  const now = run.now.getTime();
  // The state after this plan is applied, updated as decisions are made.
  const after = new Map<string, PlanStageState>();
  for (const stage of stages) after.set(stage.name, states.get(stage.name) ?? { phase: 'PENDING', attempt: 0 });
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  // Combinations that a matrix stage expands into during this pass join these lists.
  const all = [...stages];
  const stateOf = (name: string): PlanStageState => after.get(name) ?? { phase: 'PENDING', attempt: 0 };
  const phaseOf = (name: string) => stateOf(name).phase;
  const set = (name: string, changes: Partial<PlanStageState>) => after.set(name, { ...stateOf(name), ...changes });
  const maxAttempts = (stage: PlanStage) => (stage.retries ?? 0) + 1;
  const isFailedForGood = (stage: PlanStage) => {
    const state = stateOf(stage.name);
    return state.phase === 'FAILED' && state.attempt >= maxAttempts(stage);
  };
  const isWaitingForRetry = (stage: PlanStage) => {
    const state = stateOf(stage.name);
    return state.phase === 'FAILED' && state.attempt < maxAttempts(stage);
  };
  const isEnded = (stage: PlanStage) => ENDED_BEYOND_RETRY.has(phaseOf(stage.name)) || isFailedForGood(stage);
  const regular = stages.filter((stage) => !stage.finally);
  const finals = stages.filter((stage) => stage.finally === true);
  const combinationsOf = (name: string) => all.filter((stage) => stage.matrixOf === name);

  const isPastDeadline = run.deadline != null && now >= run.deadline.getTime();
  const hasStarted = [...after.values()].some((state) => state.attempt > 0);
  if (isPastDeadline || (run.isStopRequested && (run.isStopForced || !hasStarted))) {
    return terminate(stages, after, plan, !run.isStopRequested, maxAttempts);
  }
  const isStopping = run.isStopRequested;
  if (isStopping) stopOrdinaryStages(regular, after, plan);

  let requeue: number | undefined;
  const soonest = (ms: number) => {
    requeue = requeue === undefined ? Math.max(0, ms) : Math.min(requeue, Math.max(0, ms));
  };
  if (run.deadline != null) soonest(run.deadline.getTime() - now);

  // Stage timeouts: the attempt fails and may be retried below (a matrix stage's are its combinations').
  for (const stage of stages) {
    const state = stateOf(stage.name);
    if (state.phase !== 'RUNNING' || stage.timeoutMs === undefined || !state.startedAt || stage.matrix) continue;
    const dueAt = state.startedAt.getTime() + stage.timeoutMs;
    if (now >= dueAt) {
      plan.kill.push({
        stage: stage.name,
        attempt: state.attempt,
        phase: 'FAILED',
        reason: 'STAGE_TIMEOUT',
        message: `attempt ${state.attempt} timed out after ${stage.timeoutMs} ms`,
      });
      set(stage.name, { phase: 'FAILED', finishedAt: run.now, exitCode: null });
    } else {
      soonest(dueAt - now);
    }
  }

  // Delegated stages waiting for their callback: the stage timeout fails the attempt (retried per policy).
  for (const stage of stages) {
    const state = stateOf(stage.name);
    if (state.phase !== 'WAITING' || !stage.delegation || stage.timeoutMs === undefined || !state.startedAt) continue;
    const dueAt = state.startedAt.getTime() + stage.timeoutMs;
    if (now < dueAt) {
      soonest(dueAt - now);
      continue;
    }
    const message = `attempt ${state.attempt} timed out after ${stage.timeoutMs} ms without an answer from the delegation`;
    plan.finish.push({ stage: stage.name, phase: 'FAILED', message, attempt: state.attempt });
    set(stage.name, { phase: 'FAILED', finishedAt: run.now, exitCode: null });
  }

  // Waiting gates: their decisions or their timeout end them.
  for (const stage of stages) {
    const state = stateOf(stage.name);
    if (state.phase !== 'WAITING' || !stage.approval) continue;
    const verdict = judgeApproval(stage.approval, state.decisions ?? [], state.startedAt ?? run.now, run.now);
    if (verdict.state === 'PENDING') {
      if (verdict.dueAt) soonest(verdict.dueAt.getTime() - now);
    } else if (verdict.state === 'APPROVED') {
      plan.finish.push({ stage: stage.name, phase: 'SUCCEEDED', message: verdict.message, outputs: verdict.outputs });
      set(stage.name, { phase: 'SUCCEEDED', finishedAt: run.now, outputs: verdict.outputs });
    } else {
      const phase = verdict.state === 'TIMED_OUT' ? verdict.phase : 'FAILED';
      plan.finish.push({ stage: stage.name, phase, message: verdict.message, attempt: state.attempt });
      set(stage.name, { phase, finishedAt: run.now });
    }
  }

  const condition = (stage: PlanStage, runPhase: string): 'TRUE' | 'DECIDED' => {
    if (stage.when === undefined) return 'TRUE';
    const result = evaluateCondition(stage.when, {
      variables: run.facts?.variables ?? {},
      params: run.facts?.params ?? {},
      trigger: run.facts?.trigger ?? EMPTY_TRIGGER,
      run: { phase: runPhase },
      stages: conditionStages(stages, stateOf),
    });
    if ('value' in result && result.value) return 'TRUE';
    if ('value' in result) {
      const quoted = stage.when.length > QUOTED_CONDITION ? `${stage.when.slice(0, QUOTED_CONDITION)}…` : stage.when;
      plan.finish.push({ stage: stage.name, phase: 'SKIPPED', message: `skipped: when ${quoted} is false` });
      set(stage.name, { phase: 'SKIPPED' });
    } else {
      const message = `condition could not be evaluated: ${result.error}`;
      // No retry can change what a condition says about the same facts: failed for good.
      const attempt = Math.max(stateOf(stage.name).attempt, maxAttempts(stage));
      plan.finish.push({ stage: stage.name, phase: 'FAILED', message, attempt });
      set(stage.name, { phase: 'FAILED', attempt, finishedAt: run.now, exitCode: null });
    }
    return 'DECIDED';
  };
  const isCombinationBlocked = (stage: PlanStage) => {
    if (stage.matrixOf === undefined) return false;
    const parent = byName.get(stage.matrixOf);
    if (phaseOf(stage.matrixOf) !== 'RUNNING') return true;
    const running = combinationsOf(stage.matrixOf).filter((c) => phaseOf(c.name) === 'RUNNING').length;
    return running >= (parent?.matrix?.maxParallel ?? Number.POSITIVE_INFINITY);
  };
  const expand = (stage: PlanStage) => {
    const matrix = stage.matrix as PlanMatrix;
    const result = fanOut(matrix, (name) => stateOf(name).outputs);
    if ('error' in result) {
      const attempt = maxAttempts(stage);
      plan.finish.push({ stage: stage.name, phase: 'FAILED', message: result.error, attempt });
      set(stage.name, { phase: 'FAILED', attempt, finishedAt: run.now, exitCode: null });
      return;
    }
    if (result.combinations.length === 0) {
      plan.finish.push({ stage: stage.name, phase: 'SKIPPED', message: 'skipped: the matrix has no combination' });
      set(stage.name, { phase: 'SKIPPED' });
      return;
    }
    plan.expand.push({ stage: stage.name, combinations: result.combinations });
    set(stage.name, { phase: 'RUNNING', attempt: 1, startedAt: run.now });
    result.combinations.forEach((values, index) => {
      const combination = combinationStage(stage, index, values);
      all.push(combination);
      byName.set(combination.name, combination);
      (stage.finally ? finals : regular).push(combination);
      after.set(combination.name, { phase: 'PENDING', attempt: 0 });
    });
    for (const combination of combinationsOf(stage.name)) {
      if (isCombinationBlocked(combination)) break;
      plan.start.push({ stage: combination.name, attempt: 1 });
      set(combination.name, { phase: 'RUNNING', attempt: 1 });
    }
  };
  // A running matrix stage whose combinations have all ended ends from them.
  const settleMatrices = (isOver: (stage: PlanStage) => boolean) => {
    for (const stage of all) {
      if (!stage.matrix || phaseOf(stage.name) !== 'RUNNING') continue;
      const combinations = combinationsOf(stage.name);
      if (!combinations.every(isOver)) continue;
      const verdict = settleMatrix(
        combinations.map((c) => ({
          name: c.name,
          values: c.matrixValues,
          phase: isFailedForGood(c) || isWaitingForRetry(c) ? 'FAILED' : (phaseOf(c.name) as 'SUCCEEDED'),
        })),
      );
      const attempt = verdict.phase === 'FAILED' ? maxAttempts(stage) : stateOf(stage.name).attempt;
      plan.finish.push({ stage: stage.name, phase: verdict.phase, message: verdict.message, attempt });
      set(stage.name, { phase: verdict.phase, attempt, finishedAt: run.now, exitCode: null });
    }
  };
  // An attempt starts: a process, or (delegated) the work handed over and its callback awaited.
  const begin = (stage: PlanStage, attempt: number) => {
    plan.start.push({ stage: stage.name, attempt });
    if (!stage.delegation) return set(stage.name, { phase: 'RUNNING', attempt });
    set(stage.name, { phase: 'WAITING', attempt, startedAt: run.now });
    if (stage.timeoutMs !== undefined) soonest(stage.timeoutMs);
  };
  const startOrRetry = (stage: PlanStage, mayStart: boolean) => {
    const state = stateOf(stage.name);
    if (isCombinationBlocked(stage)) return;
    if (state.phase === 'PENDING' && stage.matrix) {
      if (mayStart) expand(stage);
    } else if (state.phase === 'PENDING' && stage.approval) {
      if (!mayStart) return;
      const message = approvalWaitingMessage(stage.approval);
      plan.wait.push({ stage: stage.name, attempt: state.attempt + 1, message });
      set(stage.name, { phase: 'WAITING', attempt: state.attempt + 1, startedAt: run.now, decisions: [] });
      if (stage.approval.timeoutMs !== undefined) soonest(stage.approval.timeoutMs);
    } else if (state.phase === 'PENDING') {
      if (mayStart) begin(stage, state.attempt + 1);
    } else if (isWaitingForRetry(stage)) {
      const dueAt = (state.finishedAt?.getTime() ?? now) + backoffMs(state.attempt);
      if (now < dueAt) return soonest(dueAt - now);
      begin(stage, state.attempt + 1);
    }
  };

  settleMatrices(isEnded);
  // Ordinary stages: skips and conditions cascade along the graph until nothing changes.
  const failedStage = () => regular.find((stage) => !stage.trivial && isFailedForGood(stage));
  const isSatisfied = (name: string) => {
    const stage = byName.get(name);
    const phase = phaseOf(name);
    return phase === 'SUCCEEDED' || phase === 'SKIPPED' || (stage?.trivial === true && isFailedForGood(stage));
  };
  const passed = new Set<string>();
  if (!isStopping) {
    for (let changed = true; changed; ) {
      changed = false;
      const failed = failedStage();
      for (const stage of regular) {
        if (phaseOf(stage.name) !== 'PENDING') continue;
        const dependsOn = stage.dependsOn ?? [];
        const blocker = dependsOn.find((name) => {
          const upstream = byName.get(name);
          return (
            phaseOf(name) === 'CANCELLED' || (upstream !== undefined && !upstream.trivial && isFailedForGood(upstream))
          );
        });
        const message = blocker
          ? `skipped: upstream stage "${blocker}" did not succeed`
          : failed
            ? `skipped: stage "${failed.name}" failed`
            : dependsOn.length > 0 && dependsOn.every((name) => phaseOf(name) === 'SKIPPED')
              ? 'skipped: every upstream stage was skipped'
              : undefined;
        if (message !== undefined) {
          plan.finish.push({ stage: stage.name, phase: 'SKIPPED', message });
          set(stage.name, { phase: 'SKIPPED' });
          passed.delete(stage.name);
          changed = true;
        } else if (!passed.has(stage.name) && !run.isPaused && dependsOn.every(isSatisfied)) {
          if (condition(stage, 'RUNNING') === 'TRUE') passed.add(stage.name);
          else changed = true;
        }
      }
    }
    if (!failedStage() && !run.isPaused) for (const stage of regular) startOrRetry(stage, passed.has(stage.name));
  }

  settleMatrices(
    (stage) =>
      isEnded(stage) || (!stage.finally && (isStopping || failedStage() !== undefined) && isWaitingForRetry(stage)),
  );
  const failed = failedStage();
  // Nothing a waiting gate decides can save a run that has failed: it is not waited for.
  for (const stage of failed ? regular : []) {
    if (phaseOf(stage.name) !== 'WAITING' || !stage.approval) continue;
    plan.finish.push({ stage: stage.name, phase: 'SKIPPED', message: `skipped: stage "${failed?.name}" failed` });
    set(stage.name, { phase: 'SKIPPED' });
  }
  const isOver = (stage: PlanStage) =>
    isEnded(stage) || (!stage.finally && (isStopping || failed !== undefined) && isWaitingForRetry(stage));
  const isOrdinaryOver = regular.every(isOver);
  const outcome = isOrdinaryOver ? ordinaryOutcome(regular, phaseOf, isStopping, failed) : undefined;

  // Finally stages: once every ordinary stage is over, each starts when the stages it depends on have ended.
  if (outcome) {
    const mayStart = isStopping || !run.isPaused;
    for (let changed = true; changed; ) {
      changed = false;
      for (const stage of finals) {
        if (phaseOf(stage.name) !== 'PENDING' || !mayStart) continue;
        const upstream = (stage.dependsOn ?? []).map((name) => byName.get(name));
        if (!upstream.every((s) => s === undefined || isOver(s))) continue;
        if (condition(stage, outcome.phase) === 'TRUE') startOrRetry(stage, true);
        // A combination held back by maxParallel stays PENDING: that is no change.
        if (phaseOf(stage.name) !== 'PENDING') changed = true;
      }
    }
    if (mayStart) for (const stage of finals) if (isWaitingForRetry(stage)) startOrRetry(stage, true);
  }

  const isRunning = all.some((stage) => ['RUNNING', 'WAITING'].includes(phaseOf(stage.name)));
  if (outcome && !isRunning && finals.every(isEnded)) {
    const failedFinal = finals.find((stage) => !stage.trivial && isFailedForGood(stage));
    if (outcome.phase === 'SUCCEEDED' && failedFinal) {
      plan.runPhase = 'FAILED';
      plan.runMessage = `finally stage "${failedFinal.name}" failed`;
    } else {
      plan.runPhase = outcome.phase;
      if (outcome.message !== undefined) plan.runMessage = outcome.message;
    }
    return plan;
  }
  plan.runPhase = run.isPaused && !isStopping ? 'WAITING' : 'RUNNING';
  if (requeue !== undefined) plan.requeueAfterMs = requeue;
  return plan;
}

/** What the ordinary stages, all over, made of the run. */
function ordinaryOutcome(
  regular: readonly PlanStage[],
  phaseOf: (name: string) => PlanStagePhase,
  isStopping: boolean,
  failed: PlanStage | undefined,
): Outcome {
  if (isStopping) return { phase: 'CANCELLED', message: 'stopped' };
  if (failed) return { phase: 'FAILED', message: `stage "${failed.name}" failed` };
  // A skipped stage is no failure; a cancelled one (or a trivial stage's skipped dependents' kin) is.
  const notSucceeded = regular.find(
    (stage) => !stage.trivial && !['SUCCEEDED', 'SKIPPED'].includes(phaseOf(stage.name)),
  );
  return notSucceeded
    ? { phase: 'FAILED', message: `stage "${notSucceeded.name}" did not succeed` }
    : { phase: 'SUCCEEDED' };
}

/** Each stage as a condition sees it: its phase now and its outputs by key. */
function conditionStages(
  stages: readonly PlanStage[],
  stateOf: (name: string) => PlanStageState,
): Record<string, ConditionStage> {
  const seen: Record<string, ConditionStage> = {};
  for (const stage of stages) {
    const state = stateOf(stage.name);
    seen[stage.name] = {
      phase: state.phase,
      outputs: Object.fromEntries((state.outputs ?? []).map((output) => [output.key, output.value])),
    };
  }
  return seen;
}

/** A first stop: kill the ordinary stages that run, cancel those not started; finally stages go on. */
function stopOrdinaryStages(regular: readonly PlanStage[], after: Map<string, PlanStageState>, plan: RunPlan): void {
  for (const stage of regular) {
    const state = after.get(stage.name) as PlanStageState;
    if (state.phase === 'RUNNING' && stage.matrix) {
      plan.finish.push({ stage: stage.name, phase: 'CANCELLED', message: 'stopped with its combinations' });
      after.set(stage.name, { ...state, phase: 'CANCELLED' });
    } else if (state.phase === 'RUNNING') {
      plan.kill.push({
        stage: stage.name,
        attempt: state.attempt,
        phase: 'CANCELLED',
        reason: 'STOPPED',
        message: 'killed: the run was stopped',
      });
      after.set(stage.name, { ...state, phase: 'CANCELLED' });
    } else if (state.phase === 'PENDING') {
      plan.finish.push({ stage: stage.name, phase: 'CANCELLED', message: 'not started: the run was stopped' });
      after.set(stage.name, { ...state, phase: 'CANCELLED' });
    } else if (state.phase === 'WAITING') {
      const message = stage.delegation ? 'not completed: the run was stopped' : 'not decided: the run was stopped';
      plan.finish.push({ stage: stage.name, phase: 'CANCELLED', message });
      after.set(stage.name, { ...state, phase: 'CANCELLED' });
    }
  }
}

/** Second stop, stop before anything started, or run timeout: kill what runs, end what never ran, end the run. */
function terminate(
  stages: readonly PlanStage[],
  after: Map<string, PlanStageState>,
  plan: RunPlan,
  isTimeout: boolean,
  maxAttempts: (stage: PlanStage) => number,
): RunPlan {
  for (const stage of stages) {
    const state = after.get(stage.name) as PlanStageState;
    if (state.phase === 'RUNNING' && stage.matrix) {
      plan.finish.push({
        stage: stage.name,
        phase: isTimeout ? 'FAILED' : 'CANCELLED',
        message: isTimeout ? 'the run timed out' : 'stopped with its combinations',
        ...(isTimeout ? { attempt: maxAttempts(stage) } : {}),
      });
    } else if (state.phase === 'RUNNING') {
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
    } else if (state.phase === 'WAITING') {
      plan.finish.push({
        stage: stage.name,
        phase: isTimeout ? 'FAILED' : 'CANCELLED',
        message: `${stage.delegation ? 'not completed' : 'not decided'}: the run ${isTimeout ? 'timed out' : 'was stopped'}`,
        attempt: state.attempt,
      });
    }
  }
  plan.runPhase = isTimeout ? 'FAILED' : 'CANCELLED';
  plan.runMessage = isTimeout ? 'the run timed out' : 'stopped';
  return plan;
}
