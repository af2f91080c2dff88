import type { DagIssue } from './types.js';

/** Names the fields of a workflow's stages in messages: a GraphQL input or a YAML document. */
export interface GraphFieldNames {
  name(stage: number): string;
  dependsOn(stage: number, index?: number): string;
  artifactSource(stage: number, index: number): string;
  when(stage: number): string;
}

/** The parts of a stage reference that problems point into. */
export interface GraphStageRef {
  name: string;
  dependsOn: readonly string[];
  artifactSources: readonly { source: string }[];
}

export interface LocatedDagIssue {
  field: string;
  message: string;
  issue: DagIssue;
}

/**
 * Points each problem of `validateDag` at the field a person has to change: a
 * duplicate at its second occurrence, a bad dependency at its entry in `dependsOn`,
 * an artifact source at its entry. One mapping, so the server and the offline
 * validator name the same field for the same mistake.
 */
export function locateDagIssues(
  stages: readonly GraphStageRef[],
  issues: readonly DagIssue[],
  fields: GraphFieldNames,
): LocatedDagIssue[] {
  const indexOf = (name: string, from = 0) =>
    Math.max(
      stages.findIndex((s, i) => i >= from && s.name === name),
      0,
    );
  const entry = (list: readonly string[] | undefined, value: string) => {
    const j = list?.indexOf(value) ?? -1;
    return j < 0 ? undefined : j;
  };
  return issues.map((issue) => {
    const i = indexOf(issue.stage);
    const stage = stages[i];
    switch (issue.code) {
      case 'DUPLICATE_STAGE':
        return { field: fields.name(indexOf(issue.stage, i + 1)), message: issue.message, issue };
      case 'UNKNOWN_DEPENDENCY':
        return { field: fields.dependsOn(i, entry(stage?.dependsOn, issue.dependency)), message: issue.message, issue };
      case 'DEPENDS_ON_FINALLY':
        return { field: fields.dependsOn(i, entry(stage?.dependsOn, issue.dependency)), message: issue.message, issue };
      case 'BAD_CONDITION':
        return { field: fields.when(i), message: issue.message, issue };
      case 'SELF_DEPENDENCY':
        return { field: fields.dependsOn(i, entry(stage?.dependsOn, issue.stage)), message: issue.message, issue };
      case 'CYCLE':
        return { field: fields.dependsOn(i), message: issue.message, issue };
      default: {
        const j = Math.max(stage?.artifactSources.findIndex((a) => a.source === issue.source) ?? 0, 0);
        return { field: fields.artifactSource(i, j), message: issue.message, issue };
      }
    }
  });
}
