/** GraphQL documents of a workflow's triggers; result types come from them. */
import { graphql, type ResultOf, type VariablesOf } from '@cyclone/api-contract';

const TriggerFields = graphql(`
  fragment TriggerFields on WorkflowTrigger {
    id
    name
    type
    enabled
    cron
    timezone
    concurrencyPolicy
    startingDeadlineSeconds
    nextFireAt
    nextFireTimes(count: 5)
    parameters { name value }
    webhookUrl
    scm {
      integration
      repo
      push { branches }
      tagRelease
      pullRequest { branches }
      pullRequestComment { comments }
      workflowFromRevision
    }
    createdAt
  }
`);
export type TriggerRow = ResultOf<typeof TriggerFields>;
export type TriggerType = TriggerRow['type'];
export type ConcurrencyPolicy = TriggerRow['concurrencyPolicy'];

export const TriggersDocument = graphql(
  `
  query WorkflowTriggers($tenant: String!, $project: String!, $workflow: String!) {
    workflow(tenant: $tenant, project: $project, name: $workflow) {
      name
      triggers {
        ...TriggerFields
      }
    }
    integrations(tenant: $tenant) {
      id
      name
      type
    }
  }
`,
  [TriggerFields],
);

export type TriggersResult = ResultOf<typeof TriggersDocument>;

export const CreateTriggerDocument = graphql(
  `
  mutation CreateWorkflowTrigger($input: CreateWorkflowTriggerInput!) {
    createWorkflowTrigger(input: $input) {
      ...TriggerFields
    }
  }
`,
  [TriggerFields],
);

export const UpdateTriggerDocument = graphql(
  `
  mutation UpdateWorkflowTrigger($input: UpdateWorkflowTriggerInput!) {
    updateWorkflowTrigger(input: $input) {
      ...TriggerFields
    }
  }
`,
  [TriggerFields],
);

export const DeleteTriggerDocument = graphql(`
  mutation DeleteWorkflowTrigger($input: WorkflowTriggerRefInput!) {
    deleteWorkflowTrigger(input: $input)
  }
`);

export const CronPreviewDocument = graphql(`
  query CronSchedulePreview($cron: String!, $timezone: String) {
    cronSchedulePreview(cron: $cron, count: 5, timezone: $timezone)
  }
`);

export const ScmRepositoriesDocument = graphql(`
  query ScmRepositories($tenant: String!, $name: String!, $first: Int) {
    integration(tenant: $tenant, name: $name) {
      id
      scmRepositories(first: $first) { name defaultBranch }
    }
  }
`);
export type ScmRepositoriesResult = ResultOf<typeof ScmRepositoriesDocument>;
export type ScmRepositoryRow = NonNullable<ScmRepositoriesResult['integration']>['scmRepositories'][number];

/** For every trigger of the tenant: would this repository event start a run, and why. Starts nothing. */
export const SimulateTriggerDocument = graphql(`
  query SimulateTrigger($input: SimulateTriggerInput!) {
    simulateTrigger(input: $input) {
      trigger { id name }
      wouldStart
      reason
    }
  }
`);
export type SimulateTriggerInput = VariablesOf<typeof SimulateTriggerDocument>['input'];
