/** GraphQL documents of runs (docs/contract.md §2); result types come from them. */
import { graphql, type ResultOf, StageRunFields, type VariablesOf } from '@cyclone/api-contract';

/** The parts of a run that change while it runs: what a `workflowRunUpdated` event carries. */
const RunChangeFields = graphql(
  `
  fragment RunChangeFields on WorkflowRun {
    id
    phase
    message
    isPaused
    isStopping
    wait {
      reason
      position
      limit
      estimatedStartAt
    }
    approvalRequest {
      reason
      isApproved
      approvedAt
      approvedBy {
        email
      }
    }
    startedAt
    finishedAt
    stages {
      ...StageRunFields
      outputs {
        key
        value
      }
      matrixOf
      childRun {
        id
        number
        phase
        workflow {
          name
        }
      }
      approval {
        state
        count
        roles
        users
        timeout
        dueAt
        inputs {
          name
          required
          description
        }
        approvals {
          user {
            email
          }
          decision
          comment
          at
          inputs {
            name
            value
          }
        }
      }
    }
    artifacts {
      stage
      name
      size
      isDirectory
      downloadUrl
    }
  }
`,
  [StageRunFields],
);

/** Where a run comes from: its workflow (and version), project, tenant and parameters. */
const RunOriginFields = graphql(`
  fragment RunOriginFields on WorkflowRun {
    workflow {
      name
    }
    projectName
    tenantName
    workflowVersion
    parameters {
      name
      value
    }
  }
`);

/** A whole run: the changing parts plus its graph, parameters and names, which never change. */
const RunFields = graphql(
  `
  fragment RunFields on WorkflowRun {
    ...RunChangeFields
    number
    createdAt
    timeoutSeconds
    acceleration
    serviceAccount
    volumes {
      type
      objectName
      path
      mountPath
      containers
    }
    ...RunOriginFields
    graph {
      name
      image
      dependsOn
      trivial
      finally
      when
      approval {
        count
      }
      workflow {
        name
      }
      delegation {
        type
        url
      }
      matrix {
        name
        values
      }
      matrixFrom
      maxParallel
    }
    overriddenStages
    parent {
      stage
      run {
        id
        number
        workflow {
          name
        }
      }
    }
    retryOf {
      id
      number
    }
  }
`,
  [RunChangeFields, RunOriginFields],
);

/** A row of a runs list: what the table and the comparison need. */
const RunSummaryFields = graphql(
  `
  fragment RunSummaryFields on WorkflowRun {
    id
    number
    phase
    isPaused
    createdAt
    startedAt
    finishedAt
    trigger
    triggerName
    ...RunOriginFields
    wait {
      reason
      position
      limit
      estimatedStartAt
    }
    stages {
      name
      phase
      startedAt
      finishedAt
    }
  }
`,
  [RunOriginFields],
);

export type Run = ResultOf<typeof RunFields>;
export type RunChange = ResultOf<typeof RunChangeFields>;
export type StageRun = RunChange['stages'][number];
export type GraphStage = Run['graph'][number];
export type RunSummary = ResultOf<typeof RunSummaryFields>;
/** What started a run (the trigger's name is `triggerName`, null for manual runs and deleted triggers). */
export type RunTrigger = RunSummary['trigger'];

export const RunDocument = graphql(
  `
  query WorkflowRun($id: ID!) {
    workflowRun(id: $id) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

export const RunUpdatedDocument = graphql(
  `
  subscription WorkflowRunUpdated($id: ID!) {
    workflowRunUpdated(id: $id) {
      ...RunChangeFields
    }
  }
`,
  [RunChangeFields],
);

/** Every run of a tenant as it is created and changes phase (the overview's "Running now"). */
export const TenantRunsUpdatedDocument = graphql(
  `
  subscription TenantRunsUpdated($tenant: String!) {
    tenantRunsUpdated(tenant: $tenant) {
      ...RunSummaryFields
    }
  }
`,
  [RunSummaryFields],
);

export const StartRunDocument = graphql(
  `
  mutation RunWorkflow($input: RunWorkflowInput!) {
    runWorkflow(input: $input) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

export const StopRunDocument = graphql(
  `
  mutation StopWorkflowRun($id: ID!) {
    stopWorkflowRun(id: $id) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

export const PauseRunDocument = graphql(
  `
  mutation PauseWorkflowRun($id: ID!) {
    pauseWorkflowRun(id: $id) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

export const ResumeRunDocument = graphql(
  `
  mutation ResumeWorkflowRun($id: ID!) {
    resumeWorkflowRun(id: $id) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

export const ApproveRunDocument = graphql(
  `
  mutation ApproveWorkflowRun($id: ID!) {
    approveWorkflowRun(id: $id) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

export const ApproveStageDocument = graphql(
  `
  mutation ApproveStage($input: ApproveStageInput!) {
    approveStage(input: $input) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

export const RejectStageDocument = graphql(
  `
  mutation RejectStage($input: RejectStageInput!) {
    rejectStage(input: $input) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

/** completeDelegatedStage: a member ends a waiting delegated stage as its system's callback would. */
export const CompleteDelegatedStageDocument = graphql(
  `
  mutation CompleteDelegatedStage($input: CompleteDelegatedStageInput!) {
    completeDelegatedStage(input: $input) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

export const RetryRunDocument = graphql(
  `
  mutation RetryWorkflowRun($id: ID!, $fromStage: String, $overrides: [StageInput!], $saveAsNewVersion: Boolean) {
    retryWorkflowRun(id: $id, fromStage: $fromStage, overrides: $overrides, saveAsNewVersion: $saveAsNewVersion) {
      ...RunFields
    }
  }
`,
  [RunFields],
);

export const WorkflowForRunDocument = graphql(`
  query WorkflowForRun($tenant: String!, $project: String!, $name: String!) {
    workflow(tenant: $tenant, project: $project, name: $name) {
      id
      name
      version
      description
      acceleration
      globalVariables {
        name
        value
      }
      stages {
        name
        image
        dependsOn
        trivial
      }
    }
  }
`);
export type WorkflowForRun = NonNullable<ResultOf<typeof WorkflowForRunDocument>['workflow']>;

export const TenantRunsDocument = graphql(
  `
  query TenantRuns($tenant: String!, $filter: TenantRunFilter, $first: Int, $after: String) {
    tenantRuns(tenant: $tenant, filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...RunSummaryFields
        }
      }
    }
  }
`,
  [RunSummaryFields],
);
export type TenantRunsPage = ResultOf<typeof TenantRunsDocument>;
export type TenantRunFilter = NonNullable<VariablesOf<typeof TenantRunsDocument>['filter']>;

export const RunStatisticsDocument = graphql(`
  query RunStatistics($tenant: String!, $days: Int, $utcOffsetMinutes: Int) {
    runStatistics(tenant: $tenant, days: $days, utcOffsetMinutes: $utcOffsetMinutes) {
      projects
      workflows
      runsToday
      activeRuns
      successRate
      days {
        date
        total
        pending
        running
        waiting
        succeeded
        failed
        cancelled
        averageDurationSeconds
        maxDurationSeconds
      }
    }
  }
`);
export type RunStatistics = ResultOf<typeof RunStatisticsDocument>['runStatistics'];
export type RunDay = RunStatistics['days'][number];

export { isTerminalRunPhase as isTerminal, TERMINAL_RUN_PHASES as TERMINAL_PHASES } from '@cyclone/domain/core';

/** The run dashboard's address. */
export function runHref(run: { projectName: string; workflow: { name: string }; id: string }): string {
  return `/projects/${encodeURIComponent(run.projectName)}/workflows/${encodeURIComponent(run.workflow.name)}/runs/${run.id}`;
}

export function runsHref(project: string, workflow: string): string {
  return `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}/runs`;
}

/** The stages that decided how long a run took, first to last (drawn on its DAG on request). */
export const RunCriticalPathDocument = graphql(`
  query RunCriticalPath($id: ID!) {
    workflowRun(id: $id) {
      id
      criticalPath
    }
  }
`);
