import { queryOptions } from '@tanstack/react-query';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { EditorWorkflowDocument, StageTemplatesDocument } from './editor.documents';

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
