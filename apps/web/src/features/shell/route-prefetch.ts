'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { editorWorkflowQuery, stageTemplatesQuery } from '@/features/dag-editor/editor/editor-queries';
import { runQuery } from '@/features/runs/run-query';
import { readChoice, tenantsQuery } from '@/lib/current-tenant';
import { getSessionMarker } from '@/lib/session-marker';

const EDITOR = /^\/projects\/([^/]+)\/workflows\/([^/]+)\/?$/;
const RUN = /^\/projects\/[^/]+\/workflows\/[^/]+\/runs\/([^/]+)\/?$/;

/**
 * On the first page of a visit, asks for what the page will need at the same time as the
 * session check (`me`), instead of after it and after the tenants: the tenants, and for the
 * editor and the run dashboard their data (with the tenant chosen on this browser; a wrong
 * guess only costs a request, as the page then asks under the right key).
 */
export function usePrefetchRoute(pathname: string): void {
  const queryClient = useQueryClient();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the first page of the visit only.
  useEffect(() => {
    if (!getSessionMarker()) return;
    void queryClient.prefetchQuery(tenantsQuery());
    const run = RUN.exec(pathname);
    if (run?.[1] && run[1] !== 'compare') {
      void queryClient.prefetchQuery(runQuery(decodeURIComponent(run[1])));
      return;
    }
    const editor = EDITOR.exec(pathname);
    const tenant = readChoice();
    if (editor?.[1] && editor[2] && tenant) {
      const [project, workflow] = [decodeURIComponent(editor[1]), decodeURIComponent(editor[2])];
      void queryClient.prefetchQuery(editorWorkflowQuery(tenant, project, workflow));
      void queryClient.prefetchQuery(stageTemplatesQuery(tenant));
    }
  }, []);
}
