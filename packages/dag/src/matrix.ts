import {
  combinationsFromJson,
  describeCombination,
  type MatrixCombination,
  matrixRunName,
  parseMatrixFrom,
} from '@cyclone/domain';
import type { PlanStage } from './plan.js';

/**
 * Matrix fan-out in the planner (rules in plan.ts's header). A matrix stage runs
 * nothing itself: when it would start it expands into one stage run per combination
 * (`<stage>.<i>`, see @cyclone/domain's matrix.ts) and ends from what they made of it.
 */
export interface PlanMatrix {
  /** Known at save time (`matrix`), absent for `matrixFrom`. */
  combinations?: readonly MatrixCombination[];
  /** `${stages.S.outputs.K}`: a JSON list read when the stage is ready. */
  from?: string;
  /** How many combinations run at once; absent: all. */
  maxParallel?: number;
}

/**
 * The stage of combination `index` of a matrix stage: its policies (retries, timeout,
 * trivial, finally), none of its place in the graph (it starts once its matrix stage
 * expanded) and no condition (evaluated once, before the fan-out).
 */
export function combinationStage(
  parent: PlanStage,
  index: number,
  values: readonly { name: string; value: string }[],
): PlanStage {
  const { matrix: _matrix, when: _when, ...policies } = parent;
  return {
    ...policies,
    name: matrixRunName(parent.name, index),
    dependsOn: [],
    matrixOf: parent.name,
    matrixValues: values,
  };
}

export type FanOut = { combinations: MatrixCombination[] } | { error: string };

/** The combinations a matrix stage expands into now, from its axes or its upstream output. */
export function fanOut(
  matrix: PlanMatrix,
  outputsOf: (stage: string) => readonly { key: string; value: string }[] | undefined,
): FanOut {
  if (matrix.from === undefined) return { combinations: (matrix.combinations ?? []).map((c) => [...c]) };
  const from = parseMatrixFrom(matrix.from);
  if (!from) return { error: `matrixFrom ${matrix.from} is not \${stages.STAGE.outputs.KEY}` };
  const output = outputsOf(from.stage)?.find((o) => o.key === from.key);
  if (!output) return { error: `matrixFrom: stage "${from.stage}" has no output "${from.key}"` };
  const combinations = combinationsFromJson(output.value);
  return 'error' in combinations ? { error: `matrixFrom ${matrix.from} ${combinations.error}` } : { combinations };
}

export interface CombinationOutcome {
  name: string;
  phase: 'SUCCEEDED' | 'SKIPPED' | 'FAILED' | 'CANCELLED';
  values?: readonly { name: string; value: string }[];
}

/** What its ended combinations make of a matrix stage: the first failed or cancelled one decides. */
export function settleMatrix(combinations: readonly CombinationOutcome[]): {
  phase: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  message: string;
} {
  const label = (c: CombinationOutcome) =>
    `"${c.name}"${c.values?.length ? ` (${describeCombination(c.values)})` : ''}`;
  const failed = combinations.find((c) => c.phase === 'FAILED');
  if (failed) return { phase: 'FAILED', message: `combination ${label(failed)} failed` };
  const cancelled = combinations.find((c) => c.phase === 'CANCELLED');
  if (cancelled) return { phase: 'CANCELLED', message: `combination ${label(cancelled)} was cancelled` };
  const succeeded = combinations.filter((c) => c.phase === 'SUCCEEDED').length;
  return { phase: 'SUCCEEDED', message: `${succeeded} of ${combinations.length} combinations succeeded` };
}
