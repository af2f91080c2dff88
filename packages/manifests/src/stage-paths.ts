/**
 * Where a Workflow document's stage fields are in Cyclone YAML (`depends`,
 * `artifacts[j].source`), under `prefix` — `documents[2].` on the server, which
 * numbers the documents of one apply, nothing in the offline validator.
 */
export const workflowStagePaths = (prefix = '') => ({
  name: (i: number) => `${prefix}spec.stages[${i}].name`,
  dependsOn: (i: number, j?: number) => `${prefix}spec.stages[${i}].depends${j === undefined ? '' : `[${j}]`}`,
  artifactSource: (i: number, j: number) => `${prefix}spec.stages[${i}].artifacts[${j}].source`,
  when: (i: number) => `${prefix}spec.stages[${i}].when`,
  childWorkflow: (i: number) => `${prefix}spec.stages[${i}].workflow.name`,
  /** Resources are named on the stage's own document; the reference is the stage entry. */
  resource: (i: number) => `${prefix}spec.stages[${i}].name`,
});
