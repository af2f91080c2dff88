import { CYCLONE_API_VERSION, type WorkflowRunCr, type WorkflowRunCrStatus } from '@cyclone/k8s';
import type { RunSummary } from '../executor.js';
import { type RunObjectNames, runLabels } from './pod-spec.js';

/**
 * The WorkflowRun custom resource of a run, as created (spec and labels only; the
 * status subresource is written on phase changes). Its workflowRef is the Workflow
 * resource the reconciler keeps, `<project>.<workflow>`.
 */
export function buildWorkflowRunCr(
  names: RunObjectNames,
  namespace: string,
  runId: string,
  number: number,
): WorkflowRunCr {
  return {
    apiVersion: CYCLONE_API_VERSION,
    kind: 'WorkflowRun',
    metadata: {
      name: names.run,
      namespace,
      labels: { ...runLabels(names), 'cyclone.dev/id': runId, 'cyclone.dev/object-type': 'run' },
      annotations: { 'cyclone.dev/run-number': String(number) },
    },
    spec: { workflowRef: { name: `${names.project}.${names.workflow}` } },
  };
}

const PHASES: Record<RunSummary['phase'], NonNullable<WorkflowRunCrStatus['phase']>> = {
  PENDING: 'Pending',
  RUNNING: 'Running',
  WAITING: 'Waiting',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/** The summary status: phase, "<finished>/<total>" stages, start and finish; no per-stage detail. */
export function workflowRunStatus(summary: RunSummary): WorkflowRunCrStatus {
  return {
    phase: PHASES[summary.phase],
    message: summary.message.slice(0, 4096),
    progress: `${summary.finishedStages}/${summary.totalStages}`,
    ...(summary.startedAt ? { startTime: summary.startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    ...(summary.finishedAt ? { finishTime: summary.finishedAt.toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
  };
}
