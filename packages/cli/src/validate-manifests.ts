import { locateDagIssues, validateDag } from '@cyclone/dag';
import { LIMITS, type StageDefinition, workflowSpecSchema } from '@cyclone/domain';
import { joinWorkflow, type Manifest, parseManifests, workflowStagePaths } from '@cyclone/manifests';

export interface Problem {
  /** Index of the document in the (joined) YAML, as the server numbers it. */
  document: number;
  /** `Workflow/shop-ci`, when the document could be read that far. */
  object?: string;
  /** Full field path, e.g. `documents[2].spec.stages[1].depends`. */
  field: string;
  message: string;
  /** A warning cannot be settled offline (e.g. a stage the server looks up in the project). */
  severity: 'error' | 'warning';
}

type WorkflowDoc = Extract<Manifest, { kind: 'Workflow' }>['spec'];

/**
 * Checks Cyclone YAML offline the way `applyManifests` does on the server
 * (apps/api/src/modules/manifests/manifests.service.ts and workflows/workflows.rules.ts):
 * the same size limit, the same decoding with packages/manifests, the same join
 * of Workflow and Stage documents checked by the domain's workflow schema, and
 * the same graph rules from packages/dag with the same field names. What only
 * the project can answer (stages, resources and workflows not in these files)
 * comes back as warnings.
 */
export function validateManifests(yaml: string): Problem[] {
  const bytes = Buffer.byteLength(yaml, 'utf8');
  if (bytes > LIMITS.yamlBytes) {
    return [
      {
        document: 0,
        field: 'input.yaml',
        message: `is ${bytes} bytes; at most ${LIMITS.yamlBytes} are accepted: split it into several applies`,
        severity: 'error',
      },
    ];
  }
  const { documents, errors } = parseManifests(yaml);
  if (errors.length > 0) {
    return errors.map((e) => ({ document: e.document, field: e.path, message: e.message, severity: 'error' }));
  }
  if (documents.length === 0)
    return [{ document: 0, field: 'input.yaml', message: 'contains no documents', severity: 'error' }];

  const problems: Problem[] = [];
  const stages = new Map<string, StageDefinition>();
  const names = (kind: Manifest['kind']) => new Set(documents.filter((d) => d.kind === kind).map((d) => d.spec.name));
  const resources = names('Resource');
  const workflows = names('Workflow');
  for (const doc of documents) if (doc.kind === 'Stage' && !doc.template) stages.set(doc.spec.name, doc.spec);

  documents.forEach((doc, index) => {
    const object = `${doc.kind}/${doc.spec.name}`;
    const report = (field: string, message: string, severity: Problem['severity'] = 'error') =>
      problems.push({ document: index, object, field: `documents[${index}].${field}`, message, severity });
    if (doc.kind === 'Workflow') checkWorkflow(doc.spec, stages, resources, report);
    if ((doc.kind === 'WorkflowTrigger' || doc.kind === 'WorkflowRun') && !workflows.has(workflowRefOf(doc))) {
      report(
        'spec.workflowRef.name',
        `no Workflow "${workflowRefOf(doc)}" in these files: the project must have it`,
        'warning',
      );
    }
  });
  return problems;
}

function workflowRefOf(doc: Extract<Manifest, { kind: 'WorkflowTrigger' | 'WorkflowRun' }>): string {
  return doc.kind === 'WorkflowTrigger' ? doc.workflowRef : doc.spec.workflowRef;
}

function checkWorkflow(
  workflow: WorkflowDoc,
  stages: ReadonlyMap<string, StageDefinition>,
  resources: ReadonlySet<string>,
  report: (field: string, message: string, severity?: Problem['severity']) => void,
): void {
  const { spec, missing } = joinWorkflow(workflow, (name) => stages.get(name));
  for (const name of missing) {
    const i = workflow.stages.findIndex((s) => s.name === name);
    report(`spec.stages[${i}].name`, `no Stage "${name}" in these files: the project must have it`, 'warning');
  }
  if (missing.length === 0) {
    const parsed = workflowSpecSchema.safeParse(spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = issue?.path.length ? ` (at ${issue.path.join('.')})` : '';
      report('spec', `${issue?.message ?? 'invalid'}${at}`);
    }
  }
  checkGraph(workflow, stages, report);
  spec.stages.forEach((stage, i) => {
    for (const ref of [...stage.inputs.resources, ...stage.outputs.resources]) {
      if (!resources.has(ref.name)) {
        report(
          `spec.stages[${i}].name`,
          `no Resource "${ref.name}" in these files: the project must have it`,
          'warning',
        );
      }
    }
  });
}

/** packages/dag's rules, with the field names the server gives them (`locateDagIssues`). */
function checkGraph(
  workflow: WorkflowDoc,
  stages: ReadonlyMap<string, StageDefinition>,
  report: (field: string, message: string) => void,
): void {
  const refs = workflow.stages;
  const issues = validateDag(
    refs.map((ref) => ({
      name: ref.name,
      dependsOn: ref.dependsOn,
      inputArtifacts: ref.artifactSources,
      outputArtifacts: stages.get(ref.name)?.outputs.artifacts.map((a) => a.name) ?? [],
      when: ref.when,
      finally: ref.finally,
    })),
  );
  for (const { field, message, issue } of locateDagIssues(refs, issues, workflowStagePaths())) {
    // A source stage whose definition is not in these files may well produce it: not decidable offline.
    if (issue.code === 'UNKNOWN_ARTIFACT_SOURCE') {
      const sourceStage = issue.source.split('/')[0] ?? '';
      if (refs.some((r) => r.name === sourceStage) && !stages.has(sourceStage)) continue;
    }
    report(field, message);
  }
}
