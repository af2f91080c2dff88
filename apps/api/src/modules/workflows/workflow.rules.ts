import { validateDag } from '@cyclone/dag';
import type { WorkflowSpec } from '@cyclone/domain';
import { AppError } from '../../errors/app-error.js';
import type { Tx } from '../shared/mutation.js';

/** Names the fields of a workflow's stages in error messages: GraphQL input or a YAML document. */
export interface StageFieldNames {
  name(stage: number): string;
  dependsOn(stage: number, index?: number): string;
  artifactSource(stage: number, index: number): string;
  resource(stage: number, direction: 'inputs' | 'outputs', index: number): string;
}

export const inputFieldNames = (root = 'input'): StageFieldNames => ({
  name: (i) => `${root}.stages[${i}].name`,
  dependsOn: (i, j) => `${root}.stages[${i}].dependsOn${j === undefined ? '' : `[${j}]`}`,
  artifactSource: (i, j) => `${root}.stages[${i}].inputs.artifacts[${j}].source`,
  resource: (i, direction, j) => `${root}.stages[${i}].${direction}.resources[${j}].name`,
});

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
    })),
  );
  if (issues.length === 0) return;
  const indexOf = (name: string, from = 0) =>
    Math.max(
      spec.stages.findIndex((s, i) => i >= from && s.name === name),
      0,
    );
  const problems = issues.map((issue) => {
    const i = indexOf(issue.stage);
    const stage = spec.stages[i];
    switch (issue.code) {
      case 'DUPLICATE_STAGE':
        return { field: fields.name(indexOf(issue.stage, i + 1)), message: issue.message };
      case 'UNKNOWN_DEPENDENCY':
        return { field: fields.dependsOn(i, stage?.dependsOn.indexOf(issue.dependency)), message: issue.message };
      case 'SELF_DEPENDENCY':
        return { field: fields.dependsOn(i, stage?.dependsOn.indexOf(issue.stage)), message: issue.message };
      case 'CYCLE':
        return { field: fields.dependsOn(i), message: issue.message };
      default:
        return {
          field: fields.artifactSource(
            i,
            Math.max(stage?.artifactSources.findIndex((a) => a.source === issue.source) ?? 0, 0),
          ),
          message: issue.message,
        };
    }
  });
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
