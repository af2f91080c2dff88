import type { StageDefinition, WorkflowSpec, WorkflowStage } from '@cyclone/domain';
import type { WorkflowManifestSpec, WorkflowStageRef } from './types.js';

/** A stored workflow version as Cyclone documents: the Workflow graph plus one Stage per stage. */
export function splitWorkflow(
  name: string,
  spec: WorkflowSpec,
): { workflow: WorkflowManifestSpec; stages: StageDefinition[] } {
  const stages: StageDefinition[] = [];
  const refs: WorkflowStageRef[] = [];
  for (const stage of spec.stages) {
    const { dependsOn, artifactSources, trivial, timeout, retries, when, finally: isFinally, ...definition } = stage;
    stages.push(definition);
    refs.push({
      name: stage.name,
      dependsOn,
      artifactSources,
      trivial,
      retries,
      finally: isFinally,
      ...(timeout ? { timeout } : {}),
      ...(when !== undefined ? { when } : {}),
    });
  }
  return {
    workflow: { name, description: spec.description, globalVariables: spec.globalVariables, stages: refs },
    stages,
  };
}

/**
 * A Workflow document with its stage definitions resolved: what a new version stores.
 * `missing` lists stage names no definition was found for.
 */
export function joinWorkflow(
  workflow: WorkflowManifestSpec,
  definitionOf: (stage: string) => StageDefinition | undefined,
): { spec: WorkflowSpec; missing: string[] } {
  const missing: string[] = [];
  const stages: WorkflowStage[] = [];
  for (const ref of workflow.stages) {
    const definition = definitionOf(ref.name);
    if (!definition) {
      missing.push(ref.name);
      continue;
    }
    stages.push({ ...definition, ...ref, name: ref.name });
  }
  return {
    spec: { description: workflow.description, globalVariables: workflow.globalVariables, stages },
    missing,
  };
}
