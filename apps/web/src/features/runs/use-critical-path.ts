'use client';

import { useQuery } from '@tanstack/react-query';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { type Run, RunCriticalPathDocument } from './runs.documents';

/**
 * The run's critical path while `enabled`: asked again whenever a stage starts or ends
 * (the path can only change then), not on a timer.
 */
export function useCriticalPath(run: Run | null | undefined, enabled: boolean): readonly string[] | undefined {
  const progress = (run?.stages ?? []).map((stage) => `${stage.startedAt ?? ''}-${stage.finishedAt ?? ''}`).join(',');
  const query = useQuery({
    queryKey: queryKeys.runs.criticalPath(run?.id ?? '', progress),
    queryFn: ({ signal }) => request(RunCriticalPathDocument, { id: run?.id ?? '' }, { signal }),
    enabled: enabled && Boolean(run),
    placeholderData: (previous) => previous,
  });
  return enabled ? (query.data?.workflowRun?.criticalPath ?? undefined) : undefined;
}
