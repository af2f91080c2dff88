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
    const {
      dependsOn,
      artifactSources,
      trivial,
      timeout,
      retries,
      when,
      finally: isFinally,
      approval,
      workflow,
      caches,
      matrix,
      matrixFrom,
      maxParallel,
      ...definition
    } = stage;
    // An approval gate or a child workflow runs no container: it has no Stage document.
    // A delegated stage has one: its `delegation` is part of the definition, carried by the spread.
    if (!approval && !workflow) stages.push(definition);
    refs.push({
      name: stage.name,
      dependsOn,
      artifactSources,
      trivial,
      retries,
      finally: isFinally,
      ...(timeout ? { timeout } : {}),
      ...(when !== undefined ? { when } : {}),
      ...(approval ? { approval } : {}),
      ...(workflow ? { workflow } : {}),
      // Printed with the stage's place in the Workflow document (docs/contract.md §6).
      ...(caches && caches.length > 0 ? { caches } : {}),
      matrix,
      ...(matrixFrom !== undefined ? { matrixFrom } : {}),
      ...(maxParallel !== undefined ? { maxParallel } : {}),
    });
  }
  const { description, globalVariables, resources, acceleration } = spec;
  return {
    workflow: {
      name,
      description,
      globalVariables,
      ...(resources ? { resources } : {}),
      ...(acceleration ? { acceleration } : {}),
      stages: refs,
    },
    stages,
  };
}

/** What an approval gate or a child-workflow stage runs itself: nothing. */
const CONTAINERLESS: StageDefinition = {
  name: '',
  image: '',
  command: [],
  args: [],
  env: [],
  inputs: { resources: [], artifacts: [], arguments: [] },
  outputs: { resources: [], artifacts: [] },
};

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
    const definition = ref.approval || ref.workflow ? CONTAINERLESS : definitionOf(ref.name);
    if (!definition) {
      missing.push(ref.name);
      continue;
    }
    // Caches written in the Workflow document win over those of the Stage document.
    const caches = ref.caches ?? definition.caches;
    stages.push({ ...definition, ...ref, name: ref.name, ...(caches ? { caches } : {}) });
  }
  const { description, globalVariables, resources, acceleration } = workflow;
  return {
    spec: {
      description,
      globalVariables,
      ...(resources ? { resources } : {}),
      ...(acceleration ? { acceleration } : {}),
      stages,
    },
    missing,
  };
}
