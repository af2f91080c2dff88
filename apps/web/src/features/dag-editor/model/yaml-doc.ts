import { validateDag } from '@cyclone/dag';
import type { StageDelegation, WorkflowSpec, WorkflowStage } from '@cyclone/domain';
import { joinWorkflow, type Manifest, parseManifests, printManifests, splitWorkflow } from '@cyclone/manifests';
import { fromDelegation } from './delegation';
import { copyWorkload, fromApiCaches, fromOutputResource, toStageInput } from './serialize';
import type { EditorStage, NameValue } from './types';

/**
 * The YAML view, parsed and printed in the browser: Cyclone `Stage` + `Workflow` documents
 * of the editor's current stages. Heavy (the YAML library): load it with `import()`.
 */

export interface WorkflowMeta {
  description: string;
  globalVariables: NameValue[];
  /** Its runs keep build tool folders between runs (the acceleration label in YAML). */
  acceleration: boolean;
}

export interface YamlProblem {
  /** 1-based line in the text, when it could be found. */
  line?: number;
  message: string;
}

export type YamlParse =
  | { ok: true; name: string; meta: WorkflowMeta; stages: EditorStage[]; ignored: string[] }
  | { ok: false; problems: YamlProblem[] };

function toWorkflowStage(stage: EditorStage): WorkflowStage {
  const input = toStageInput(stage);
  return {
    name: input.name,
    image: input.image,
    command: input.command,
    args: input.args,
    env: input.env,
    ...(input.workingDir ? { workingDir: input.workingDir } : {}),
    inputs: {
      resources: input.inputs.resources,
      artifacts: input.inputs.artifacts.map(({ name, path }) => ({ name, path })),
      arguments: [],
    },
    outputs: input.outputs,
    ...(input.template ? { template: input.template } : {}),
    dependsOn: input.dependsOn,
    artifactSources: input.inputs.artifacts.filter((a) => a.source).map(({ name, source }) => ({ name, source })),
    trivial: input.trivial,
    ...(input.timeout ? { timeout: input.timeout } : {}),
    retries: input.retries,
    ...(input.when ? { when: input.when } : {}),
    finally: input.finally,
    ...(input.approval ? { approval: input.approval } : {}),
    ...(input.workflow ? { workflow: input.workflow } : {}),
    // A delegated stage prints as a Stage document with spec.delegation and no spec.pod.
    ...(input.delegation ? { delegation: input.delegation as StageDelegation } : {}),
    ...(input.caches
      ? { caches: input.caches.map((c) => ({ key: c.key, paths: [...c.paths], restoreKeys: [...c.restoreKeys] })) }
      : {}),
    matrix: input.matrix ?? [],
    ...(input.matrixFrom ? { matrixFrom: input.matrixFrom } : {}),
    ...(input.maxParallel ? { maxParallel: input.maxParallel } : {}),
    ...(input.services ? { services: input.services } : {}),
  };
}

function fromWorkflowStage(stage: WorkflowStage): EditorStage {
  const sources = new Map(stage.artifactSources.map((a) => [a.name, a.source]));
  return {
    ...copyWorkload(stage),
    workingDir: stage.workingDir,
    dependsOn: [...stage.dependsOn],
    inputs: {
      resources: stage.inputs.resources.map(({ name, path }) => ({ name, path })),
      artifacts: stage.inputs.artifacts.map(({ name, path }) => ({ name, path, source: sources.get(name) ?? '' })),
    },
    outputs: {
      resources: stage.outputs.resources.map(fromOutputResource),
      artifacts: stage.outputs.artifacts.map(({ name, path }) => ({ name, path })),
    },
    trivial: stage.trivial,
    timeout: stage.timeout,
    retries: stage.retries,
    template: stage.template,
    when: stage.when,
    finally: stage.finally,
    ...(stage.approval
      ? {
          approval: {
            ...stage.approval,
            roles: [...stage.approval.roles],
            users: [...stage.approval.users],
            inputs: stage.approval.inputs.map((input) => ({ ...input, description: input.description ?? '' })),
          },
        }
      : {}),
    ...(stage.workflow
      ? { workflow: { name: stage.workflow.name, parameters: stage.workflow.parameters.map((p) => ({ ...p })) } }
      : {}),
    ...(stage.delegation ? { delegation: fromDelegation(structuredClone(stage.delegation)) } : {}),
    ...(fromApiCaches(stage.caches) ? { caches: fromApiCaches(stage.caches) } : {}),
    ...(stage.matrix.length > 0
      ? { matrix: stage.matrix.map((axis) => ({ name: axis.name, values: [...axis.values] })) }
      : {}),
    ...(stage.matrixFrom ? { matrixFrom: stage.matrixFrom } : {}),
    ...(stage.maxParallel ? { maxParallel: stage.maxParallel } : {}),
    ...(stage.services ? { services: stage.services.map((service) => structuredClone(service)) } : {}),
  };
}

/** The editor's workflow as Cyclone YAML: one Stage per stage, then the Workflow. */
export function docToYaml(name: string, meta: WorkflowMeta, stages: readonly EditorStage[]): string {
  const spec: WorkflowSpec = {
    description: meta.description,
    globalVariables: meta.globalVariables,
    stages: stages.map(toWorkflowStage),
    ...(meta.acceleration ? { acceleration: true } : {}),
  };
  const { workflow, stages: definitions } = splitWorkflow(name, spec);
  const manifests: Manifest[] = [
    ...definitions.map((definition) => ({ kind: 'Stage' as const, spec: definition })),
    { kind: 'Workflow', spec: workflow },
  ];
  return printManifests(manifests);
}

/** Line (0-based) where each `---`-separated document starts. */
function documentStarts(lines: readonly string[]): number[] {
  const starts = [0];
  lines.forEach((line, index) => {
    if (/^---(\s|$)/.test(line) && index > 0) starts.push(index + 1);
  });
  return starts;
}

/**
 * The 1-based line a manifest error path points at, e.g.
 * `documents[1].spec.pod.spec.containers[0].image`: walks the keys of the path through
 * the document's lines (list items by their `- `). Undefined when it cannot tell.
 */
export function lineOfPath(text: string, path: string): number | undefined {
  const lines = text.split('\n');
  const match = /^documents\[(\d+)\](.*)$/.exec(path);
  if (!match) return undefined;
  const starts = documentStarts(lines);
  const docIndex = Number(match[1]);
  if (docIndex >= starts.length) return undefined;
  let at = starts[docIndex] as number;
  const end = (starts[docIndex + 1] ?? lines.length + 1) - 1;
  let found = at;
  let indent = -1;
  const segments = (match[2] ?? '').match(/\.[^.[\]]+|\[\d+\]/g) ?? [];
  for (const segment of segments) {
    if (segment.startsWith('[')) {
      let remaining = Number(segment.slice(1, -1));
      let hit: number | undefined;
      for (let i = found + 1; i < end; i += 1) {
        const m = /^(\s*)- /.exec(lines[i] ?? '');
        if (!m) continue;
        if ((m[1] as string).length < indent) break;
        if (remaining === 0) {
          hit = i;
          break;
        }
        remaining -= 1;
      }
      if (hit === undefined) return found + 1;
      found = hit;
      at = hit;
      indent = (/^(\s*)/.exec(lines[hit] ?? '')?.[1]?.length ?? 0) + 2;
      continue;
    }
    const key = segment.slice(1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^(\\s*)(?:- )?["']?${key}["']?\\s*:`);
    let hit: number | undefined;
    for (let i = at; i < end; i += 1) {
      const m = pattern.exec(lines[i] ?? '');
      if (m && (m[1] as string).length >= indent) {
        hit = i;
        break;
      }
    }
    if (hit === undefined) return found + 1;
    found = hit;
    at = hit + 1;
    indent = (/^(\s*)/.exec(lines[hit] ?? '')?.[1]?.length ?? 0) + 1;
  }
  return found + 1;
}

/** `… at line 3, column 5` in a YAML syntax error. */
function syntaxLine(message: string): number | undefined {
  const m = /at line (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Line (1-based) of `- name: <stage>` in the Workflow document, for graph problems. */
function lineOfStage(text: string, workflowDoc: number, stage: string): number | undefined {
  const lines = text.split('\n');
  const starts = documentStarts(lines);
  const from = starts[workflowDoc] ?? 0;
  const to = starts[workflowDoc + 1] ?? lines.length;
  const pattern = new RegExp(`^\\s*-?\\s*name:\\s*["']?${stage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`);
  for (let i = from; i < to; i += 1) if (pattern.test(lines[i] ?? '')) return i + 1;
  return undefined;
}

/**
 * Reads the YAML view back into editor stages: exactly one Workflow document and a Stage
 * document for each of its stages; other kinds (Resource, WorkflowTrigger…) are listed
 * in `ignored`. Graph rules come from @cyclone/dag. Problems carry their line.
 */
export function yamlToDoc(text: string): YamlParse {
  const parsed = parseManifests(text);
  const problems: YamlProblem[] = parsed.errors.map((error) => {
    const isSyntax = error.message.startsWith('not valid YAML');
    return {
      line: isSyntax ? syntaxLine(error.message) : lineOfPath(text, error.path),
      message: `${error.path}: ${error.message.split('\n')[0]}`,
    };
  });
  if (problems.length > 0) return { ok: false, problems };

  const workflows = parsed.documents.filter((d) => d.kind === 'Workflow');
  if (workflows.length !== 1) {
    return { ok: false, problems: [{ message: `needs exactly one Workflow document (found ${workflows.length})` }] };
  }
  const workflow = workflows[0] as Extract<Manifest, { kind: 'Workflow' }>;
  const definitions = new Map<string, Extract<Manifest, { kind: 'Stage' }>['spec']>();
  const ignored: string[] = [];
  for (const d of parsed.documents) {
    if (d.kind === 'Stage' && !d.template) definitions.set(d.spec.name, d.spec);
    else if (d.kind !== 'Workflow') ignored.push(`${d.kind} ${d.spec.name}`);
  }
  const workflowIndex = findWorkflowDocument(text);
  // An approval gate needs no Stage document: joinWorkflow knows.
  type Definition = ReturnType<Parameters<typeof joinWorkflow>[1]>;
  const { spec, missing } = joinWorkflow(workflow.spec, (name) => definitions.get(name) as Definition);
  const stages = spec.stages;
  for (const name of missing) {
    problems.push({ line: lineOfStage(text, workflowIndex, name), message: `stage "${name}" has no Stage document` });
  }
  const dagIssues = validateDag(
    stages.map((s) => ({
      name: s.name,
      dependsOn: s.dependsOn,
      inputArtifacts: s.artifactSources,
      outputArtifacts: s.outputs.artifacts.map((a) => a.name),
      when: s.when,
      finally: s.finally,
    })),
  );
  for (const issue of dagIssues) {
    problems.push({
      line: issue.stage ? lineOfStage(text, workflowIndex, issue.stage) : undefined,
      message: issue.message,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    name: workflow.spec.name,
    meta: {
      description: workflow.spec.description,
      globalVariables: workflow.spec.globalVariables,
      acceleration: workflow.spec.acceleration ?? false,
    },
    stages: stages.map(fromWorkflowStage),
    ignored,
  };
}

/** Index of the `kind: Workflow` document among the `---`-separated ones. */
function findWorkflowDocument(text: string): number {
  const lines = text.split('\n');
  const starts = documentStarts(lines);
  for (let d = 0; d < starts.length; d += 1) {
    const to = starts[d + 1] ?? lines.length;
    for (let i = starts[d] as number; i < to; i += 1) if (/^kind:\s*Workflow\s*$/.test(lines[i] ?? '')) return d;
  }
  return 0;
}
