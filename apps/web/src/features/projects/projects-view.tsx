'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type ReactNode, useState } from 'react';
import { ProjectsIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { NameCell } from '@/components/ui/name-cell';
import { PageHeader } from '@/components/ui/page-header';
import { QueryTable } from '@/components/ui/query-table';
import { actionsColumn, mutationAction } from '@/components/ui/row-actions';
import type { Column } from '@/components/ui/table';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useListMutation } from '@/lib/use-list-mutation';
import { CreateProjectDrawer } from './create-project-drawer';
import { dateTimeColumn } from './date-time';
import { DeleteProjectDocument, type ProjectRow, ProjectsDocument } from './projects.documents';
import styles from './projects.module.css';
import { TenantRequired } from './tenant-required';

export function ProjectsView() {
  const { t } = useI18n();
  const [isCreating, setCreating] = useState(false);
  // The page's add button; the empty table offers it too.
  const addButton = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      {t('projects.new')}
    </Button>
  );
  return (
    <>
      <PageHeader
        title={t('projects.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('projects.description')}
        actions={addButton}
      />
      <TenantRequired>
        {(tenant) => (
          <ProjectsTable addButton={addButton} tenant={tenant} isCreating={isCreating} setCreating={setCreating} />
        )}
      </TenantRequired>
    </>
  );
}

function ProjectsTable({
  tenant,
  addButton,
  isCreating,
  setCreating,
}: {
  tenant: string;
  /** The page's add button, offered again by the empty table. */
  addButton: ReactNode;
  isCreating: boolean;
  setCreating: (value: boolean) => void;
}) {
  const { t } = useI18n();
  const router = useRouter();
  const query = useQuery({
    queryKey: queryKeys.projects.all(tenant),
    queryFn: ({ signal }) => request(ProjectsDocument, { tenant }, { signal }),
  });
  const remove = useListMutation(queryKeys.projects.all(tenant), (name: string) =>
    request(DeleteProjectDocument, { input: { tenant, name } }),
  );

  const columns: Column<ProjectRow>[] = [
    {
      id: 'name',
      header: t('projects.col.name'),
      sortValue: (p) => p.name,
      cell: (p) => (
        <NameCell
          name={
            <Link className={styles.nameLink} href={`/projects/${p.name}`}>
              {p.name}
            </Link>
          }
          notes={[p.description]}
        />
      ),
    },
    {
      id: 'recent',
      header: t('projects.col.recentVersion'),
      sortValue: (p) => p.workflowsConnection.edges[0]?.node.updatedAt,
      cell: (p) => {
        const latest = p.workflowsConnection.edges[0]?.node;
        return latest ? (
          <Link href={`/projects/${p.name}/workflows/${latest.name}`}>
            {t('projects.recentVersion', { workflow: latest.name, version: latest.version })}
          </Link>
        ) : (
          <span className={styles.muted}>{t('common.notAvailable')}</span>
        );
      },
    },
    {
      id: 'creator',
      header: t('projects.col.creator'),
      sortValue: (p) => p.creator?.name ?? p.creator?.email,
      cell: (p) => p.creator?.name || p.creator?.email || t('common.notAvailable'),
    },
    dateTimeColumn('created', t('projects.col.created'), (p) => p.createdAt),
    actionsColumn(t('projects.col.actions'), (p) => [
      { label: t('projects.addWorkflow'), href: `/projects/${p.name}/new-workflow` },
      mutationAction(remove, p.name, {
        label: t('common.delete'),
        ariaLabel: t('projects.deleteNamed', { name: p.name }),
        confirm: t('projects.deleteConfirm', { name: p.name }),
      }),
    ]),
  ];

  return (
    <>
      <QueryTable
        query={query}
        loadFailed={t('projects.loadFailed')}
        caption={t('projects.title')}
        columns={columns}
        rows={query.data?.tenant?.projects ?? []}
        rowKey={(p) => p.id}
        initialSort={{ columnId: 'name', direction: 'ascending' }}
        empty={{
          icon: <ProjectsIcon size={20} />,
          title: t('projects.emptyTitle'),
          description: t('projects.emptyBodyTenant'),
          action: addButton,
        }}
      />
      <ErrorState title={t('projects.deleteFailed')} error={remove.error} />
      <CreateProjectDrawer
        tenant={tenant}
        open={isCreating}
        onClose={() => setCreating(false)}
        onCreated={(name) => {
          setCreating(false);
          router.push(`/projects/${name}`);
        }}
      />
    </>
  );
}
