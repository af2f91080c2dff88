import { type PlanStageState, planRun, type RunPlan } from '@cyclone/dag';
import { durationTextToMs, isTerminalRunPhase, type WorkflowSpec } from '@cyclone/domain';
import type { RunPhase } from '../generated/prisma/enums.js';
import type { PassClose, PassRun, PassStage } from './run-pass-store.js';

/**
 * The pure part of a run pass: what the planner is asked, and what follows from its
 * answer (what the run row becomes, whether subscribers hear of it, when to look
 * again). No I/O here.
 */

/** The planner's answer for a run with these stage rows at `now`. */
export function planPass(spec: WorkflowSpec, run: PassRun, rows: ReadonlyMap<string, PassStage>, now: Date): RunPlan {
  const states = new Map<string, PlanStageState>([...rows].map(([name, row]) => [name, row]));
  const startedAt = run.startedAt ?? now;
  return planRun(
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
}

/** What the pass did before it closes (besides the plan itself). */
export interface PassFacts {
  run: PassRun;
  plan: RunPlan;
  rows: ReadonlyMap<string, PassStage>;
  handles: { stage: string; handle: string }[];
  /** Stages the executor saw end, or orphans failed, during this pass. */
  isStageChanged: boolean;
  startFailures: number;
  now: Date;
  /** The full-pass interval: how soon a run with something running is looked at again. */
  fullPassMs: number;
}

export interface PassOutcome {
  close: PassClose;
  isTerminal: boolean;
  /** ms until the run wants another pass; undefined: only when woken. */
  requeueAfterMs: number | undefined;
  /** The requeue is only the safety net while something runs (the periodic resync covers it). */
  isSafetyNet: boolean;
}

/** How the pass closes: a pass that changes nothing (most periodic ones) writes nothing. */
export function passOutcome(facts: PassFacts): PassOutcome {
  const { run, plan, now } = facts;
  const isTerminal = isTerminalRunPhase(plan.runPhase);
  const isPhaseChanged = plan.runPhase !== run.phase;
  const isStarting = run.startedAt === null && plan.runPhase !== 'PENDING';
  const isRunChanged =
    isTerminal || isPhaseChanged || (plan.runMessage !== undefined && plan.runMessage !== run.message) || isStarting;
  const isNotified =
    facts.isStageChanged || plan.start.length + plan.kill.length + plan.finish.length > 0 || isPhaseChanged;
  const close: PassClose = {
    handles: facts.handles,
    isNotified,
    ...(isRunChanged
      ? {
          run: {
            phase: plan.runPhase as RunPhase,
            ...(plan.runMessage !== undefined ? { message: plan.runMessage } : {}),
            ...(isStarting ? { startedAt: now } : {}),
            ...(isTerminal ? { finishedAt: now } : {}),
          },
        }
      : {}),
  };
  if (isTerminal) return { close, isTerminal, requeueAfterMs: undefined, isSafetyNet: false };
  const requeue = requeueAfter(facts);
  return { close, isTerminal, requeueAfterMs: requeue.ms, isSafetyNet: requeue.isSafetyNet };
}

/**
 * When to look again, and whether that is only the safety net (something runs, and
 * its exit is pushed) rather than a time the run itself needs (a kill, a failed start,
 * a backoff or a timeout): the controller's periodic resync stands in for the former.
 */
function requeueAfter(facts: PassFacts): { ms: number | undefined; isSafetyNet: boolean } {
  const { plan, rows } = facts;
  // A start that failed or a kill changes what the planner sees: look again at once.
  if (facts.startFailures > 0 || plan.kill.length > 0) return { ms: 0, isSafetyNet: false };
  const isRunning = plan.start.length > 0 || [...rows.values()].some((row) => row.phase === 'RUNNING');
  // While something runs, look again after a full-pass interval even without a wake-up (exits wake it sooner).
  const soon = isRunning ? facts.fullPassMs : undefined;
  if (plan.requeueAfterMs === undefined) return { ms: soon, isSafetyNet: soon !== undefined };
  if (soon !== undefined && soon < plan.requeueAfterMs) return { ms: soon, isSafetyNet: true };
  return { ms: plan.requeueAfterMs, isSafetyNet: false };
}
