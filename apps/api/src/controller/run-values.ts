import { createHash } from 'node:crypto';
import {
  type NameValue,
  resolveGlobalVariables,
  type SubstitutionContext,
  substitute,
  ValuesError,
  type WorkflowSpec,
  type WorkflowStage,
} from '@cyclone/domain';

/** A run parameter named `variables.NAME` overrides (or adds) global variable NAME. */
const VARIABLE_PARAMETER = 'variables.';

/**
 * Run parameters named `<prefix>.<target>.<NAME>` (`stages.compile.GOFLAGS`,
 * `resources.src.SCM_REVISION`), as Cyclone's WorkflowRun gives them: NAME → value.
 */
export function parametersFor(run: { parameters: unknown }, prefix: 'stages' | 'resources', target: string) {
  const head = `${prefix}.${target}.`;
  const found = new Map<string, string>();
  for (const parameter of (run.parameters ?? []) as NameValue[]) {
    if (parameter.name.startsWith(head) && parameter.name.length > head.length) {
      found.set(parameter.name.slice(head.length), parameter.value);
    }
  }
  return found;
}

/** A resource's parameters with the run's `resources.<name>.<PARAM>` overrides applied (or added). */
export function resourceParametersFor(run: { parameters: unknown }, resource: string, base: readonly NameValue[]) {
  const merged = new Map(base.map((p) => [p.name, p.value]));
  for (const [name, value] of parametersFor(run, 'resources', resource)) merged.set(name, value);
  return merged;
}

const PLACEHOLDER = /\{\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}\}|\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/**
 * Applies the run's `stages.<stage>.<NAME>` parameters to a stage, as Cyclone's
 * WorkflowRun does: each overrides the stage's argument NAME (declared in
 * `inputs.arguments`), and the arguments fill `{{ NAME }}` / `{{{ NAME }}}` left in
 * command, args, env and workingDir. Other `{{ … }}` text (e.g. a Go template in a
 * shell command) is left alone. A parameter also sets the stage's env var NAME
 * (replaced or added), so plain stages take parameters too. A used argument without
 * any value is a ValuesError naming the parameter to give.
 */
export function applyStageParameters(stage: WorkflowStage, run: { parameters: unknown }): WorkflowStage {
  const given = parametersFor(run, 'stages', stage.name);
  const values = new Map<string, string | undefined>(stage.inputs.arguments.map((a) => [a.name, a.value]));
  for (const [name, value] of given) values.set(name, value);
  if (values.size === 0) return stage;
  const fill = (text: string) =>
    text.replace(PLACEHOLDER, (whole, triple?: string, double?: string) => {
      const name = (triple ?? double) as string;
      if (!values.has(name)) return whole;
      const value = values.get(name);
      if (value === undefined) {
        throw new ValuesError(
          `argument "${name}" of stage "${stage.name}" needs a value: give the run parameter stages.${stage.name}.${name}`,
        );
      }
      return value;
    });
  const env = stage.env.map(({ name, value }) => ({ name, value: given.get(name) ?? fill(value) }));
  for (const [name, value] of given) if (!env.some((e) => e.name === name)) env.push({ name, value });
  return {
    ...stage,
    command: stage.command.map(fill),
    args: stage.args.map(fill),
    env,
    workingDir: stage.workingDir === undefined ? undefined : fill(stage.workingDir),
  };
}

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

/** Stages `stage` depends on, directly or not; a finally stage comes after every ordinary stage too. */
function upstreamOf(stage: string, stages: readonly WorkflowStage[]): Set<string> {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const seen = new Set<string>(byName.get(stage)?.finally ? stages.filter((s) => !s.finally).map((s) => s.name) : []);
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
  secrets?: Pick<SubstitutionContext, 'secrets' | 'usedSecrets'>,
  matrix?: readonly NameValue[],
): Pick<WorkflowStage, 'image' | 'command' | 'args' | 'env' | 'workingDir' | 'caches'> {
  const upstream = upstreamOf(stage.name, spec.stages);
  const context: SubstitutionContext = {
    ...secrets,
    ...(matrix ? { matrix: new Map(matrix.map(({ name, value }) => [name, value])) } : {}),
    variables,
    stages: new Map(
      rows
        .filter((row) => upstream.has(row.stage) && row.phase === 'SUCCEEDED')
        .map((row) => [row.stage, (row.outputs ?? []) as { key: string; value: string }[]]),
    ),
  };
  const apply = (text: string) => substitute(text, context);
  return {
    // Never secrets in an image: its name is visible in the pod spec.
    image: substitute(stage.image, { variables, stages: context.stages, matrix: context.matrix }),
    command: stage.command.map(apply),
    args: stage.args.map(apply),
    env: stage.env.map(({ name, value }) => ({ name, value: apply(value) })),
    workingDir: stage.workingDir === undefined ? undefined : apply(stage.workingDir),
    ...(stage.caches && stage.caches.length > 0
      ? {
          caches: stage.caches.map((cache) =>
            substituteCache(cache, { variables, stages: context.stages, matrix: context.matrix }),
          ),
        }
      : {}),
  };
}

/**
 * A cache's keys with run values substituted; `${hashFiles(…)}` stays for the executor.
 * Never a secret: keys are stored and shown in the clear.
 */
function substituteCache(
  cache: NonNullable<WorkflowStage['caches']>[number],
  context: SubstitutionContext,
): NonNullable<WorkflowStage['caches']>[number] {
  const apply = (text: string) => {
    if (/(^|[^$])\$\{\s*secrets\./.test(text)) {
      throw new ValuesError(`cache key "${text}": a cache key must not use a secret (keys are shown in the clear)`);
    }
    return substitute(text, context);
  };
  return { key: apply(cache.key), paths: [...cache.paths], restoreKeys: cache.restoreKeys.map(apply) };
}

/**
 * Resolves `${secrets.…}` in the run's variables (generators already evaluated), so
 * a variable may carry a secret into a stage; other references in variables stay
 * as they are, as before.
 */
export function resolveVariableSecrets(
  variables: readonly NameValue[],
  secrets: Pick<SubstitutionContext, 'secrets' | 'usedSecrets'>,
): NameValue[] {
  return variables.map(({ name, value }) => ({
    name,
    value: value.replace(/\$(\$?)\{(secrets\.[^}]*)\}/g, (whole, escaped: string) =>
      escaped ? whole : substitute(whole, { variables: [], stages: new Map(), ...secrets }),
    ),
  }));
}
