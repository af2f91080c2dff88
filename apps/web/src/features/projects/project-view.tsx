'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { type KeyboardEvent, useState } from 'react';
import { WorkflowsIcon } from '@/components/icons';
import { LinkButton } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { NameCell } from '@/components/ui/name-cell';
import { PageHeader } from '@/components/ui/page-header';
import { actionsColumn } from '@/components/ui/row-actions';
import { StatusBadge } from '@/components/ui/status-badge';
import { type Column, Table } from '@/components/ui/table';
import tabStyles from '@/components/ui/tabs.module.css';
import { ResourcesPanel } from '@/features/resources/resources-panel';
import { useI18n } from '@/i18n/i18n-provider';
import type { MessageKey } from '@/i18n/locales';
import { request } from '@/lib/graphql/client';
import { isPhase } from '@/lib/phases';
import { queryKeys } from '@/lib/query-keys';
import { dateTimeColumn } from './date-time';
import { formatDateTime } from './format';
import { type ProjectDetail, ProjectDocument } from './projects.documents';
import styles from './projects.module.css';
import { TenantRequired } from './tenant-required';

const TABS = ['workflows', 'resources', 'stages'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABELS: Record<Tab, MessageKey> = {
  workflows: 'project.tab.workflows',
  resources: 'project.tab.resources',
  stages: 'project.tab.stages',
};

export function ProjectView({ project }: { project: string }) {
  const { t } = useI18n();
  return (
    <>
      <PageHeader
        title={project}
        breadcrumbs={[
          { label: t('breadcrumbs.home'), href: '/' },
          { label: t('projects.title'), href: '/projects' },
        ]}
        actions={
          <LinkButton variant="primary" href={`/projects/${project}/new-workflow`}>
            {t('project.newWorkflow')}
          </LinkButton>
        }
      />
      <TenantRequired>{(tenant) => <ProjectTabs tenant={tenant} project={project} />}</TenantRequired>
    </>
  );
}

function ProjectTabs({ tenant, project }: { tenant: string; project: string }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('workflows');
  const query = useQuery({
    queryKey: queryKeys.projects.detail(tenant, project),
    queryFn: ({ signal }) => request(ProjectDocument, { tenant, name: project }, { signal }),
  });
  if (query.error) {
    return <ErrorState title={t('project.loadFailed')} error={query.error} onRetry={() => void query.refetch()} />;
  }
  const data = query.data?.project;
  const counts: Record<Tab, number | undefined> = {
    workflows: data?.workflows.length,
    resources: data?.resources.length,
    stages: data?.stages.length,
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = TABS[(TABS.indexOf(tab) + step + TABS.length) % TABS.length] as Tab;
    setTab(next);
    document.getElementById(`project-tab-${next}`)?.focus();
  };

  return (
    <>
      {data?.description ? <p className={styles.muted}>{data.description}</p> : null}
      <div role="tablist" aria-label={t('project.tabsLabel')} className={tabStyles.tabs} onKeyDown={onKeyDown}>
        {TABS.map((id) => (
          <button
            key={id}
            id={`project-tab-${id}`}
            type="button"
            role="tab"
            aria-selected={tab === id}
            aria-controls={`project-panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            className={tabStyles.tab}
            onClick={() => setTab(id)}
          >
            {t(TAB_LABELS[id])}
            {counts[id] !== undefined ? <span className={styles.count}>{counts[id]}</span> : null}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`project-panel-${tab}`} aria-labelledby={`project-tab-${tab}`}>
        {tab === 'workflows' ? (
          <WorkflowsTable project={project} rows={data?.workflows ?? []} loading={query.isLoading} />
        ) : tab === 'resources' ? (
          <ResourcesPanel tenant={tenant} project={project} rows={data?.resources ?? []} loading={query.isLoading} />
        ) : (
          <StagesTable rows={data?.stages ?? []} loading={query.isLoading} />
        )}
      </div>
    </>
  );
}

function WorkflowsTable({
  project,
  rows,
  loading,
}: {
  project: string;
  rows: ProjectDetail['workflows'];
  loading: boolean;
}) {
  const { t } = useI18n();
  const columns: Column<ProjectDetail['workflows'][number]>[] = [
    {
      id: 'name',
      header: t('project.col.name'),
      sortValue: (w) => w.name,
      cell: (w) => (
        <NameCell
          name={
            <Link className={styles.nameLink} href={`/projects/${project}/workflows/${w.name}`}>
              {w.name}
            </Link>
          }
          notes={[w.description]}
        />
      ),
    },
    { id: 'version', header: t('project.col.version'), sortValue: (w) => w.version, cell: (w) => `v${w.version}` },
    { id: 'stages', header: t('project.col.stages'), sortValue: (w) => w.stages.length, cell: (w) => w.stages.length },
    {
      id: 'lastRun',
      header: t('project.col.lastRun'),
      sortValue: (w) => w.latestRun?.createdAt,
      cell: (w) =>
        w.latestRun && isPhase(w.latestRun.phase) ? (
          <StatusBadge phase={w.latestRun.phase} size="sm" />
        ) : (
          <span className={styles.muted}>{t('common.notAvailable')}</span>
        ),
    },
    dateTimeColumn('updated', t('project.col.updated'), (w) => w.updatedAt),
    actionsColumn(t('projects.col.actions'), (w) => [
      { label: t('project.editWorkflow'), href: `/projects/${project}/workflows/${w.name}` },
    ]),
  ];
  return (
    <Table
      caption={t('project.tab.workflows')}
      columns={columns}
      rows={rows}
      rowKey={(w) => w.id}
      loading={loading}
      initialSort={{ columnId: 'name', direction: 'ascending' }}
      empty={{
        icon: <WorkflowsIcon size={20} />,
        title: t('project.workflowsEmptyTitle'),
        description: t('project.workflowsEmptyBody'),
        action: (
          <LinkButton variant="primary" href={`/projects/${project}/new-workflow`}>
            {t('project.newWorkflow')}
          </LinkButton>
        ),
      }}
    />
  );
}

function StagesTable({ rows, loading }: { rows: ProjectDetail['stages']; loading: boolean }) {
  const { t, locale } = useI18n();
  const columns: Column<ProjectDetail['stages'][number]>[] = [
    { id: 'name', header: t('project.col.name'), sortValue: (s) => s.name, cell: (s) => <strong>{s.name}</strong> },
    {
      id: 'image',
      header: t('project.col.image'),
      sortValue: (s) => s.image,
      cell: (s) => <code className={styles.mono}>{s.image}</code>,
    },
    {
      id: 'template',
      header: t('project.col.template'),
      sortValue: (s) => s.template,
      cell: (s) => s.template ?? t('common.notAvailable'),
    },
    {
      id: 'updated',
      header: t('project.col.updated'),
      sortValue: (s) => s.updatedAt,
      cell: (s) => formatDateTime(s.updatedAt, locale),
    },
  ];
  return (
    <Table
      caption={t('project.tab.stages')}
      columns={columns}
      rows={rows}
      rowKey={(s) => s.id}
      loading={loading}
      empty={{ title: t('project.stagesEmptyTitle'), description: t('project.stagesEmptyBody') }}
    />
  );
}
