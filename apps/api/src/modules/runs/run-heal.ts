import { type WorkflowSpec, workflowSpecSchema } from '@cyclone/domain';
import { badInput } from '../../errors/app-error.js';
import { parseInput } from '../shared/validate-input.js';
import { normalizeSpec, type StageInputShape, toStageCandidate } from '../workflows/workflows.inputs.js';

/**
 * A run's spec with some stages replaced by their overrides (matched by name, kept in
 * their place): what a retry that heals a failed run in place runs. An override of a
 * stage the run does not have, or two of one stage, is refused naming it.
 */
export function healedSpec(spec: WorkflowSpec, overrides: readonly StageInputShape[]): WorkflowSpec {
  const names = spec.stages.map((stage) => stage.name);
  const replaced = new Map<string, ReturnType<typeof toStageCandidate>>();
  overrides.forEach((override, index) => {
    if (!names.includes(override.name)) {
      throw badInput(
        `overrides[${index}].name`,
        `the run has no stage "${override.name}"; its stages are: ${names.join(', ')}`,
      );
    }
    if (replaced.has(override.name)) {
      throw badInput(`overrides[${index}].name`, `stage "${override.name}" is overridden twice`);
    }
    replaced.set(override.name, toStageCandidate(override));
  });
  const candidate = { ...spec, stages: spec.stages.map((stage) => replaced.get(stage.name) ?? stage) };
  return normalizeSpec(parseInput(workflowSpecSchema, candidate, 'overrides'));
}
