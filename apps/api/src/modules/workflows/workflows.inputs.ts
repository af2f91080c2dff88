import { dnsLabelSchema, type WorkflowSpec, workflowSpecSchema } from '@cyclone/domain';
import { parseInput } from '../shared/validate-input.js';

/** A stage as the GraphQL StageInput gives it (docs/contract.md §2). */
export interface StageInputShape {
  name: string;
  image: string;
  command?: string[] | null;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  workingDir?: string | null;
  dependsOn?: string[] | null;
  inputs?: {
    resources?: { name: string; path: string }[] | null;
    artifacts?: { name: string; path: string; source: string }[] | null;
  } | null;
  outputs?: {
    resources?: { name: string }[] | null;
    artifacts?: { name: string; path: string }[] | null;
  } | null;
  trivial?: boolean | null;
  timeout?: string | null;
  retries?: number | null;
  when?: string | null;
  finally?: boolean | null;
  template?: string | null;
}

export interface WorkflowInputShape {
  tenant: string;
  project: string;
  name: string;
  description?: string | null;
  globalVariables?: { name: string; value: string }[] | null;
  stages: StageInputShape[];
}

const orUndefined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

/** A StageInput in the shape the workflow spec schema checks (an input artifact's `source` as an artifact source). */
export function toStageCandidate(stage: StageInputShape) {
  return {
    name: stage.name,
    image: stage.image,
    command: stage.command ?? [],
    args: stage.args ?? [],
    env: stage.env ?? [],
    workingDir: orUndefined(stage.workingDir),
    inputs: {
      resources: stage.inputs?.resources ?? [],
      artifacts: (stage.inputs?.artifacts ?? []).map((a) => ({ name: a.name, path: a.path })),
      arguments: [],
    },
    outputs: {
      resources: stage.outputs?.resources ?? [],
      artifacts: stage.outputs?.artifacts ?? [],
    },
    template: orUndefined(stage.template),
    dependsOn: stage.dependsOn ?? [],
    artifactSources: (stage.inputs?.artifacts ?? []).map((a) => ({ name: a.name, source: a.source })),
    trivial: stage.trivial ?? false,
    timeout: orUndefined(stage.timeout),
    retries: stage.retries ?? 0,
    when: orUndefined(stage.when),
    finally: stage.finally ?? false,
  };
}

/**
 * Turns CreateWorkflowInput/UpdateWorkflowInput into the spec a version stores. Stage
 * positions are kept, so schema problems name `input.stages[i]…` as the caller sent it;
 * an input artifact's `source` becomes an artifact source of the stage.
 */
export function toWorkflowSpec(input: WorkflowInputShape): { name: string; spec: WorkflowSpec } {
  const name = parseInput(dnsLabelSchema, input.name, 'input.name');
  const candidate = {
    description: input.description ?? '',
    globalVariables: input.globalVariables ?? [],
    stages: (input.stages ?? []).map(toStageCandidate),
  };
  return { name, spec: normalizeSpec(parseInput(workflowSpecSchema, candidate, 'input')) };
}

/** Drops undefined optionals so that equal specs have equal JSON, stored or not. */
export function normalizeSpec(spec: WorkflowSpec): WorkflowSpec {
  return JSON.parse(JSON.stringify(spec)) as WorkflowSpec;
}
