// Runs, as the integration tests start, read and wait for them: the shared GraphQL
// documents and the helpers over them. Every helper fails the test on a GraphQL error.
import { isTerminalRunPhase } from '@cyclone/domain/core';
import { expect } from 'vitest';
import type { TestApi } from './test-api.js';
import { type WaitOptions, waitFor } from './wait.js';

/** What the helpers read of a run: enough for every test's assertions. */
export const RUN_FIELDS = `
  id number phase message isPaused isStopping queuePosition timeoutSeconds createdAt startedAt finishedAt
  executionCluster trigger triggerName workflow { name } retryOf { id number }
  stages { name phase attempt exitCode message startedAt finishedAt outputs { key value } }
  artifacts { stage name size sha256 isDirectory downloadUrl }
`;

export const CREATE_WORKFLOW = `mutation CreateWorkflow($input: CreateWorkflowInput!) {
  createWorkflow(input: $input) { name }
}`;
export const RUN_WORKFLOW = `mutation RunWorkflow($input: RunWorkflowInput!) {
  runWorkflow(input: $input) { ${RUN_FIELDS} }
}`;
export const WORKFLOW_RUN = `query WorkflowRun($id: ID!) { workflowRun(id: $id) { ${RUN_FIELDS} } }`;
export const STOP_RUN = `mutation StopWorkflowRun($id: ID!) { stopWorkflowRun(id: $id) { ${RUN_FIELDS} } }`;
export const PAUSE_RUN = `mutation PauseWorkflowRun($id: ID!) { pauseWorkflowRun(id: $id) { ${RUN_FIELDS} } }`;
export const RESUME_RUN = `mutation ResumeWorkflowRun($id: ID!) { resumeWorkflowRun(id: $id) { ${RUN_FIELDS} } }`;
export const RETRY_RUN = `mutation RetryWorkflowRun($id: ID!, $fromStage: String) {
  retryWorkflowRun(id: $id, fromStage: $fromStage) { ${RUN_FIELDS} }
}`;
export const RUN_LOGS = `query WorkflowRunLogs($id: ID!, $stage: String!, $afterSeq: Int) {
  workflowRunLogs(id: $id, stage: $stage, afterSeq: $afterSeq) { seq stage stream line timestamp }
}`;

export interface StageView {
  name: string;
  phase: string;
  attempt: number;
  exitCode: number | null;
  message: string;
  startedAt: string | null;
  finishedAt: string | null;
  outputs: { key: string; value: string }[];
}

export interface ArtifactView {
  stage: string;
  name: string;
  size: number;
  sha256: string;
  isDirectory: boolean;
  downloadUrl: string;
}

export interface RunView {
  id: string;
  number: number;
  phase: string;
  message: string;
  isPaused: boolean;
  /** A stop was requested and the run has not ended: its finally stages run. */
  isStopping: boolean;
  queuePosition: number | null;
  timeoutSeconds: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  executionCluster: string | null;
  trigger: string;
  triggerName: string | null;
  workflow: { name: string };
  retryOf: { id: string; number: number } | null;
  stages: StageView[];
  artifacts: ArtifactView[];
}

/** `RunWorkflowInput` (docs/contract.md §2). */
export interface RunWorkflowInput {
  tenant: string;
  project: string;
  workflow: string;
  parameters?: unknown[];
  timeout?: string;
  [field: string]: unknown;
}

/** Whom the helpers ask: a test API, or any endpoint that answers like one. */
export type GraphQLApi = Pick<TestApi, 'graphql'>;

/** A stage that runs a shell script in alpine. */
export const sh = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'alpine:3.20',
  command: ['sh', '-c'],
  args: [script],
  ...extra,
});

export const isEnded = (run: { phase: string }) => isTerminalRunPhase(run.phase);
export const stageOf = (run: RunView, name: string) => run.stages.find((s) => s.name === name) as StageView;

/** Sends an operation as `token`; the test fails on a GraphQL error. */
export async function must<T>(
  api: GraphQLApi,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const result = await api.graphql<T>(query, variables, token);
  expect(result.errors).toBeUndefined();
  return result.data as T;
}

export async function createWorkflow(
  api: GraphQLApi,
  token: string | undefined,
  input: { tenant: string; project: string; name: string; stages: unknown[]; [field: string]: unknown },
): Promise<void> {
  await must(api, token, CREATE_WORKFLOW, { input });
}

/** Starts a run of the workflow's current version; returns it as created. */
export async function runWorkflow(
  api: GraphQLApi,
  token: string | undefined,
  input: RunWorkflowInput,
): Promise<RunView> {
  return (await must<{ runWorkflow: RunView }>(api, token, RUN_WORKFLOW, { input })).runWorkflow;
}

export async function readRun(api: GraphQLApi, token: string | undefined, id: string): Promise<RunView> {
  const run = (await must<{ workflowRun: RunView | null }>(api, token, WORKFLOW_RUN, { id })).workflowRun;
  if (!run) throw new Error(`no run ${id}`);
  return run;
}

/** Reads the run until `until` holds (by default: until it has ended), and returns it. */
export function waitForRun(
  api: GraphQLApi,
  token: string | undefined,
  id: string,
  options: WaitOptions<RunView> = {},
): Promise<RunView> {
  const what = options.until ? `run ${id} to get there` : `run ${id} to end`;
  return waitFor(() => readRun(api, token, id), { what, until: isEnded, ...options });
}

/** Reads the runs (in order) until `until` holds for them, and returns them. */
export function waitForRuns(
  api: GraphQLApi,
  token: string | undefined,
  ids: readonly string[],
  options: WaitOptions<RunView[]> & { until: (runs: RunView[]) => boolean },
): Promise<RunView[]> {
  return waitFor(() => Promise.all(ids.map((id) => readRun(api, token, id))), {
    what: `runs ${ids.join(', ')} to get there`,
    ...options,
  });
}

/** Starts a run and waits until it has ended (or until `until` holds); returns it then. */
export async function runWorkflowAndWait(
  api: GraphQLApi,
  token: string | undefined,
  input: RunWorkflowInput,
  options: WaitOptions<RunView> = {},
): Promise<RunView> {
  const run = await runWorkflow(api, token, input);
  return waitForRun(api, token, run.id, options);
}

/** The stored log lines of one stage, in order. */
export async function logLines(
  api: GraphQLApi,
  token: string | undefined,
  id: string,
  stage: string,
): Promise<string[]> {
  const { workflowRunLogs } = await must<{ workflowRunLogs: { line: string }[] }>(api, token, RUN_LOGS, { id, stage });
  return workflowRunLogs.map((line) => line.line);
}
