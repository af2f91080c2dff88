import { canonicalJson, fromDelegation, toDelegationInput } from './delegation';
import type { ApproverRole, EditorApproval, EditorCache, EditorService, EditorStage } from './types';

/** An approval gate's settings as the API returns them (`WorkflowStage.approval`). */
export interface ApiApproval {
  count: number;
  roles: readonly string[];
  users: readonly string[];
  timeout?: string | null;
  onTimeout: string;
  inputs: readonly { name: string; required?: boolean | null; description?: string | null }[];
}

/** `WorkflowStageApprovalInput`. */
export interface ApprovalInput {
  count: number;
  roles: ApproverRole[];
  users: string[];
  timeout?: string;
  onTimeout: 'FAIL' | 'SKIP';
  inputs: { name: string; required: boolean; description?: string }[];
}

/** A workflow stage as the API returns it (`Workflow.stages`). */
export interface ApiWorkflowStage {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  workingDir?: string | null;
  dependsOn: string[];
  inputs: {
    resources: { name: string; path: string }[];
    artifacts: { name: string; path: string; source?: string | null }[];
  };
  outputs: { resources: { name: string; path?: string | null }[]; artifacts: { name: string; path: string }[] };
  trivial: boolean;
  timeout?: string | null;
  retries: number;
  template?: string | null;
  when?: string | null;
  finally?: boolean | null;
  approval?: ApiApproval | null;
  workflow?: { name: string; parameters?: readonly { name: string; value: string }[] | null } | null;
  delegation?: { type: string; url: string; config?: unknown } | null;
  caches?: readonly { key: string; paths: readonly string[]; restoreKeys: readonly string[] }[] | null;
  matrix?: readonly { name: string; values: readonly string[] }[] | null;
  matrixFrom?: string | null;
  maxParallel?: number | null;
  services?: readonly ApiService[] | null;
}

/** `StageCacheInput` (and `WorkflowStage.caches`). */
export interface CacheInput {
  key: string;
  paths: string[];
  restoreKeys: string[];
}

/** Comma-separated text as a list: the drawer's paths and restore keys. */
const splitList = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function fromApiCaches(caches: ApiWorkflowStage['caches']): EditorCache[] | undefined {
  if (!caches || caches.length === 0) return undefined;
  return caches.map((cache) => ({
    key: cache.key,
    paths: cache.paths.join(', '),
    restoreKeys: cache.restoreKeys.join(', '),
  }));
}

export function toCacheInputs(caches: readonly EditorCache[] | undefined): CacheInput[] {
  return (caches ?? [])
    .filter((cache) => cache.key.trim())
    .map((cache) => ({
      key: cache.key.trim(),
      paths: splitList(cache.paths),
      restoreKeys: splitList(cache.restoreKeys),
    }));
}

/** A stage service as the API returns it (`WorkflowStage.services`). */
export interface ApiService {
  name: string;
  image: string;
  command: readonly string[];
  args: readonly string[];
  env: readonly { name: string; value: string }[];
  readiness?: { command?: readonly string[] | null; tcpPort?: number | null; timeout?: string | null } | null;
}

/**
 * `StageInput` of createWorkflow / updateWorkflow (docs/contract.md §2): the editor's stage, but with
 * outputs, approval and caches in the API's form.
 */
export interface StageInput extends Omit<EditorStage, 'outputs' | 'approval' | 'caches'> {
  outputs: { resources: { name: string; path?: string }[]; artifacts: { name: string; path: string }[] };
  approval?: ApprovalInput;
  caches?: CacheInput[];
}

/** A container's name, image, command, args and env, copied out of the read-only arrays the API or the YAML gives. */
export function copyWorkload(from: {
  name: string;
  image: string;
  command: readonly string[];
  args: readonly string[];
  env: readonly { name: string; value: string }[];
}) {
  return {
    name: from.name,
    image: from.image,
    command: [...from.command],
    args: [...from.args],
    env: from.env.map(({ name, value }) => ({ name, value })),
  };
}

function fromApiService(service: ApiService): EditorService {
  const readiness = service.readiness;
  return {
    ...copyWorkload(service),
    ...(readiness
      ? {
          readiness: {
            ...(readiness.command ? { command: [...readiness.command] } : {}),
            ...(readiness.tcpPort != null ? { tcpPort: readiness.tcpPort } : {}),
            ...(readiness.timeout ? { timeout: readiness.timeout } : {}),
          },
        }
      : {}),
  };
}

function fromApiApproval(approval: ApiApproval): EditorApproval {
  return {
    count: approval.count,
    roles: approval.roles as ApproverRole[],
    users: [...approval.users],
    timeout: approval.timeout ?? undefined,
    onTimeout: approval.onTimeout === 'SKIP' ? 'SKIP' : 'FAIL',
    inputs: approval.inputs.map((input) => ({
      name: input.name,
      required: input.required ?? false,
      description: input.description ?? '',
    })),
  };
}

export function fromApiStage(stage: ApiWorkflowStage): EditorStage {
  return {
    ...copyWorkload(stage),
    workingDir: stage.workingDir ?? undefined,
    dependsOn: [...stage.dependsOn],
    inputs: {
      resources: stage.inputs.resources.map(({ name, path }) => ({ name, path })),
      artifacts: stage.inputs.artifacts.map(({ name, path, source }) => ({ name, path, source: source ?? '' })),
    },
    outputs: {
      resources: stage.outputs.resources.map(fromOutputResource),
      artifacts: stage.outputs.artifacts.map(({ name, path }) => ({ name, path })),
    },
    trivial: stage.trivial,
    timeout: stage.timeout ?? undefined,
    retries: stage.retries,
    template: stage.template ?? undefined,
    when: stage.when ?? undefined,
    finally: stage.finally ?? false,
    ...(stage.approval ? { approval: fromApiApproval(stage.approval) } : {}),
    ...(fromApiCaches(stage.caches) ? { caches: fromApiCaches(stage.caches) } : {}),
    ...(stage.workflow
      ? {
          workflow: {
            name: stage.workflow.name,
            parameters: (stage.workflow.parameters ?? []).map(({ name, value }) => ({ name, value })),
          },
        }
      : {}),
    ...(stage.delegation ? { delegation: fromDelegation(stage.delegation) } : {}),
    ...(stage.matrix?.length
      ? { matrix: stage.matrix.map(({ name, values }) => ({ name, values: [...values] })) }
      : {}),
    ...(stage.matrixFrom ? { matrixFrom: stage.matrixFrom } : {}),
    ...(stage.maxParallel ? { maxParallel: stage.maxParallel } : {}),
    ...(stage.services?.length ? { services: stage.services.map(fromApiService) } : {}),
  };
}

function toApprovalInput(approval: EditorApproval): ApprovalInput {
  const timeout = blank(approval.timeout);
  return {
    count: approval.count,
    roles: approval.roles,
    users: approval.users.map((user) => user.trim()).filter(Boolean),
    ...(timeout ? { timeout } : {}),
    onTimeout: approval.onTimeout,
    inputs: approval.inputs
      .filter((input) => input.name.trim())
      .map((input) => ({
        name: input.name.trim(),
        required: input.required,
        ...(input.description.trim() ? { description: input.description.trim() } : {}),
      })),
  };
}

/** An output resource as the editor keeps it: no path is ''. */
export function fromOutputResource(resource: { name: string; path?: string | null }): { name: string; path: string } {
  return { name: resource.name, path: resource.path ?? '' };
}

/** An output resource as the API takes it: an empty path is left out. */
export function toOutputResourceInput(resource: { name: string; path: string }): { name: string; path?: string } {
  const path = resource.path.trim();
  return path ? { name: resource.name, path } : { name: resource.name };
}

const blank = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** The stage as the API takes it; empty optional text is left out, empty rows dropped. */
export function toStageInput(stage: EditorStage): StageInput {
  const input: StageInput = {
    name: stage.name,
    image: stage.image.trim(),
    command: stage.command,
    args: stage.args,
    env: stage.env.filter((e) => e.name.trim()),
    dependsOn: stage.dependsOn,
    inputs: {
      resources: stage.inputs.resources.filter((r) => r.name.trim()),
      artifacts: stage.inputs.artifacts.filter((a) => a.name.trim()),
    },
    outputs: {
      resources: stage.outputs.resources.filter((r) => r.name.trim()).map(toOutputResourceInput),
      artifacts: stage.outputs.artifacts.filter((a) => a.name.trim()),
    },
    trivial: stage.trivial,
    retries: stage.retries,
    finally: stage.finally,
  };
  const workingDir = blank(stage.workingDir);
  const when = blank(stage.when);
  if (when) input.when = when;
  const timeout = blank(stage.timeout);
  const template = blank(stage.template);
  if (workingDir) input.workingDir = workingDir;
  if (timeout) input.timeout = timeout;
  if (template) input.template = template;
  if (stage.approval) input.approval = toApprovalInput(stage.approval);
  const caches = toCacheInputs(stage.caches);
  if (caches.length > 0) input.caches = caches;
  if (stage.workflow) {
    input.workflow = {
      name: stage.workflow.name.trim(),
      parameters: stage.workflow.parameters.filter((p) => p.name.trim()),
    };
  }
  if (stage.delegation) input.delegation = toDelegationInput(stage.delegation);
  const axes = (stage.matrix ?? [])
    .map((axis) => ({ name: axis.name.trim(), values: axis.values.map((v) => v.trim()).filter(Boolean) }))
    .filter((axis) => axis.name);
  if (axes.length > 0) input.matrix = axes;
  const matrixFrom = blank(stage.matrixFrom);
  if (matrixFrom) input.matrixFrom = matrixFrom;
  if (stage.maxParallel && (axes.length > 0 || matrixFrom)) input.maxParallel = stage.maxParallel;
  // A row left without a name is an unfinished one: dropped, as empty env rows are.
  const services = (stage.services ?? [])
    .filter((s) => s.name.trim())
    .map((s) => ({ ...s, name: s.name.trim(), image: s.image.trim(), env: s.env.filter((e) => e.name.trim()) }));
  if (services.length > 0) input.services = services;
  return input;
}

const quote = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(' ');

/** Stable text lines of the stages (sorted by name), the input of the save diff. */
export function stageLines(stages: readonly EditorStage[]): string[] {
  const lines: string[] = [];
  for (const s of [...stages].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`stage ${s.name}`);
    lines.push(`  image: ${s.image}`);
    if (s.command.length) lines.push(`  command: ${quote(s.command)}`);
    if (s.args.length) lines.push(`  args: ${quote(s.args)}`);
    if (s.workingDir) lines.push(`  workingDir: ${s.workingDir}`);
    for (const e of s.env) lines.push(`  env ${e.name}=${e.value}`);
    if (s.dependsOn.length) lines.push(`  dependsOn: ${[...s.dependsOn].sort().join(', ')}`);
    for (const r of s.inputs.resources) lines.push(`  input resource ${r.name} at ${r.path}`);
    for (const a of s.inputs.artifacts) lines.push(`  input artifact ${a.name} at ${a.path} from ${a.source}`);
    for (const r of s.outputs.resources) lines.push(`  output resource ${r.name}${r.path ? ` at ${r.path}` : ''}`);
    for (const a of s.outputs.artifacts) lines.push(`  output artifact ${a.name} at ${a.path}`);
    if (s.trivial) lines.push('  trivial: true');
    if (s.timeout) lines.push(`  timeout: ${s.timeout}`);
    if (s.retries) lines.push(`  retries: ${s.retries}`);
    if (s.template) lines.push(`  template: ${s.template}`);
    if (s.when) lines.push(`  when: ${s.when}`);
    if (s.finally) lines.push('  finally: true');
    for (const c of toCacheInputs(s.caches)) {
      const fallback = c.restoreKeys.length ? ` (else ${c.restoreKeys.join(', ')})` : '';
      lines.push(`  cache ${c.key}${fallback}: ${c.paths.join(', ')}`);
    }
    if (s.approval) lines.push(...approvalLines(s.approval));
    if (s.workflow) lines.push(`  runs workflow: ${s.workflow.name}`);
    for (const p of s.workflow?.parameters ?? []) lines.push(`  workflow parameter ${p.name}=${p.value}`);
    if (s.delegation) lines.push(`  delegated to ${s.delegation.type} at ${s.delegation.url}`);
    if (s.delegation?.config !== undefined) lines.push(`  delegation config: ${canonicalJson(s.delegation.config)}`);
    for (const axis of s.matrix ?? []) lines.push(`  matrix ${axis.name}: ${quote(axis.values)}`);
    if (s.matrixFrom) lines.push(`  matrixFrom: ${s.matrixFrom}`);
    if (s.maxParallel) lines.push(`  maxParallel: ${s.maxParallel}`);
    for (const service of s.services ?? []) lines.push(`  service ${service.name}: ${JSON.stringify(service)}`);
  }
  return lines;
}

function approvalLines(approval: EditorApproval): string[] {
  const who = [...approval.roles, ...approval.users.map((user) => user.trim()).filter(Boolean)];
  const lines = [`  approval: ${approval.count} from ${who.join(', ') || 'members'}`];
  if (approval.timeout) lines.push(`  approval timeout: ${approval.timeout}, then ${approval.onTimeout}`);
  for (const input of approval.inputs) {
    lines.push(
      `  approval input ${input.name}${input.required ? ' (required)' : ''}${input.description ? `: ${input.description}` : ''}`,
    );
  }
  return lines;
}
