import {
  type ConditionFacts,
  combinationStage,
  type PlanStage,
  type PlanStageState,
  planRun,
  type RunPlan,
  selectStages,
} from '@cyclone/dag';
import {
  durationTextToMs,
  isTerminalRunPhase,
  matrixCombinations,
  matrixParentOf,
  type NameValue,
  ValuesError,
  type WorkflowSpec,
  type WorkflowStage,
} from '@cyclone/domain';
import type { RunPhase } from '../generated/prisma/enums.js';
import { approvalPolicy } from '../modules/runs/approval-policy.js';
import type { DecisionRow, LockedRun, RunWrite, StageRow } from './reconcile-store.js';
import { runVariables } from './run-values.js';

/**
 * The pure part of reconciling a run (words: run-reconciler.ts): what the planner is
 * asked, and what follows from its answer once applied (the run's write, whether
 * subscribers hear of it, when to requeue). No I/O here.
 */

/** The planner's answer for a run with these stage rows at `now`. */
export function planFromRows(
  spec: WorkflowSpec,
  run: LockedRun,
  rows: ReadonlyMap<string, StageRow>,
  now: Date,
  decisions: readonly DecisionRow[] = [],
): RunPlan {
  const states = new Map<string, PlanStageState>(
    [...rows].map(([name, row]) => [
      name,
      {
        ...row,
        outputs: (row.outputs ?? []) as NameValueOutput[],
        decisions: decisions
          .filter((decision) => decision.stage === name)
          .map((decision) => ({ ...decision, inputs: (decision.inputs ?? []) as { name: string; value: string }[] })),
      },
    ]),
  );
  const startedAt = run.startedAt ?? now;
  const hasConditions = spec.stages.some((stage) => stage.when !== undefined);
  return planRun(
    planStages(spec, rows, run),
    {
      phase: run.phase,
      isPaused: run.pausedAt !== null,
      isStopRequested: run.stopRequestedAt !== null,
      isStopForced: run.stopForcedAt !== null,
      deadline: run.timeoutSeconds ? new Date(startedAt.getTime() + run.timeoutSeconds * 1000) : null,
      now,
      ...(hasConditions ? { facts: conditionFacts(run, spec) } : {}),
    },
    states,
  );
}

type NameValueOutput = { key: string; value: string };

/** The workflow's stages as the planner sees them, then the combinations matrix stages have expanded into. */
export function planStages(
  spec: WorkflowSpec,
  rows: ReadonlyMap<string, StageRow>,
  run: Pick<LockedRun, 'startStages' | 'endStages'> = { startStages: [], endStages: [] },
): PlanStage[] {
  // A run of part of the workflow: its stages wait only for the stages it covers (the rest were SKIPPED at its creation).
  const selected = selectStages(spec.stages, run.startStages ?? [], run.endStages ?? []);
  const declared = spec.stages.map((stage) =>
    planStage({ ...stage, dependsOn: stage.dependsOn.filter((name) => selected.has(name)) }),
  );
  const byName = new Map(declared.map((stage) => [stage.name, stage]));
  const combinations = [...rows.values()]
    .filter((row) => row.matrixOf !== null && byName.has(row.matrixOf))
    .sort((a, b) => combinationIndex(a.stage) - combinationIndex(b.stage))
    .map((row) =>
      combinationStage(
        byName.get(row.matrixOf as string) as PlanStage,
        combinationIndex(row.stage),
        (row.matrix ?? []) as { name: string; value: string }[],
      ),
    );
  return [...declared, ...combinations];
}

const combinationIndex = (name: string) => Number(name.slice((matrixParentOf(name) ?? '').length + 1));

function planStage(stage: WorkflowStage): PlanStage {
  const isMatrix = stage.matrix.length > 0 || stage.matrixFrom !== undefined;
  return {
    name: stage.name,
    dependsOn: stage.dependsOn,
    trivial: stage.trivial,
    retries: stage.retries,
    timeoutMs: stage.timeout ? durationTextToMs(stage.timeout) : undefined,
    when: stage.when,
    finally: stage.finally,
    ...(stage.approval ? { approval: approvalPolicy(stage.approval) } : {}),
    ...(stage.delegation ? { delegation: true } : {}),
    ...(isMatrix
      ? {
          matrix: {
            ...(stage.matrixFrom !== undefined
              ? { from: stage.matrixFrom }
              : { combinations: matrixCombinations(stage.matrix) }),
            ...(stage.maxParallel !== undefined ? { maxParallel: stage.maxParallel } : {}),
          },
        }
      : {}),
  };
}

/**
 * What stage conditions see of the run besides its stages: its variables (generators
 * evaluated, `${secrets.…}` left as written: a condition never sees a secret), its
 * parameters, and its trigger, whose SCM details are the parameters an SCM delivery gives.
 */
export function conditionFacts(
  run: Pick<LockedRun, 'id' | 'createdAt' | 'parameters' | 'trigger'>,
  spec: Pick<WorkflowSpec, 'globalVariables'>,
): ConditionFacts {
  const parameters = (run.parameters ?? []) as NameValue[];
  const params = Object.fromEntries(parameters.map((p) => [p.name, p.value]));
  let variables: NameValue[];
  try {
    variables = runVariables(run, spec);
  } catch (error) {
    // A generator that cannot be evaluated fails the stages that use it; conditions see the text.
    if (!(error instanceof ValuesError)) throw error;
    variables = spec.globalVariables;
  }
  return {
    variables: Object.fromEntries(variables.map((v) => [v.name, v.value])),
    params,
    trigger: {
      type: run.trigger,
      branch: params.SCM_BRANCH ?? '',
      tag: params.SCM_TAG ?? '',
      event: params.SCM_EVENT ?? '',
      commit: params.SCM_REVISION ?? '',
      author: params.SCM_AUTHOR ?? '',
    },
  };
}

/** The plan and what applying it did, before the run's write. */
export interface AppliedPlan {
  run: LockedRun;
  plan: RunPlan;
  rows: ReadonlyMap<string, StageRow>;
  handles: { stage: string; handle: string }[];
  /** Stages the executor saw end, or orphans failed, during this pass. */
  isStageChanged: boolean;
  startFailures: number;
  now: Date;
  /** The resync interval: how soon a run with something running is looked at again. */
  resyncMs: number;
}

export interface ReconcileOutcome {
  /** The one write that ends the reconcile (nothing when nothing changed). */
  write: RunWrite;
  isTerminal: boolean;
  /** ms until the run wants another pass; undefined: only when woken. */
  requeueAfterMs: number | undefined;
  /** The requeue is only what the periodic resync does anyway (something runs and its exit is pushed). */
  isResyncEnough: boolean;
}

/** The run's write and its requeue: a reconcile that changes nothing (most periodic ones) writes nothing. */
export function reconcileOutcome(facts: AppliedPlan): ReconcileOutcome {
  const { run, plan, now } = facts;
  const isTerminal = isTerminalRunPhase(plan.runPhase);
  const isPhaseChanged = plan.runPhase !== run.phase;
  const isStarting = run.startedAt === null && plan.runPhase !== 'PENDING';
  const isRunChanged =
    isTerminal || isPhaseChanged || (plan.runMessage !== undefined && plan.runMessage !== run.message) || isStarting;
  const isNotified =
    facts.isStageChanged ||
    plan.start.length + plan.wait.length + plan.expand.length + plan.kill.length + plan.finish.length > 0 ||
    isPhaseChanged;
  const write: RunWrite = {
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
  if (isTerminal) return { write, isTerminal, requeueAfterMs: undefined, isResyncEnough: false };
  const requeue = requeueAfter(facts);
  return { write, isTerminal, requeueAfterMs: requeue.ms, isResyncEnough: requeue.isResyncEnough };
}

/**
 * When to look again, and whether that is only what the resync does anyway (something runs, and
 * its exit is pushed) rather than a time the run itself needs (a kill, a failed start,
 * a backoff or a timeout): the controller's periodic resync stands in for the former.
 */
function requeueAfter(facts: AppliedPlan): { ms: number | undefined; isResyncEnough: boolean } {
  const { plan, rows } = facts;
  // A start that failed or a kill changes what the planner sees: look again at once.
  if (facts.startFailures > 0 || plan.kill.length > 0) return { ms: 0, isResyncEnough: false };
  const isRunning = plan.start.length > 0 || [...rows.values()].some((row) => row.phase === 'RUNNING');
  // While something runs, look again after a resync interval even without a wake-up (exits wake it sooner).
  const soon = isRunning ? facts.resyncMs : undefined;
  if (plan.requeueAfterMs === undefined) return { ms: soon, isResyncEnough: soon !== undefined };
  if (soon !== undefined && soon < plan.requeueAfterMs) return { ms: soon, isResyncEnough: true };
  return { ms: plan.requeueAfterMs, isResyncEnough: false };
}
