import { createHash } from 'node:crypto';
import {
  type NameValue,
  resolveGlobalVariables,
  type SubstitutionContext,
  substitute,
  type WorkflowSpec,
  type WorkflowStage,
} from '@cyclone/domain';

/** A run parameter named `variables.NAME` overrides (or adds) global variable NAME. */
const VARIABLE_PARAMETER = 'variables.';

/**
 * The run's variables: the workflow's global variables, overridden by run parameters
 * named `variables.NAME`, then generators evaluated. `$(timenow:…)` uses the run's
 * creation time and `$(random:N)` a random stream derived from the run's id, so every
 * pass (and every controller, after a restart) computes the same values: evaluated
 * once per run without storing them.
 */
export function runVariables(
  run: { id: string; createdAt: Date; parameters: unknown },
  spec: Pick<WorkflowSpec, 'globalVariables'>,
): NameValue[] {
  const merged = new Map(spec.globalVariables.map((variable) => [variable.name, variable.value]));
  for (const parameter of (run.parameters ?? []) as NameValue[]) {
    if (parameter.name.startsWith(VARIABLE_PARAMETER)) {
      merged.set(parameter.name.slice(VARIABLE_PARAMETER.length), parameter.value);
    }
  }
  const vars = [...merged].map(([name, value]) => ({ name, value }));
  return resolveGlobalVariables(vars, { now: run.createdAt, random: seededRandom(run.id) });
}

/** Numbers in [0, 1) from SHA-256 of the seed and a counter. */
export function seededRandom(seed: string): () => number {
  let counter = 0;
  return () => {
    const digest = createHash('sha256').update(`${seed}:${counter}`).digest();
    counter += 1;
    return digest.readUInt32BE(0) / 2 ** 32;
  };
}

/** Stages `stage` depends on, directly or not. */
function upstreamOf(stage: string, stages: readonly WorkflowStage[]): Set<string> {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      visit(dep);
    }
  };
  visit(stage);
  return seen;
}

/**
 * The fields of a stage that take references, substituted with the run's variables
 * and the outputs of its succeeded upstream stages (direct or not). Throws ValuesError.
 */
export function substituteStage(
  stage: WorkflowStage,
  spec: Pick<WorkflowSpec, 'stages'>,
  variables: readonly NameValue[],
  rows: readonly { stage: string; phase: string; outputs: unknown }[],
): Pick<WorkflowStage, 'command' | 'args' | 'env' | 'workingDir'> {
  const upstream = upstreamOf(stage.name, spec.stages);
  const context: SubstitutionContext = {
    variables,
    stages: new Map(
      rows
        .filter((row) => upstream.has(row.stage) && row.phase === 'SUCCEEDED')
        .map((row) => [row.stage, (row.outputs ?? []) as { key: string; value: string }[]]),
    ),
  };
  const apply = (text: string) => substitute(text, context);
  return {
    command: stage.command.map(apply),
    args: stage.args.map(apply),
    env: stage.env.map(({ name, value }) => ({ name, value: apply(value) })),
    workingDir: stage.workingDir === undefined ? undefined : apply(stage.workingDir),
  };
}
