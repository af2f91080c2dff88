import { queryOptions } from '@tanstack/react-query';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { EditorWorkflowDocument, StageTemplatesDocument, WorkflowStageHealthDocument } from './editor.documents';

/** The editor's workflow; shared by the page and the route prefetch (same key, same data). */
export const editorWorkflowQuery = (tenant: string, project: string, workflow: string) =>
  queryOptions({
    queryKey: queryKeys.workflows.detail(tenant, project, workflow),
    queryFn: ({ signal }) => request(EditorWorkflowDocument, { tenant, project, name: workflow }, { signal }),
    // The editor owns the document once open: no background refetch under the user's edits.
    staleTime: Number.POSITIVE_INFINITY,
  });

export const stageTemplatesQuery = (tenant: string) =>
  queryOptions({
    queryKey: queryKeys.templates.all(tenant),
    queryFn: ({ signal }) => request(StageTemplatesDocument, { tenant }, { signal }),
    staleTime: 5 * 60_000,
  });

/** Stage health of a saved workflow (the last 50 ended runs); fresh for a minute. */
export const stageHealthQuery = (tenant: string, project: string, workflow: string) =>
  queryOptions({
    queryKey: [...queryKeys.workflows.detail(tenant, project, workflow), 'stage-health'],
    queryFn: ({ signal }) => request(WorkflowStageHealthDocument, { tenant, project, name: workflow }, { signal }),
    staleTime: 60_000,
  });
