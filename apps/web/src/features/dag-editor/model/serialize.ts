import type { EditorStage } from './types';

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
  outputs: { resources: { name: string }[]; artifacts: { name: string; path: string }[] };
  trivial: boolean;
  timeout?: string | null;
  retries: number;
  template?: string | null;
  when?: string | null;
  finally?: boolean | null;
}

/** `StageInput` of createWorkflow / updateWorkflow (docs/contract.md §2). */
export interface StageInput {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  workingDir?: string;
  dependsOn: string[];
  inputs: {
    resources: { name: string; path: string }[];
    artifacts: { name: string; path: string; source: string }[];
  };
  outputs: { resources: { name: string }[]; artifacts: { name: string; path: string }[] };
  trivial: boolean;
  timeout?: string;
  retries: number;
  template?: string;
  when?: string;
  finally: boolean;
}

export function fromApiStage(stage: ApiWorkflowStage): EditorStage {
  return {
    name: stage.name,
    image: stage.image,
    command: [...stage.command],
    args: [...stage.args],
    env: stage.env.map(({ name, value }) => ({ name, value })),
    workingDir: stage.workingDir ?? undefined,
    dependsOn: [...stage.dependsOn],
    inputs: {
      resources: stage.inputs.resources.map(({ name, path }) => ({ name, path })),
      artifacts: stage.inputs.artifacts.map(({ name, path, source }) => ({ name, path, source: source ?? '' })),
    },
    outputs: {
      resources: stage.outputs.resources.map(({ name }) => ({ name })),
      artifacts: stage.outputs.artifacts.map(({ name, path }) => ({ name, path })),
    },
    trivial: stage.trivial,
    timeout: stage.timeout ?? undefined,
    retries: stage.retries,
    template: stage.template ?? undefined,
    when: stage.when ?? undefined,
    finally: stage.finally ?? false,
  };
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
      resources: stage.outputs.resources.filter((r) => r.name.trim()),
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
    for (const r of s.outputs.resources) lines.push(`  output resource ${r.name}`);
    for (const a of s.outputs.artifacts) lines.push(`  output artifact ${a.name} at ${a.path}`);
    if (s.trivial) lines.push('  trivial: true');
    if (s.timeout) lines.push(`  timeout: ${s.timeout}`);
    if (s.retries) lines.push(`  retries: ${s.retries}`);
    if (s.template) lines.push(`  template: ${s.template}`);
    if (s.when) lines.push(`  when: ${s.when}`);
    if (s.finally) lines.push('  finally: true');
  }
  return lines;
}
