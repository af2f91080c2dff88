'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useSubscriptionToCache } from '@/lib/subscription-cache';
import { mergeRunAnswer, mergeRunChange } from './run-change';
import { runQuery } from './run-query';
import {
  ApproveRunDocument,
  ApproveStageDocument,
  CompleteDelegatedStageDocument,
  isTerminal,
  PauseRunDocument,
  RejectStageDocument,
  ResumeRunDocument,
  RetryRunDocument,
  type Run,
  RunUpdatedDocument,
  StopRunDocument,
} from './runs.documents';

const selectRun = (data: { workflowRun: Run | null }) => data.workflowRun;

/**
 * A run, kept live: the query loads it once and `workflowRunUpdated` events replace it
 * in the cache (no polling). The subscription ends with the run.
 */
export function useRun(id: string) {
  const query = useQuery({ ...runQuery(id), select: selectRun });
  const run = query.data;
  useSubscriptionToCache({
    document: RunUpdatedDocument,
    variables: { id },
    queryKey: queryKeys.runs.detail(id),
    enabled: Boolean(run) && !isTerminal(run?.phase ?? 'PENDING'),
    // Events carry the whole changing state: a burst (a stop of 200 stages) is one render.
    coalesce: true,
    update: mergeRunChange,
  });
  return query;
}

type Action = 'stop' | 'pause' | 'resume' | 'retry' | 'approve';
const ACTIONS: Record<Action, (id: string, fromStage?: string) => Promise<Run>> = {
  approve: async (id) => (await request(ApproveRunDocument, { id })).approveWorkflowRun,
  stop: async (id) => (await request(StopRunDocument, { id })).stopWorkflowRun,
  pause: async (id) => (await request(PauseRunDocument, { id })).pauseWorkflowRun,
  resume: async (id) => (await request(ResumeRunDocument, { id })).resumeWorkflowRun,
  retry: async (id, fromStage) =>
    (await request(RetryRunDocument, { id, ...(fromStage ? { fromStage } : {}) })).retryWorkflowRun,
};

/** Stop / pause / resume / approve write the answer into the run's cache; retry returns the new run. */
export function useRunAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, fromStage }: { action: Action; fromStage?: string }) => {
      return { action, run: await ACTIONS[action](id, fromStage) };
    },
    onSuccess: ({ action, run }) => {
      if (action !== 'retry') {
        queryClient.setQueryData<{ workflowRun: Run | null }>(queryKeys.runs.detail(id), (previous) =>
          mergeRunAnswer(previous, run),
        );
      } else queryClient.setQueryData(queryKeys.runs.detail(run.id), { workflowRun: run });
      void queryClient.invalidateQueries({ queryKey: queryKeys.runs.lists });
    },
  });
}

export interface StageDecision {
  decision: 'APPROVE' | 'REJECT';
  stage: string;
  comment: string;
  inputs: { name: string; value: string }[];
}

/** approveStage / rejectStage; the answer is written into the run's cache like the other actions'. */
export function useStageDecision(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ decision, stage, comment, inputs }: StageDecision) => {
      const base = { runId: id, stage, ...(comment.trim() ? { comment: comment.trim() } : {}) };
      return decision === 'APPROVE'
        ? (await request(ApproveStageDocument, { input: { ...base, inputs } })).approveStage
        : (await request(RejectStageDocument, { input: base })).rejectStage;
    },
    onSuccess: (run) => {
      queryClient.setQueryData<{ workflowRun: Run | null }>(queryKeys.runs.detail(id), (previous) =>
        mergeRunAnswer(previous, run),
      );
    },
  });
}

export interface DelegationCompletion {
  stage: string;
  phase: 'SUCCEEDED' | 'FAILED';
  outputs: { key: string; value: string }[];
  message: string;
}

/** completeDelegatedStage; the answer is written into the run's cache like the other actions'. */
export function useCompleteDelegatedStage(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ stage, phase, outputs, message }: DelegationCompletion) => {
      const input = { runId: id, stage, phase, outputs, ...(message.trim() ? { message: message.trim() } : {}) };
      return (await request(CompleteDelegatedStageDocument, { input })).completeDelegatedStage;
    },
    onSuccess: (run) => {
      queryClient.setQueryData<{ workflowRun: Run | null }>(queryKeys.runs.detail(id), (previous) =>
        mergeRunAnswer(previous, run),
      );
    },
  });
}
