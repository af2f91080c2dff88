'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useSubscriptionToCache } from '@/lib/subscription-cache';
import { mergeRunAnswer, mergeRunChange } from './run-change';
import { runQuery } from './run-query';
import {
  isTerminal,
  PauseRunDocument,
  ResumeRunDocument,
  RetryRunDocument,
  type Run,
  type RunChange,
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
  useSubscriptionToCache<{ workflowRunUpdated: RunChange }, { workflowRun: Run | null }, { id: string }>({
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

type Action = 'stop' | 'pause' | 'resume' | 'retry';
const DOCUMENTS: Record<Action, string> = {
  stop: StopRunDocument,
  pause: PauseRunDocument,
  resume: ResumeRunDocument,
  retry: RetryRunDocument,
};
const FIELDS: Record<Action, string> = {
  stop: 'stopWorkflowRun',
  pause: 'pauseWorkflowRun',
  resume: 'resumeWorkflowRun',
  retry: 'retryWorkflowRun',
};

/** Stop / pause / resume write the answer into the run's cache; retry returns the new run. */
export function useRunAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, fromStage }: { action: Action; fromStage?: string }) => {
      const data = await request<Record<string, Run>, { id: string; fromStage?: string }>(DOCUMENTS[action], {
        id,
        ...(action === 'retry' && fromStage ? { fromStage } : {}),
      });
      return { action, run: data[FIELDS[action]] as Run };
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
