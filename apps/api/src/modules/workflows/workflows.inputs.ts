import { dnsLabelSchema, type WorkflowSpec, workflowSpecSchema } from '@cyclone/domain';
import { parseInput } from '../shared/validate-input.js';

/** A stage as the GraphQL StageInput gives it (docs/contract.md §2). */
export interface StageInputShape {
  name: string;
  /** Required unless the stage is an approval gate, a child workflow or delegated. */
  image?: string | null;
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
    resources?: { name: string; path?: string | null }[] | null;
    artifacts?: { name: string; path: string }[] | null;
  } | null;
  trivial?: boolean | null;
  timeout?: string | null;
  retries?: number | null;
  when?: string | null;
  finally?: boolean | null;
  template?: string | null;
  approval?: {
    count?: number | null;
    roles?: string[] | null;
    users?: string[] | null;
    timeout?: string | null;
    onTimeout?: string | null;
    inputs?: { name: string; required?: boolean | null; description?: string | null }[] | null;
  } | null;
  workflow?: { name: string; parameters?: { name: string; value: string }[] | null } | null;
  delegation?: { type: string; url: string; config?: unknown } | null;
  caches?: { key: string; paths: string[]; restoreKeys?: string[] | null }[] | null;
  matrix?: { name: string; values: string[] }[] | null;
  matrixFrom?: string | null;
  maxParallel?: number | null;
  services?: StageServiceShape[] | null;
}

/** A service as the GraphQL StageServiceInput gives it. */
export interface StageServiceShape {
  name: string;
  image: string;
  command?: string[] | null;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  readiness?: { command?: string[] | null; tcpPort?: number | null; timeout?: string | null } | null;
}

export interface WorkflowInputShape {
  tenant: string;
  project: string;
  name: string;
  description?: string | null;
  globalVariables?: { name: string; value: string }[] | null;
  resources?: { requests?: Quantities | null; limits?: Quantities | null } | null;
  acceleration?: boolean | null;
  stages: StageInputShape[];
}

type Quantities = { cpu?: string | null; memory?: string | null };

/** GraphQL's nulls as absent keys; nothing set at all is no resources. */
function toResourcesCandidate(resources: NonNullable<WorkflowInputShape['resources']>) {
  const quantities = (given: Quantities | null | undefined) => {
    const cpu = orUndefined(given?.cpu);
    const memory = orUndefined(given?.memory);
    return cpu === undefined && memory === undefined ? undefined : { cpu, memory };
  };
  const requests = quantities(resources.requests);
  const limits = quantities(resources.limits);
  return requests || limits ? { requests, limits } : undefined;
}

const orUndefined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

/** A StageInput in the shape the workflow spec schema checks (an input artifact's `source` as an artifact source). */
export function toStageCandidate(stage: StageInputShape) {
  return {
    name: stage.name,
    image: stage.image ?? '',
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
      resources: (stage.outputs?.resources ?? []).map((r) =>
        r.path ? { name: r.name, path: r.path } : { name: r.name },
      ),
      artifacts: stage.outputs?.artifacts ?? [],
    },
    template: orUndefined(stage.template),
    ...(stage.caches && stage.caches.length > 0
      ? { caches: stage.caches.map((cache) => ({ ...cache, restoreKeys: cache.restoreKeys ?? [] })) }
      : {}),
    dependsOn: stage.dependsOn ?? [],
    artifactSources: (stage.inputs?.artifacts ?? []).map((a) => ({ name: a.name, source: a.source })),
    trivial: stage.trivial ?? false,
    timeout: orUndefined(stage.timeout),
    retries: stage.retries ?? 0,
    when: orUndefined(stage.when),
    finally: stage.finally ?? false,
    ...(stage.approval ? { approval: toApprovalCandidate(stage.approval) } : {}),
    ...(stage.workflow ? { workflow: { name: stage.workflow.name, parameters: stage.workflow.parameters ?? [] } } : {}),
    ...(stage.delegation ? { delegation: toDelegationCandidate(stage.delegation) } : {}),
    matrix: stage.matrix ?? [],
    matrixFrom: orUndefined(stage.matrixFrom),
    maxParallel: orUndefined(stage.maxParallel),
    ...(stage.services && stage.services.length > 0 ? { services: stage.services.map(toServiceCandidate) } : {}),
  };
}

function toDelegationCandidate(delegation: NonNullable<StageInputShape['delegation']>) {
  const { type, url, config } = delegation;
  return { type, url, ...(config === null || config === undefined ? {} : { config }) };
}

function toServiceCandidate(service: StageServiceShape) {
  const readiness = service.readiness;
  return {
    name: service.name,
    image: service.image,
    command: service.command ?? [],
    args: service.args ?? [],
    env: service.env ?? [],
    readiness: readiness
      ? {
          command: orUndefined(readiness.command),
          tcpPort: orUndefined(readiness.tcpPort),
          timeout: orUndefined(readiness.timeout),
        }
      : undefined,
  };
}

function toApprovalCandidate(approval: NonNullable<StageInputShape['approval']>) {
  return {
    count: approval.count ?? 1,
    roles: approval.roles ?? [],
    users: approval.users ?? [],
    timeout: orUndefined(approval.timeout),
    onTimeout: approval.onTimeout ?? 'FAIL',
    inputs: (approval.inputs ?? []).map((input) => ({
      name: input.name,
      required: input.required ?? false,
      description: orUndefined(input.description),
    })),
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
    ...(input.resources ? { resources: toResourcesCandidate(input.resources) } : {}),
    ...(input.acceleration ? { acceleration: true } : {}),
    stages: (input.stages ?? []).map(toStageCandidate),
  };
  return { name, spec: normalizeSpec(parseInput(workflowSpecSchema, candidate, 'input')) };
}

/** Drops undefined optionals so that equal specs have equal JSON, stored or not. */
export function normalizeSpec(spec: WorkflowSpec): WorkflowSpec {
  return JSON.parse(JSON.stringify(spec)) as WorkflowSpec;
}
