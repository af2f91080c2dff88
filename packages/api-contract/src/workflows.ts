/** Documents of workflows and resource types, sent by the web UI and the CLI alike. */
import { graphql, type ResultOf } from './graphql.js';

/**
 * What would stop a run of a workflow: as saved, with other parameters (the Run dialog), or as
 * a draft of stages and variables (the editor, before it saves).
 */
export const PreflightWorkflowDocument = graphql(`
  query PreflightWorkflow(
    $tenant: String!
    $project: String!
    $workflow: String!
    $parameters: [NameValueInput!]
    $stages: [StageInput!]
    $globalVariables: [NameValueInput!]
  ) {
    preflightWorkflow(
      tenant: $tenant
      project: $project
      workflow: $workflow
      parameters: $parameters
      stages: $stages
      globalVariables: $globalVariables
    ) {
      stage
      check
      ok
      message
    }
  }
`);
export type PreflightCheck = ResultOf<typeof PreflightWorkflowDocument>['preflightWorkflow'][number];

export const ResourceTypesDocument = graphql(`
  query ResourceTypes($tenant: String!) {
    resourceTypes(tenant: $tenant) {
      type
      builtin
      name
      description
      resolvedBy
      resolver
      operations
      parameters {
        name
        required
        description
      }
      bind {
        integrationType
        paramBindings {
          name
          value
        }
      }
    }
  }
`);
export type ResourceTypeRow = ResultOf<typeof ResourceTypesDocument>['resourceTypes'][number];
