import { buildDag, findCycles, type GraphFieldNames, locateDagIssues, validateDag } from '@cyclone/dag';
import type { WorkflowSpec } from '@cyclone/domain';
import { workflowStagePaths } from '@cyclone/manifests';
import { AppError } from '../../errors/app-error.js';
import type { Tx } from '../shared/mutation.js';

/** Names the fields of a workflow's stages in error messages: GraphQL input or a YAML document. */
export interface StageFieldNames extends GraphFieldNames {
  resource(stage: number, direction: 'inputs' | 'outputs', index: number): string;
  /** The workflow a child-workflow stage runs. */
  childWorkflow(stage: number): string;
}

export const inputFieldNames = (root = 'input'): StageFieldNames => ({
  name: (i) => `${root}.stages[${i}].name`,
  dependsOn: (i, j) => `${root}.stages[${i}].dependsOn${j === undefined ? '' : `[${j}]`}`,
  artifactSource: (i, j) => `${root}.stages[${i}].inputs.artifacts[${j}].source`,
  when: (i) => `${root}.stages[${i}].when`,
  resource: (i, direction, j) => `${root}.stages[${i}].${direction}.resources[${j}].name`,
  childWorkflow: (i) => `${root}.stages[${i}].workflow.name`,
});

/** The fields of document `k` of an apply (Cyclone YAML). */
export const documentFieldNames = (k: number): StageFieldNames => workflowStagePaths(`documents[${k}].`);

/**
 * Checks the graph with packages/dag: duplicate names, unknown or self dependencies,
 * cycles (with their path) and artifact sources that are not upstream. The first
 * problem is the message; all of them are in `details.problems`.
 */
export function assertValidGraph(spec: WorkflowSpec, fields: StageFieldNames): void {
  const issues = validateDag(
    spec.stages.map((stage) => ({
      name: stage.name,
      dependsOn: stage.dependsOn,
      inputArtifacts: stage.artifactSources,
      outputArtifacts: stage.outputs.artifacts.map((a) => a.name),
      when: stage.when,
      finally: stage.finally,
    })),
  );
  if (issues.length === 0) return;
  const problems = locateDagIssues(spec.stages, issues, fields).map(({ field, message }) => ({ field, message }));
  const first = problems[0] as { field: string; message: string };
  throw new AppError('BAD_USER_INPUT', `${first.field}: ${first.message}`, { field: first.field, problems });
}

/** Every resource a stage takes or produces must exist in the project. */
export async function assertResourcesExist(
  tx: Tx,
  projectId: string,
  spec: WorkflowSpec,
  fields: StageFieldNames,
): Promise<void> {
  const refs = spec.stages.flatMap((stage, i) => [
    ...stage.inputs.resources.map((r, j) => ({ name: r.name, field: fields.resource(i, 'inputs', j) })),
    ...stage.outputs.resources.map((r, j) => ({ name: r.name, field: fields.resource(i, 'outputs', j) })),
  ]);
  if (refs.length === 0) return;
  const rows = await tx.resource.findMany({
    where: { projectId, name: { in: [...new Set(refs.map((r) => r.name))] } },
    select: { name: true },
  });
  const known = new Set(rows.map((r) => r.name));
  const missing = refs.find((r) => !known.has(r.name));
  if (missing) {
    throw new AppError('BAD_USER_INPUT', `${missing.field}: no resource "${missing.name}" in this project`, {
      field: missing.field,
    });
  }
}

/**
 * Child workflows must not lead back to the workflow being saved, directly or through
 * other workflows of the project (their current versions): such a run would start
 * itself forever. Workflows that do not exist yet are left to run time.
 */
export async function assertNoChildCycle(
  tx: Tx,
  projectId: string,
  workflow: string,
  spec: WorkflowSpec,
  fields: StageFieldNames,
): Promise<void> {
  const children = (stages: WorkflowSpec['stages']) =>
    stages.flatMap((stage) => (stage.workflow ? [stage.workflow.name] : []));
  const own = children(spec.stages);
  if (own.length === 0) return;
  const refuse = (stage: number, message: string) => {
    const field = fields.childWorkflow(stage);
    throw new AppError('BAD_USER_INPUT', `${field}: ${message}`, { field });
  };
  const self = spec.stages.findIndex((stage) => stage.workflow?.name === workflow);
  if (self >= 0) refuse(self, `workflow "${workflow}" cannot run itself`);
  const others = await tx.$queryRaw<{ name: string; spec: WorkflowSpec }[]>`
    SELECT w.name, v.spec FROM workflows w
    JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version
    WHERE w.project_id = ${projectId}::uuid AND w.name <> ${workflow}`;
  const graph = [
    { name: workflow, dependsOn: own },
    ...others.map((other) => ({ name: other.name, dependsOn: children(other.spec.stages ?? []) })),
  ];
  const cycle = findCycles(buildDag(graph)).find((path) => path.includes(workflow));
  if (!cycle) return;
  const start = cycle.indexOf(workflow);
  const path = [...cycle.slice(start, -1), ...cycle.slice(0, start), workflow];
  const next = path[1] as string;
  refuse(
    spec.stages.findIndex((stage) => stage.workflow?.name === next),
    `child workflows would run in a cycle: ${path.join(' → ')}`,
  );
}
