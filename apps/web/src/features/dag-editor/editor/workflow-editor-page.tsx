'use client';

import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { TenantRequired } from '@/features/projects/tenant-required';
import { useT } from '@/i18n/i18n-provider';
import { isDagreLoaded, preloadDagre, wantsDagre } from '../layout/layout';
import { editorWorkflowQuery, stageTemplatesQuery } from './editor-queries';
import { WorkflowEditor } from './workflow-editor';

/**
 * `/projects/<project>/workflows/<workflow>`, or `/projects/<project>/new-workflow` (a
 * route of its own, so a workflow may be named `new`): loads, then hands over to the editor.
 */
export function WorkflowEditorPage({
  project,
  workflow,
  startTemplate,
}: {
  project: string;
  workflow?: string;
  /** A new workflow starts with one stage made from this template. */
  startTemplate?: string;
}) {
  return (
    <TenantRequired>
      {(tenant) => (
        <EditorLoader
          key={`${tenant}/${project}/${workflow ?? ''}`}
          tenant={tenant}
          project={project}
          workflow={workflow}
          startTemplate={startTemplate}
        />
      )}
    </TenantRequired>
  );
}

function EditorLoader({
  tenant,
  project,
  workflow,
  startTemplate,
}: {
  tenant: string;
  project: string;
  workflow?: string;
  startTemplate?: string;
}) {
  const t = useT();
  const workflowQuery = useQuery({
    ...editorWorkflowQuery(tenant, project, workflow ?? ''),
    enabled: Boolean(workflow),
  });
  const templatesQuery = useQuery(stageTemplatesQuery(tenant));

  // A small workflow is laid out with dagre, a chunk of its own: load it before the first view.
  const stageCount = workflowQuery.data?.workflow?.stages.length ?? 0;
  const dagreQuery = useQuery({
    queryKey: ['layout', 'dagre'],
    queryFn: () => preloadDagre().then(() => true),
    enabled: wantsDagre(stageCount),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const isLayoutReady = !wantsDagre(stageCount) || isDagreLoaded() || dagreQuery.data === true;

  const crumbs = [
    { label: t('breadcrumbs.home'), href: '/' },
    { label: t('projects.title'), href: '/projects' },
    { label: project, href: `/projects/${project}` },
  ];
  if (workflow && workflowQuery.error) {
    return (
      <>
        <PageHeader title={workflow} breadcrumbs={crumbs} />
        <ErrorState
          title={t('editor.loadFailed')}
          error={workflowQuery.error}
          onRetry={() => void workflowQuery.refetch()}
        />
      </>
    );
  }
  if (workflow && workflowQuery.data && !workflowQuery.data.workflow) {
    return (
      <>
        <PageHeader title={workflow} breadcrumbs={crumbs} />
        <EmptyState title={t('editor.notFoundTitle')} description={t('editor.notFoundBody', { workflow, project })} />
      </>
    );
  }
  // Templates only fill the "add from template" menu: the first view does not wait for them,
  // unless the new workflow starts from one.
  if ((workflow && workflowQuery.isLoading) || !isLayoutReady || (startTemplate && templatesQuery.isLoading)) {
    return (
      <div aria-busy="true">
        <PageHeader title={workflow ?? t('editor.newTitle')} breadcrumbs={crumbs} />
        <Skeleton height="calc(100vh - 15rem)" radius="var(--radius-lg)" />
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <WorkflowEditor
        tenant={tenant}
        project={project}
        workflow={workflowQuery.data?.workflow ?? undefined}
        templates={templatesQuery.data?.stageTemplates ?? []}
        startTemplate={workflow ? undefined : startTemplate}
      />
    </ReactFlowProvider>
  );
}
