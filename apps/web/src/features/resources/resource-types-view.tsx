'use client';

import { type ResourceTypeRow, ResourceTypesDocument } from '@cyclone/api-contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { TemplatesIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { NameCell } from '@/components/ui/name-cell';
import { PageHeader } from '@/components/ui/page-header';
import { QueryTable } from '@/components/ui/query-table';
import { actionsColumn } from '@/components/ui/row-actions';
import type { Column } from '@/components/ui/table';
import { TenantRequired } from '@/features/projects/tenant-required';
import styles from '@/features/templates/templates.module.css';
import { TemplatesNav } from '@/features/templates/templates-nav';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useListEditing } from '@/lib/use-list-editing';
import { ResourceTypeDrawer } from './resource-type-drawer';
import {
  bindingSummary,
  blankResourceTypeDraft,
  draftFromResourceType,
  draftToResourceTypeInput,
  type ResourceTypeDraft,
} from './resource-type-form';
import {
  CreateResourceTypeDocument,
  DeleteResourceTypeDocument,
  UpdateResourceTypeDocument,
} from './resources.documents';
import { useCanWrite } from './use-can-write';

type Editing = { mode: 'create'; draft: ResourceTypeDraft } | { mode: 'edit'; draft: ResourceTypeDraft };

/** `/templates/resource-types`: the built-in resource types and the ones the tenant registered. */
export function ResourceTypesView() {
  return <TenantRequired>{(tenant) => <ResourceTypesList key={tenant} tenant={tenant} />}</TenantRequired>;
}

function ResourceTypesList({ tenant }: { tenant: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const canWrite = useCanWrite(tenant);
  const query = useQuery({
    queryKey: queryKeys.resourceTypes.all(tenant),
    queryFn: ({ signal }) => request(ResourceTypesDocument, { tenant }, { signal }),
  });
  const list = useListEditing<Editing>({
    refresh: () => queryClient.invalidateQueries({ queryKey: queryKeys.resourceTypes.all(tenant) }),
  });

  const save = (draft: ResourceTypeDraft) =>
    list.save(async (editing) => {
      const input = { tenant, ...draftToResourceTypeInput(draft) };
      if (editing.mode === 'create') await request(CreateResourceTypeDocument, { input });
      else await request(UpdateResourceTypeDocument, { input });
    });

  const remove = (row: ResourceTypeRow) =>
    list.remove(t('resourceTypes.deleteConfirm', { name: row.type }), () =>
      request(DeleteResourceTypeDocument, { input: { tenant, type: row.type } }),
    );

  const columns: Column<ResourceTypeRow>[] = [
    {
      id: 'type',
      header: t('resourceTypes.col.type'),
      width: '30%',
      sortValue: (row) => row.type,
      cell: (row) => (
        <NameCell name={<span className={styles.name}>{row.type}</span>} notes={[row.description, row.name]} />
      ),
    },
    {
      id: 'resolver',
      header: t('resourceTypes.col.resolver'),
      cell: (row) =>
        row.resolver ? (
          <span className={styles.mono} title={row.resolver}>
            {row.resolver}
          </span>
        ) : (
          <span className={styles.muted}>
            {row.resolvedBy === 'CYCLONE'
              ? t('resourceTypes.resolvedByCyclone')
              : t('resourceTypes.resolvedByResource')}
          </span>
        ),
    },
    {
      id: 'operations',
      header: t('resourceTypes.col.operations'),
      cell: (row) => <span className={styles.nowrap}>{row.operations.join(', ')}</span>,
    },
    {
      id: 'parameters',
      header: t('resourceTypes.col.parameters'),
      sortValue: (row) => row.parameters.length,
      cell: (row) => (
        <span title={row.parameters.map((p) => `${p.name}${p.required ? '*' : ''}`).join(', ')}>
          {t('resourceTypes.parameterCount', { count: row.parameters.length })}
        </span>
      ),
    },
    {
      id: 'binding',
      header: t('resourceTypes.col.binding'),
      cell: (row) =>
        row.bind ? (
          <span className={styles.muted}>{bindingSummary(row.bind)}</span>
        ) : (
          <span className={styles.muted}>{t('common.notAvailable')}</span>
        ),
    },
    {
      id: 'source',
      header: t('resourceTypes.col.source'),
      sortValue: (row) => (row.builtin ? 0 : 1),
      cell: (row) => (
        <span className={styles.source} data-own={!row.builtin}>
          {row.builtin ? t('resourceTypes.builtin') : t('resourceTypes.registered')}
        </span>
      ),
    },
    // Built-in types are read-only.
    actionsColumn(t('resourceTypes.col.actions'), (row) =>
      row.builtin || !canWrite
        ? []
        : [
            {
              label: t('resourceTypes.edit'),
              ariaLabel: t('resourceTypes.editNamed', { name: row.type }),
              onClick: () => list.open({ mode: 'edit', draft: draftFromResourceType(row) }),
            },
            {
              label: t('resourceTypes.delete'),
              ariaLabel: t('resourceTypes.deleteNamed', { name: row.type }),
              onClick: () => void remove(row),
            },
          ],
    ),
  ];

  return (
    <>
      <PageHeader
        title={t('resourceTypes.title')}
        breadcrumbs={[
          { label: t('breadcrumbs.home'), href: '/' },
          { label: t('templates.title'), href: '/templates' },
        ]}
        description={t('resourceTypes.description')}
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => list.open({ mode: 'create', draft: blankResourceTypeDraft() })}>
              {t('resourceTypes.new')}
            </Button>
          ) : null
        }
      />
      <TemplatesNav current="/templates/resource-types" />
      <QueryTable
        query={query}
        loadFailed={t('resourceTypes.loadFailed')}
        caption={t('resourceTypes.title')}
        columns={columns}
        rows={query.data?.resourceTypes ?? []}
        rowKey={(row) => row.type}
        empty={{
          icon: <TemplatesIcon size={20} />,
          title: t('resourceTypes.emptyTitle'),
          description: t('resourceTypes.emptyBody'),
        }}
      />
      <ErrorState title={t('resourceTypes.deleteFailed')} error={list.deleteError} />
      {list.editing ? (
        <ResourceTypeDrawer
          key={`${list.editing.mode}/${list.editing.draft.type}`}
          mode={list.editing.mode}
          initial={list.editing.draft}
          onSave={(draft) => void save(draft)}
          {...list.drawer}
        />
      ) : null}
    </>
  );
}
