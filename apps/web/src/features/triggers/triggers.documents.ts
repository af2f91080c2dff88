/** GraphQL documents and result shapes of a workflow's triggers. */

export type TriggerType = 'CRON' | 'SCM' | 'WEBHOOK';
export type ConcurrencyPolicy = 'ALLOW' | 'FORBID' | 'REPLACE';

export interface TriggerRow {
  id: string;
  name: string;
  type: TriggerType;
  enabled: boolean;
  cron: string | null;
  concurrencyPolicy: ConcurrencyPolicy;
  startingDeadlineSeconds: number | null;
  nextFireAt: string | null;
  nextFireTimes: string[];
  parameters: { name: string; value: string }[];
  webhookUrl: string | null;
  scm: {
    integration: string;
    repo: string;
    push: { branches: string[] } | null;
    tagRelease: boolean;
    pullRequest: { branches: string[] } | null;
    pullRequestComment: { comments: string[] } | null;
    /** Pipelines as code: runs take the workflow from `.cyclone.yaml` at the pushed revision. */
    workflowFromRevision: boolean;
  } | null;
  createdAt: string;
}

export interface TriggersResult {
  workflow: { name: string; triggers: TriggerRow[] } | null;
  integrations: { name: string; type: string }[];
}

const FIELDS = `
  id
  name
  type
  enabled
  cron
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
`;

export const TriggersDocument = /* GraphQL */ `
  query WorkflowTriggers($tenant: String!, $project: String!, $workflow: String!) {
    workflow(tenant: $tenant, project: $project, name: $workflow) {
      name
      triggers { ${FIELDS} }
    }
    integrations(tenant: $tenant) {
      name
      type
    }
  }
`;

export const CreateTriggerDocument = /* GraphQL */ `
  mutation CreateWorkflowTrigger($input: CreateWorkflowTriggerInput!) {
    createWorkflowTrigger(input: $input) { ${FIELDS} }
  }
`;

export const UpdateTriggerDocument = /* GraphQL */ `
  mutation UpdateWorkflowTrigger($input: UpdateWorkflowTriggerInput!) {
    updateWorkflowTrigger(input: $input) { ${FIELDS} }
  }
`;

export const DeleteTriggerDocument = /* GraphQL */ `
  mutation DeleteWorkflowTrigger($input: WorkflowTriggerRefInput!) {
    deleteWorkflowTrigger(input: $input)
  }
`;

export const CronPreviewDocument = /* GraphQL */ `
  query CronSchedulePreview($cron: String!) {
    cronSchedulePreview(cron: $cron, count: 5)
  }
`;

export interface ScmRepositoryRow {
  name: string;
  defaultBranch: string | null;
}

export interface ScmRepositoriesResult {
  integration: { id: string; scmRepositories: ScmRepositoryRow[] } | null;
}

export const ScmRepositoriesDocument = /* GraphQL */ `
  query ScmRepositories($tenant: String!, $name: String!, $first: Int) {
    integration(tenant: $tenant, name: $name) {
      id
      scmRepositories(first: $first) { name defaultBranch }
    }
  }
`;
