/**
 * The GraphQL documents only the CLI sends (docs/contract.md §2); result types come from them.
 * Those the web UI sends too (logs, log search, preflight, resource types) and the
 * fragments both select (a stage of a run, a workflow row) are in @cyclone/api-contract.
 */
import { graphql, type ResultOf, StageRunFields, WorkflowRowFields } from '@cyclone/api-contract';

/** What the CLI shows of a run, when started, loaded, controlled or followed. */
const RunFields = graphql(
  `
  fragment CliRunFields on WorkflowRun {
    id
    number
    phase
    message
    isPaused
    isStopping
    createdAt
    startedAt
    finishedAt
    workflow {
      name
    }
    stages {
      ...StageRunFields
    }
  }
`,
  [StageRunFields],
);
export type RunSnapshot = ResultOf<typeof RunFields>;
export type StageSnapshot = RunSnapshot['stages'][number];

export const RunWorkflowDocument = graphql(
  `
  mutation CliRunWorkflow($input: RunWorkflowInput!) {
    runWorkflow(input: $input) {
      ...CliRunFields
    }
  }
`,
  [RunFields],
);

export const WorkflowRunDocument = graphql(
  `
  query CliWorkflowRun($id: ID!) {
    workflowRun(id: $id) {
      ...CliRunFields
    }
  }
`,
  [RunFields],
);

export const StopRunDocument = graphql(
  `
  mutation CliStopWorkflowRun($id: ID!) {
    stopWorkflowRun(id: $id) {
      ...CliRunFields
    }
  }
`,
  [RunFields],
);

export const PauseRunDocument = graphql(
  `
  mutation CliPauseWorkflowRun($id: ID!) {
    pauseWorkflowRun(id: $id) {
      ...CliRunFields
    }
  }
`,
  [RunFields],
);

export const ResumeRunDocument = graphql(
  `
  mutation CliResumeWorkflowRun($id: ID!) {
    resumeWorkflowRun(id: $id) {
      ...CliRunFields
    }
  }
`,
  [RunFields],
);

export const RetryRunDocument = graphql(
  `
  mutation CliRetryWorkflowRun($id: ID!, $fromStage: String) {
    retryWorkflowRun(id: $id, fromStage: $fromStage) {
      ...CliRunFields
    }
  }
`,
  [RunFields],
);

export const FollowRunDocument = graphql(
  `
  subscription CliFollowRun($id: ID!) {
    workflowRunUpdated(id: $id) {
      ...CliRunFields
    }
  }
`,
  [RunFields],
);

export type WorkflowRow = ResultOf<typeof WorkflowRowFields>;

export const WorkflowDocument = graphql(
  `
  query CliWorkflow($t: String!, $p: String!, $n: String!) {
    workflow(tenant: $t, project: $p, name: $n) {
      ...WorkflowRowFields
    }
  }
`,
  [WorkflowRowFields],
);

export const WorkflowsDocument = graphql(
  `
  query CliWorkflows($t: String!, $p: String!) {
    project(tenant: $t, name: $p) {
      workflows {
        ...WorkflowRowFields
      }
    }
  }
`,
  [WorkflowRowFields],
);

const RunRowFields = graphql(`
  fragment CliRunRow on WorkflowRun {
    id
    number
    phase
    message
    createdAt
    startedAt
    finishedAt
    workflow {
      name
    }
  }
`);
export type RunRow = ResultOf<typeof RunRowFields>;

export const WorkflowRunsDocument = graphql(
  `
  query CliWorkflowRuns($t: String!, $p: String!, $n: String!, $first: Int!) {
    workflow(tenant: $t, project: $p, name: $n) {
      runs(first: $first) {
        ...CliRunRow
      }
    }
  }
`,
  [RunRowFields],
);

export const ProjectRunsDocument = graphql(
  `
  query CliProjectRuns($t: String!, $p: String!, $first: Int!) {
    project(tenant: $t, name: $p) {
      workflows {
        runs(first: $first) {
          ...CliRunRow
        }
      }
    }
  }
`,
  [RunRowFields],
);

export const ApplyManifestsDocument = graphql(`
  mutation CliApplyManifests($input: ApplyManifestsInput!) {
    applyManifests(input: $input) {
      kind
      name
      action
      target
      message
    }
  }
`);
export type Applied = ResultOf<typeof ApplyManifestsDocument>['applyManifests'][number];

export const LoginDocument = graphql(`
  mutation CliLogin($input: LoginInput!) {
    login(input: $input) {
      token
      user {
        email
      }
    }
  }
`);

export const MeDocument = graphql(`
  query CliMe {
    me {
      email
    }
  }
`);

export const LogoutDocument = graphql(`
  mutation CliLogout {
    logout
  }
`);

/** What `cyclone approve|reject` shows of the gate it decided. */
const GateFields = graphql(`
  fragment CliGateFields on WorkflowRun {
    id
    number
    phase
    workflow {
      name
    }
    stages {
      name
      phase
      approval {
        state
        count
        approvals {
          decision
        }
      }
    }
  }
`);

export const ApproveStageDocument = graphql(
  `
  mutation CliApproveStage($input: ApproveStageInput!) {
    approveStage(input: $input) {
      ...CliGateFields
    }
  }
`,
  [GateFields],
);

export const RejectStageDocument = graphql(
  `
  mutation CliRejectStage($input: RejectStageInput!) {
    rejectStage(input: $input) {
      ...CliGateFields
    }
  }
`,
  [GateFields],
);

export const CompleteDelegatedStageDocument = graphql(`
  mutation CliCompleteDelegatedStage($input: CompleteDelegatedStageInput!) {
    completeDelegatedStage(input: $input) {
      id
      number
      workflow {
        name
      }
      stages {
        name
        phase
      }
    }
  }
`);

export const ApproveRunDocument = graphql(
  `
  mutation CliApproveWorkflowRun($id: ID!) {
    approveWorkflowRun(id: $id) {
      ...CliRunFields
    }
  }
`,
  [RunFields],
);
