import type { Phase } from '@/lib/phases';
import type { LogLine } from './log-buffer';

export interface StageRun {
  name: string;
  phase: Phase;
  attempt: number;
  exitCode: number | null;
  message: string;
  startedAt: string | null;
  finishedAt: string | null;
  outputs: { key: string; value: string }[];
}

export interface GraphStage {
  name: string;
  image: string;
  dependsOn: string[];
  trivial: boolean;
}

export interface Run {
  id: string;
  number: number;
  phase: Phase;
  message: string;
  isPaused: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  timeoutSeconds: number | null;
  workflow: { name: string };
  projectName: string;
  tenantName: string;
  workflowVersion: number;
  parameters: { name: string; value: string }[];
  graph: GraphStage[];
  stages: StageRun[];
  retryOf: { id: string; number: number } | null;
  artifacts: { stage: string; name: string; size: number; isDirectory: boolean; downloadUrl: string }[];
}

export type RunTrigger = 'MANUAL' | 'CRON' | 'SCM' | 'WEBHOOK';

/** A row of a runs list: what the table and the comparison need. */
export type RunSummary = Omit<Run, 'graph' | 'stages' | 'message' | 'timeoutSeconds' | 'retryOf' | 'artifacts'> & {
  stages: Pick<StageRun, 'name' | 'phase' | 'startedAt' | 'finishedAt'>[];
  /** What started the run, and which trigger (null for manual runs and deleted triggers). */
  trigger: RunTrigger;
  triggerName: string | null;
};

/** What a `workflowRunUpdated` event carries: the parts of a run that change while it runs. */
export type RunChange = Pick<
  Run,
  'id' | 'phase' | 'message' | 'isPaused' | 'startedAt' | 'finishedAt' | 'stages' | 'artifacts'
>;

const RUN_FIELDS = /* GraphQL */ `
  id number phase message isPaused createdAt startedAt finishedAt timeoutSeconds
  workflow { name } projectName tenantName workflowVersion
  parameters { name value }
  graph { name image dependsOn trivial }
  stages { name phase attempt exitCode message startedAt finishedAt outputs { key value } }
  retryOf { id number }
  artifacts { stage name size isDirectory downloadUrl }
`;

/** The graph, parameters and names of a run never change: events leave them out. */
const RUN_CHANGE_FIELDS = /* GraphQL */ `
  id phase message isPaused startedAt finishedAt
  stages { name phase attempt exitCode message startedAt finishedAt outputs { key value } }
  artifacts { stage name size isDirectory downloadUrl }
`;

const SUMMARY_FIELDS = /* GraphQL */ `
  id number phase isPaused createdAt startedAt finishedAt trigger triggerName
  workflow { name } projectName tenantName workflowVersion
  parameters { name value }
  stages { name phase startedAt finishedAt }
`;

export const RunDocument = /* GraphQL */ `
  query WorkflowRun($id: ID!) { workflowRun(id: $id) { ${RUN_FIELDS} } }
`;

export const RunUpdatedDocument = /* GraphQL */ `
  subscription WorkflowRunUpdated($id: ID!) { workflowRunUpdated(id: $id) { ${RUN_CHANGE_FIELDS} } }
`;

/** Every run of a tenant as it is created and changes phase (the overview's "Running now"). */
export const TenantRunsUpdatedDocument = /* GraphQL */ `
  subscription TenantRunsUpdated($tenant: String!) { tenantRunsUpdated(tenant: $tenant) { ${SUMMARY_FIELDS} } }
`;

export const RunLogsDocument = /* GraphQL */ `
  subscription WorkflowRunLogs($id: ID!, $stage: String, $afterSeq: Int) {
    workflowRunLogs(id: $id, stage: $stage, afterSeq: $afterSeq) { seq stage stream line timestamp }
  }
`;

export const StoredLogsDocument = /* GraphQL */ `
  query StoredRunLogs($id: ID!, $stage: String!, $afterSeq: Int) {
    workflowRunLogs(id: $id, stage: $stage, afterSeq: $afterSeq) { seq stage stream line timestamp }
  }
`;
export type StoredLogs = { workflowRunLogs: LogLine[] };

export const StartRunDocument = /* GraphQL */ `
  mutation RunWorkflow($input: RunWorkflowInput!) { runWorkflow(input: $input) { ${RUN_FIELDS} } }
`;

export const StopRunDocument = /* GraphQL */ `
  mutation StopWorkflowRun($id: ID!) { stopWorkflowRun(id: $id) { ${RUN_FIELDS} } }
`;
export const PauseRunDocument = /* GraphQL */ `
  mutation PauseWorkflowRun($id: ID!) { pauseWorkflowRun(id: $id) { ${RUN_FIELDS} } }
`;
export const ResumeRunDocument = /* GraphQL */ `
  mutation ResumeWorkflowRun($id: ID!) { resumeWorkflowRun(id: $id) { ${RUN_FIELDS} } }
`;
export const RetryRunDocument = /* GraphQL */ `
  mutation RetryWorkflowRun($id: ID!, $fromStage: String) { retryWorkflowRun(id: $id, fromStage: $fromStage) { ${RUN_FIELDS} } }
`;

export const WorkflowForRunDocument = /* GraphQL */ `
  query WorkflowForRun($tenant: String!, $project: String!, $name: String!) {
    workflow(tenant: $tenant, project: $project, name: $name) {
      id name version description globalVariables { name value }
      stages { name image dependsOn trivial }
    }
  }
`;
export interface WorkflowForRun {
  id: string;
  name: string;
  version: number;
  description: string;
  globalVariables: { name: string; value: string }[];
  stages: { name: string; image: string; dependsOn: string[]; trivial: boolean }[];
}

export interface TenantRunFilter {
  project?: string;
  workflow?: string;
  phases?: Phase[];
  triggers?: string[];
  createdAfter?: string;
  createdBefore?: string;
}

export const TenantRunsDocument = /* GraphQL */ `
  query TenantRuns($tenant: String!, $filter: TenantRunFilter, $first: Int, $after: String) {
    tenantRuns(tenant: $tenant, filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ${SUMMARY_FIELDS} } }
    }
  }
`;
export interface TenantRunsPage {
  tenantRuns: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: RunSummary }[];
  };
}

export const RunStatisticsDocument = /* GraphQL */ `
  query RunStatistics($tenant: String!, $days: Int, $utcOffsetMinutes: Int) {
    runStatistics(tenant: $tenant, days: $days, utcOffsetMinutes: $utcOffsetMinutes) {
      projects workflows runsToday activeRuns successRate
      days { date total pending running waiting succeeded failed cancelled averageDurationSeconds maxDurationSeconds }
    }
  }
`;
export interface RunDay {
  date: string;
  total: number;
  pending: number;
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  averageDurationSeconds: number | null;
  maxDurationSeconds: number | null;
}
export interface RunStatistics {
  projects: number;
  workflows: number;
  runsToday: number;
  activeRuns: number;
  successRate: number | null;
  days: RunDay[];
}

export { isTerminalRunPhase as isTerminal, TERMINAL_RUN_PHASES as TERMINAL_PHASES } from '@cyclone/domain/core';

/** The run dashboard's address. */
export function runHref(run: { projectName: string; workflow: { name: string }; id: string }): string {
  return `/projects/${encodeURIComponent(run.projectName)}/workflows/${encodeURIComponent(run.workflow.name)}/runs/${run.id}`;
}

export function runsHref(project: string, workflow: string): string {
  return `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}/runs`;
}
